"""Decoding of the model's token outputs into character spans, and the missing-model error."""

from __future__ import annotations

import numpy as np
import pytest

from newsaudit.errors import ModelError
from newsaudit.models.audit_model import ANY, AuditModel, ModelOutput
from newsaudit.models.token_states import TokenStates


def _words(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for w in text.split(" "):
        out.append((pos, pos + len(w)))
        pos += len(w) + 1
    return out


def _model() -> AuditModel:
    model = object.__new__(AuditModel)
    model.si_threshold = 0.5
    model.weights = {}
    model.config = {}
    return model


def _output(text: str, tech_any: list[float], tags: list[int]) -> ModelOutput:
    offsets = _words(text)
    n = len(offsets)
    tech = np.zeros((n, ANY + 1), np.float32)
    tech[:, ANY] = tech_any
    roles = np.full((n, 7), 0.01, np.float32)
    roles[np.arange(n), tags] = 0.9
    return ModelOutput(text, TokenStates(offsets, np.zeros((n, 4), np.float32)), tech, roles, np.zeros((n, 4)))


def test_si_spans_are_runs_above_threshold() -> None:
    text = "they are utterly corrupt and evil people"
    out = _output(text, [0.1, 0.2, 0.9, 0.8, 0.3, 0.7, 0.2], [0] * 7)
    spans = _model().si_spans(out)
    assert [(text[s:e]) for s, e, _ in spans] == ["utterly corrupt", "evil"]
    assert all(0 <= score <= 1 for *_, score in spans)


def test_span_filter_drops_spans_scoring_below_its_threshold() -> None:
    from newsaudit.models.span_filter import N_GENERIC

    text = "they are utterly corrupt and evil people"
    out = _output(text, [0.1, 0.2, 0.9, 0.8, 0.3, 0.7, 0.2], [0] * 7)
    model = _model()
    n = N_GENERIC + ANY
    # the score rises with the span's log length (feature 4): "utterly corrupt" (15 chars) passes, "evil" (4) not
    w = np.zeros(n, np.float32)
    w[4] = 4.0
    model.weights = {"sif_mean": np.zeros(n), "sif_scale": np.ones(n), "sif_w": w, "sif_b": np.float32(-8.0)}
    model.config = {"si_filter_threshold": 0.5}
    assert [text[s:e] for s, e, _ in model.si_spans(out)] == ["utterly corrupt"]
    assert [text[s:e] for s, e, _ in model.si_spans(out, filtered=False)] == ["utterly corrupt", "evil"]
    model.config = {"si_filter_threshold": 0.0}  # threshold 0: no filter
    assert len(model.si_spans(out)) == 2


def test_role_spans_follow_bio_and_repair_stray_inside_tags() -> None:
    text = "The mayor said on Monday the bridge will close"
    # The/B-Src mayor/I-Src said/B-Cue on/O Monday/O the/I-Content(stray: starts a span) bridge will close
    tags = [1, 2, 3, 0, 0, 6, 6, 6, 6]
    spans = _model().role_spans(_output(text, [0.0] * 9, tags))
    assert [(r, text[s:e]) for r, s, e, _ in spans] == [
        ("Source", "The mayor"),
        ("Cue", "said"),
        ("Content", "the bridge will close"),
    ]


def test_missing_model_raises_model_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelError):
        AuditModel(tmp_path / "nothing-here")
