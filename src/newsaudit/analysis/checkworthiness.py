"""Check-worthiness of sentences and claims from the trained model (ClaimBuster-style P(check-worthy))."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from newsaudit.document import Claim, Document
from newsaudit.models.audit_model import AuditModel, document_output, load_model


def score_sentences(texts: Sequence[str], *, model: AuditModel | None = None) -> np.ndarray:
    """P(check-worthy) for standalone sentences, float32 [len(texts)] (ModelError if no model is shipped)."""
    if not texts:
        return np.zeros((0,), dtype=np.float32)
    model = model or load_model()
    return model.score_sentences(list(texts))


def score_claims(doc: Document, model: AuditModel) -> list[Claim]:
    """The document's claims with `checkworthy` filled from their mean-pooled in-context encoder states."""
    if not doc.claims:
        return []
    out = document_output(doc, model)
    pooled = model.pooled_spans(out, [(c.span.start, c.span.end) for c in doc.claims])
    probs = model.checkworthy_pooled(pooled, [c.span.text for c in doc.claims])
    return [replace(c, checkworthy=float(p)) for c, p in zip(doc.claims, probs, strict=True)]
