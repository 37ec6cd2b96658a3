"""Persuasion techniques from the trained model: span identification (SI) and technique classification (TC)."""

from __future__ import annotations

from collections.abc import Sequence

from newsaudit.document import Document, Technique
from newsaudit.errors import InputError
from newsaudit.models.audit_model import AuditModel, document_output, load_model


def _check_spans(text: str, spans: Sequence[tuple[int, int]]) -> None:
    for s, e in spans:
        if not 0 <= s < e <= len(text):
            raise InputError(f"span [{s}, {e}) is empty or outside a text of length {len(text)}")


def label_spans(
    text: str, spans: Sequence[tuple[int, int]], *, model: AuditModel | None = None
) -> list[tuple[str, float]]:
    """TC: the most likely technique and its probability for each given span of `text` (ModelError if no model)."""
    _check_spans(text, spans)
    model = model or load_model()
    out = model.run([text])[0]
    return model.label_spans(out, spans)


def find_techniques(doc: Document, model: AuditModel) -> list[Technique]:
    """Technique spans of a Document: SI spans, each labelled with its most likely technique."""
    out = document_output(doc, model)
    spans = model.si_spans(out)
    labels = model.label_spans(out, [(s, e) for s, e, _ in spans])
    return [
        Technique(doc.span(s, e), technique, round(score * si, 6))
        for (s, e, si), (technique, score) in zip(spans, labels, strict=True)
    ]
