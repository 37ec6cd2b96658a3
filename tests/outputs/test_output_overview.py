"""The shared sourcing overview: grouping of sources and the counts the report header shows."""

from __future__ import annotations

from hypothesis import given, settings
from outputs_docs import documents

from newsaudit.document import Attribution, Document, Source
from newsaudit.outputs.overview import display_title, format_value, overview, quoted, shorten


@settings(max_examples=60, deadline=None)
@given(documents())
def test_counts_are_consistent(doc: Document) -> None:
    ov = overview(doc)
    grouped = sorted(i for e in ov.sources for i in e.attributions) + ov.article_voice
    assert sorted(grouped) == list(range(len(doc.attributions)))
    assert sum(ov.claims_by_origin.values()) == len(doc.claims)
    assert sum(ov.source_kinds.values()) == ov.sources_total
    assert ov.quantities_unsourced == sum(q.attribution is None for q in doc.quantities)
    assert sum(n for _, n in ov.techniques) == len(doc.techniques)


def test_surname_joins_full_name_but_not_ambiguously() -> None:
    text = "Tomas Reyes, head of the union, said x. Reyes told y. Ana Reyes said z. Marsh said w."
    doc = Document(text=text)
    s = doc.span

    def att(name: str, nth: int = 0) -> Attribution:
        start = -1
        for _ in range(nth + 1):
            start = text.index(name, start + 1)
        return Attribution(s(0, 1), Source(s(start, start + len(name)), "named", "person"))

    doc.attributions = [att("Tomas Reyes, head of the union,"), att("Reyes", 1)]
    ov = overview(doc)
    assert [(e.name, e.attributions) for e in ov.sources] == [("Tomas Reyes, head of the union", [0, 1])]
    doc.attributions.append(att("Ana Reyes"))  # two hosts: a lone "Reyes" stays on its own
    assert len(overview(doc).sources) == 3


def test_small_formatters() -> None:
    assert format_value(1200.0) == "1,200" and format_value(4.5) == "4.5" and format_value(0.25) == "0.25"
    assert shorten("a  b\n c", 10) == "a b c" and shorten("word " * 50, 20).endswith("…")
    assert quoted('"Already quoted"') == '"Already quoted"' and quoted("plain") == "“plain”"
    assert display_title(Document(text="Headline\n\nBody.")) == "Headline"
    assert display_title(Document(text="Only one line.")) == "Untitled article"
    assert display_title(Document(text="x", title="Given")) == "Given"


def test_formatters_take_odd_values_and_line_breaks() -> None:
    # a non-finite value (only in a hand-made Document) raised OverflowError in every renderer
    assert format_value(float("inf")) == "inf" and format_value(float("nan")) == "nan"
    # the first line of classic Mac ("\r") or U+2028 text is the headline too
    for newline in ("\r", "\r\n", "\u2028", "\v"):
        assert display_title(Document(text=f"Headline{newline}{newline}Body text.")) == "Headline", repr(newline)
