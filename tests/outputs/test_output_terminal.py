"""The rich terminal summary."""

from __future__ import annotations

from hypothesis import given, settings
from outputs_docs import documents
from rich.console import Console

from newsaudit.document import Document
from newsaudit.outputs import terminal


def test_terminal_lists_sources_figures_and_counts(example_doc: Document) -> None:
    console = Console(record=True, width=220, color_system=None)
    terminal.render(example_doc, console)
    out = console.export_text()
    for name in ("Port director Elena Marsh", "Harbour TV", "numerous analysts", "Sources close to the union"):
        assert name in out
    assert "Relayed: Coastal Ledger → Varrow Evening Post" in out
    assert "3 of 8 figures unsourced" in out
    assert "1,200 dockworkers" in out.split("Unsourced figures", 1)[1]
    assert "Loaded language" in out and "Counts per layer" in out


def test_terminal_does_not_interpret_article_markup() -> None:
    doc = Document(text="[bold red]not markup[/] and [link=file:///etc/passwd]x[/link]", title="[blink]T[/blink]")
    console = Console(record=True, width=100, color_system=None)
    terminal.render(doc, console)
    out = console.export_text()
    assert "[blink]T[/blink]" in out
    assert "No attributions were found." in out


def test_terminal_empty_layers() -> None:
    console = Console(record=True, width=80, color_system=None)
    terminal.render(Document(text="Nothing here."), console)
    assert "0 sources" in console.export_text()


@settings(max_examples=25, deadline=None)
@given(documents())
def test_terminal_renders_any_document(doc: Document) -> None:
    console = Console(record=True, width=100, color_system=None)
    terminal.render(doc, console)
    assert "sources" in console.export_text()
