"""The rich terminal summary."""

from __future__ import annotations

import unicodedata
from io import StringIO

from hypothesis import given, settings
from hypothesis import strategies as st
from outputs_docs import documents
from rich.console import Console

from newsaudit.api import analyze
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


_CONTROL = st.sampled_from(["\x1b[2J", "\x1b]0;owned\x07", "\x9b31m", "\x08", "\x00", "\x7f", "\r", "\x85", "\x1b[8m"])


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.one_of(_CONTROL, st.sampled_from(["Ana", "Diaz", "said", "3", "people", "died", ".", " "])), max_size=30
    )
)
def test_terminal_prints_no_control_characters(words: list[str]) -> None:
    # rich strips only a few control characters: ESC and C1 codes in an article (ingest lets "\x1b" through)
    # reached the terminal raw, so an article could clear the screen, retitle the window or hide text
    text = "Police chief Ana\x1b[2J Diaz said 3\x1b[8m people died. " + "".join(words)
    doc = analyze(text)
    doc.title, doc.outlet = "Title\x1b]0;owned\x07", "Out\x9blet"
    out = StringIO()
    terminal.render(doc, Console(file=out, width=100, force_terminal=True, color_system=None))
    printed = out.getvalue()
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n" for ch in printed), repr(printed)
    assert "Title" in printed
