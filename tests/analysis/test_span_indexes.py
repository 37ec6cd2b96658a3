"""The rules' position indexes agree with the scans they replace (quote marks between offsets, overlapping ranges)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsaudit.analysis.attribution import QuoteMarks, _SpanIndex


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
    index = _SpanIndex()
    for start, end, owner in ranges:
        index.add(start, end, owner)
    start, end, _ = query
    expected = any(b < end and start < e and owner != skip for b, e, owner in ranges)
    assert index.overlaps(start, end, skip=skip) == expected
