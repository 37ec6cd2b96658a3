"""The analysis steps' position indexes agree with the scans they replace (quote marks, overlapping ranges, the
neighbours of a relation, role starts inside a content)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsaudit.analysis.attribution import QuoteMarks
from newsaudit.analysis.content_bounds import RoleStarts
from newsaudit.analysis.relation_filter import Neighbours
from newsaudit.analysis.span_index import SpanIndex
from newsaudit.document import Attribution, Source, Span


def _marks(text: str, a: int, b: int) -> int:
    seg = text[a:b]
    return seg.count("“") + seg.count("”") + seg.count('"') + seg.count("''") + seg.count("``")


@given(st.text(alphabet="ab '`\"“”", max_size=60), st.integers(-2, 65), st.integers(-2, 65))
def test_quote_marks_count_like_str_count(text: str, a: int, b: int) -> None:
    a, b = max(a, 0), max(b, 0)
    assert QuoteMarks(text).count(a, b) == _marks(text, a, b)


_RANGE = st.tuples(st.integers(0, 50), st.integers(0, 20), st.integers(0, 3)).map(lambda t: (t[0], t[0] + t[1], t[2]))


@given(st.lists(_RANGE, max_size=30), _RANGE, st.one_of(st.none(), st.integers(0, 3)))
def test_span_index_finds_what_a_scan_finds(ranges: list[tuple[int, int, int]], query, skip) -> None:  # type: ignore[no-untyped-def]
    index = SpanIndex()
    for start, end, owner in ranges:
        index.add(start, end, owner)
    start, end, _ = query
    expected = any(b < end and start < e and owner != skip for b, e, owner in ranges)
    assert index.overlaps(start, end, skip=skip) == expected


_TEXT = "x" * 80
_SPAN = st.tuples(st.integers(0, 70), st.integers(0, 10)).map(lambda t: Span.of(_TEXT, t[0], t[0] + t[1]))
_RELATION = st.builds(
    lambda content, cue, source: Attribution(
        content=content, cue=cue, source=Source(source, "named", None) if source else None
    ),
    _SPAN,
    st.one_of(st.none(), _SPAN),
    st.one_of(st.none(), _SPAN),
)


@given(st.lists(_RELATION, min_size=1, max_size=12), st.integers(0, 80))
def test_neighbour_counts_are_those_of_a_scan(atts: list[Attribution], at: int) -> None:
    neighbours = Neighbours(atts)
    for att in atts:
        rest = [b for b in atts if b is not att]
        assert neighbours.nested(att, at) == min(sum(b.content.start <= at < b.content.end for b in rest), 2)
        cue = att.cue
        assert neighbours.same_cue(att) == min(sum(bool(b.cue and cue and b.cue.overlaps(cue)) for b in rest), 2)
        assert neighbours.shared_content(att) == min(sum(b.content.overlaps(att.content) for b in rest), 2)


@given(st.lists(_RELATION, min_size=1, max_size=12))
def test_role_starts_inside_a_content_are_those_of_a_scan(atts: list[Attribution]) -> None:
    starts = RoleStarts(atts)
    for att in atts:
        c = att.content
        cues = sorted(b.cue.start for b in atts if b.cue and b is not att and c.start <= b.cue.start < c.end)
        sources = sorted(
            b.source.span.start for b in atts if b.source and b is not att and c.start <= b.source.span.start < c.end
        )
        assert starts.inside(c, att) == (cues, sources)
