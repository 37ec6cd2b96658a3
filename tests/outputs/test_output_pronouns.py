"""Pronoun sources are shown with their antecedent ("He → Ana Diaz"), escaped, and grouped under it."""

from __future__ import annotations

from rich.console import Console

from newsaudit.document import Attribution, Document, Source
from newsaudit.outputs import html as report
from newsaudit.outputs import terminal
from newsaudit.outputs.overview import overview, source_display

NAME = "Ana <b>Diaz</b> & [bold]Co[/bold]"
TEXT = f"{NAME} said the queue had grown. He said the clinic needed two more nurses."


def _doc(with_antecedent_source: bool = True) -> Document:
    doc = Document(text=TEXT)
    name = doc.span(0, len(NAME))
    said = TEXT.index(" said") + 1
    he = TEXT.index("He said")
    if with_antecedent_source:
        doc.attributions.append(
            Attribution(doc.span(said + 5, TEXT.index(".")), Source(name, "named", "person"), doc.span(said, said + 4))
        )
    doc.attributions.append(
        Attribution(
            doc.span(he + 8, len(TEXT) - 1),
            Source(doc.span(he, he + 2), "named", "person", name),
            doc.span(he + 3, he + 7),
        )
    )
    doc.check_offsets()
    return doc


def test_source_display() -> None:
    doc = _doc()
    assert source_display(doc.attributions[1].source) == f"He → {NAME}"  # type: ignore[arg-type]
    assert source_display(doc.attributions[0].source) == NAME  # type: ignore[arg-type]


def test_pronoun_joins_its_antecedent_source() -> None:
    (entry,) = overview(_doc()).sources
    assert entry.name == NAME and entry.attributions == [0, 1]
    (alone,) = overview(_doc(with_antecedent_source=False)).sources
    assert alone.name == f"He → {NAME}"


def test_html_shows_the_arrow_escaped() -> None:
    for doc in (_doc(), _doc(with_antecedent_source=False)):
        page = report.render(doc)
        assert "He → Ana &lt;b&gt;Diaz&lt;/b&gt; &amp; [bold]Co[/bold]" in page
        assert "<b>Diaz" not in page
    panel = report.render_fragment(_doc())
    assert '<span class="na-refers">He → Ana &lt;b&gt;Diaz' in panel


def test_terminal_shows_the_arrow_without_interpreting_markup() -> None:
    for doc in (_doc(), _doc(with_antecedent_source=False)):
        console = Console(record=True, width=240, color_system=None)
        terminal.render(doc, console)
        out = console.export_text()
        assert f"He → {NAME}" in out


def test_unresolved_pronoun_is_shown_as_is() -> None:
    doc = Document(text="He said it.")
    doc.attributions = [Attribution(doc.span(8, 10), Source(doc.span(0, 2), "vague", None), doc.span(3, 7))]
    assert overview(doc).sources[0].name == "He"
    assert "→" not in report.render_fragment(doc)
