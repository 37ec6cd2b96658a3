"""The bundled example article (our own fictional text) that exercises every analysis layer."""

from __future__ import annotations

from importlib import resources

EXAMPLE_NAME = "harbour-closure.txt"


def example_path() -> str:
    """Filesystem path of the bundled example article."""
    return str(resources.files(__name__).joinpath(EXAMPLE_NAME))


def example_text() -> str:
    """The bundled example article: title on line 1, a blank line, then paragraphs."""
    return resources.files(__name__).joinpath(EXAMPLE_NAME).read_text(encoding="utf-8")
