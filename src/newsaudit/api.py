"""The Python API: analyze one text or Document, or many."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from newsaudit.analysis.pipeline import Pipeline, create_step
from newsaudit.document import Document
from newsaudit.errors import InputError
from newsaudit.settings import Settings


@lru_cache(maxsize=4)
def default_pipeline(settings: Settings | None = None) -> Pipeline:
    """The standard pipeline for these settings (built once, then reused)."""
    from newsaudit.analysis.steps import RULE_STEPS

    settings = settings or Settings()
    names = list(RULE_STEPS)
    if settings.use_models:
        from newsaudit.analysis.steps import with_model_steps
        from newsaudit.models.audit_model import model_available

        if model_available(settings.model_dir):
            steps = [create_step(n) for n in with_model_steps(names)]
            for step in steps:
                if hasattr(step, "model_dir"):
                    step.model_dir = settings.model_dir  # type: ignore[attr-defined]
            return Pipeline(steps)
    return Pipeline([create_step(name) for name in names])


def analyze(source: str | Document, *, settings: Settings | None = None) -> Document:
    """Analyse an article given as plain text or as a Document; returns the Document with all layers."""
    doc = Document(text=source) if isinstance(source, str) else source
    if not doc.text.strip():
        raise InputError("the article text is empty")
    return default_pipeline(settings)(doc)


def analyze_many(sources: Iterable[str | Document], *, settings: Settings | None = None) -> Iterator[Document]:
    """Analyse many articles lazily with one pipeline, the encoder running one article ahead (`Pipeline.ahead`)."""
    documents = (Document(text=source) if isinstance(source, str) else source for source in sources)
    for doc in default_pipeline(settings).ahead(documents):
        yield analyze(doc, settings=settings)
