"""Running the pipeline over benchmark texts: exact-offset reading, analysis of possibly empty texts, progress."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.progress import track

from newsaudit.document import Document
from newsaudit.errors import InputError
from newsaudit.settings import Settings

T = TypeVar("T")


def read_text(path: Path) -> str:
    """A benchmark text exactly as stored (UTF-8, newlines untranslated), so gold offsets index into it."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def analyse_all(items: Iterable[T], text: Callable[[T], str], settings: Settings) -> Iterator[tuple[T, Document]]:
    """(item, its analysed Document) in order, the encoder running one item ahead (`Pipeline.ahead`); blank: empty."""
    from newsaudit.api import analyze, default_pipeline

    pairs = ((item, Document(text=text(item))) for item in items)
    for item, doc in default_pipeline(settings).ahead(pairs, lambda pair: pair[1]):
        yield item, doc if not doc.text.strip() else analyze(doc, settings=settings)


def progress(items: Iterable[T], what: str, total: int | None = None, *, show: bool = True) -> Iterable[T]:
    """Iterate with a rich progress bar on stderr (removed when done; none when stderr is not a terminal)."""
    console = Console(stderr=True)
    if not show or not console.is_terminal:
        return items
    return track(items, description=what, total=total, console=console, transient=True)
