"""Refit span classifier and check-worthiness n-gram head: training-side features and weights are exactly what the
runtime `AuditModel` computes and applies (synthetic data; needs the train extra)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.models.audit_model import AuditModel, ModelOutput
from newsaudit.models.span_features import N_TEXT_CUES, length_repetition, text_cues, tfidf_rows
from newsaudit.models.token_states import TokenStates
from newsaudit.training import heads
from newsaudit.training.data import TaggedText
from newsaudit.training.multitask import TrainConfig

TEXT = "Our brave nation will never surrender.\nThey are traitors, traitors to our nation, and liars."
BLOCKS = ("state_mean", "state_max", "adapter_mean", "length_repetition", "text_cues")


def _words(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        for w in line.split(" "):
            out.append((pos, pos + len(w)))
            pos += len(w) + 1
    return out


class FakeModel(AuditModel):
    """An AuditModel with a fixed config and a deterministic stand-in for the ONNX token heads."""

    def __init__(self, config: dict, weights: dict) -> None:  # type: ignore[type-arg]
        self.config, self.weights = config, weights

    def heads(self, text: str, tokens: TokenStates) -> ModelOutput:
        n = len(tokens.offsets)
        adapter = np.cos(np.arange(n * 3, dtype=np.float32)).reshape(n, 3)
        feats = np.concatenate([tokens.states, adapter], axis=1)
        return ModelOutput(text, tokens, np.zeros((n, 15), np.float32), np.zeros((n, 7), np.float32), feats)


def _item() -> tuple[TaggedText, TokenStates]:
    offsets = _words(TEXT)
    states = np.sin(np.arange(len(offsets) * 4, dtype=np.float32)).reshape(len(offsets), 4)
    spans = [(7, 0, 17), (8, TEXT.index("traitors"), TEXT.index("traitors") + 8), (9, TEXT.index("liars"), len(TEXT))]
    return TaggedText("1", TEXT, "ptc", techniques=spans), TokenStates(offsets, states)


def test_training_span_vectors_match_the_runtime_definition() -> None:
    item, tokens = _item()
    model = FakeModel({"tc_head": {"blocks": list(BLOCKS), "hash_dim": 0}}, {})
    x, y = heads.tc_dataset(model, [item], [tokens])
    assert y.tolist() == [7, 8, 9] and x.shape == (3, 4 + 4 + 3 + 2 + N_TEXT_CUES)
    out = model.heads(TEXT, tokens)
    for row, (_, s, e) in zip(x, item.techniques, strict=True):
        i, j = tokens.token_range(s, e)  # type: ignore[misc]
        expected = np.concatenate(
            [
                tokens.states[i:j].mean(0),
                tokens.states[i:j].max(0),
                out.feats[i:j, 4:].mean(0),
                length_repetition(TEXT, s, e),
                text_cues(TEXT, s, e),
            ]
        )
        np.testing.assert_allclose(row, expected, rtol=1e-6)
        np.testing.assert_allclose(model.span_features(out, s, e), row, rtol=1e-6)


@pytest.mark.parametrize("hidden", [0, 8])
def test_fitted_span_classifier_runs_the_same_at_run_time(hidden: int) -> None:
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(3), 30)
    x = (rng.normal(size=(90, 5)) + 3.0 * np.eye(5)[y]).astype(np.float32)
    cfg = dataclasses.replace(
        TrainConfig(), tc_blocks=("state_mean",), tc_hidden=hidden, tc_weight_decay=0.1, tc_epochs=400, tc_seeds=2
    )
    weights = heads.fit_tc_head(cfg, x, y)
    assert ("tcx_w1" in weights) == bool(hidden)
    if hidden:
        assert weights["tcx_w1"].shape == (5, 2 * hidden)  # two seeds side by side
    model = FakeModel({"tc_head": {"blocks": ["state_mean"]}}, weights)
    pred = np.array([model.span_logits(v).argmax() for v in x])
    assert (pred == y).mean() > 0.9


def test_label_spans_gives_a_repeated_span_its_next_best_technique() -> None:
    _, tokens = _item()
    model = FakeModel({}, {"tc_w": np.zeros((2 * 7 + 2, 14), np.float32), "tc_b": np.arange(14, dtype=np.float32)})
    labels = model.label_spans(model.heads(TEXT, tokens), [(0, 17), (0, 17), (20, 30)])
    assert [t for t, _ in labels] == [PTC_TECHNIQUES[13], PTC_TECHNIQUES[12], PTC_TECHNIQUES[13]]


def test_ngram_tfidf_and_logits_agree_between_training_and_run_time() -> None:
    texts = ["Unemployment rose 3 percent in 2019.", "Thank you all.", "Taxes rose by 4 percent.", "Good night!"]
    y = np.array([1, 0, 1, 0])
    dim = 1 << 10
    counts = heads._gram_counts(texts, dim)
    idf = heads.gram_idf(counts)
    dense = heads.gram_tfidf(counts, idf).toarray()
    for row, (idx, val) in zip(dense, tfidf_rows(texts, idf), strict=True):
        expected = np.zeros(dim)
        np.add.at(expected, idx, val)
        np.testing.assert_allclose(row, expected, rtol=1e-5, atol=1e-7)
    ng = heads._fit_ngram(counts, y, 4.0)
    model = FakeModel({}, {"cw_ng_idf": ng[0], "cw_ng_w": ng[1], "cw_ng_b": np.float32(ng[2])})
    np.testing.assert_allclose(model.checkworthy_ngram_logits(texts), heads._ngram_logits(ng, counts), rtol=1e-4)


def test_checkworthy_mixes_the_two_heads_logits() -> None:
    texts = ["Prices rose 5 percent.", "Hello there."]
    dim = 1 << 8
    w = {
        "cw_mean": np.zeros(3, np.float32),
        "cw_scale": np.ones(3, np.float32),
        "cw_w": np.array([1.0, 0.0, 0.0], np.float32),
        "cw_b": np.float32(0.0),
        "cw_ng_idf": np.ones(dim, np.float32),
        "cw_ng_w": np.full(dim, 0.5, np.float32),
        "cw_ng_b": np.float32(-1.0),
    }
    pooled = np.array([[2.0, 0, 0], [-2.0, 0, 0]], np.float32)
    model = FakeModel({"checkworthy_ngram_weight": 0.25}, w)
    ng = model.checkworthy_ngram_logits(texts)
    expected = 1 / (1 + np.exp(-(0.25 * ng + 0.75 * pooled[:, 0])))
    np.testing.assert_allclose(model.checkworthy_pooled(pooled, texts), expected, rtol=1e-5)
    from newsaudit.errors import ModelError

    with pytest.raises(ModelError):
        model.checkworthy_pooled(pooled)
    assert json.dumps(model.config)  # config stays JSON


def test_shipped_config_names_known_span_blocks() -> None:
    from newsaudit.models.span_features import TC_BLOCKS

    cfg = TrainConfig.load(Path(__file__).resolve().parents[2] / "training" / "configs" / "multitask.toml")
    assert set(cfg.tc_blocks) <= set(TC_BLOCKS)
