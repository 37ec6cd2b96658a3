"""Refit span classifier and check-worthiness n-gram head: training-side features and weights are exactly what the
runtime `AuditModel` computes and applies (synthetic data; needs the train extra)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.models.audit_model import AuditModel, ModelOutput, technique_ngram_logits
from newsaudit.models.span_features import (
    N_TEXT_CUES,
    length_repetition,
    repeats_earlier,
    repetition_count,
    text_cues,
    tfidf_rows,
)
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
    rows = heads.tc_dataset(model, [item], [tokens])
    assert rows.repeats.tolist() == [repeats_earlier(TEXT, s, e) for _, s, e in item.techniques]
    x, y = rows.x, rows.y
    assert y.tolist() == [7, 8, 9] and x.shape == (3, 4 + 4 + 3 + 2 + N_TEXT_CUES)
    assert rows.texts == [TEXT[s:e] for _, s, e in item.techniques]
    assert rows.keys == [("1", s, e) for _, s, e in item.techniques]
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


def test_technique_ngram_head_agrees_between_training_and_run_time() -> None:
    texts = ["brave nation", "our nation", "traitors and liars", "liars", "never surrender", "we will never surrender"]
    y = np.array([7, 7, 9, 9, 11, 11])
    dim = 1 << 10
    ng = heads.fit_tc_ngram(texts, y, dim, 16.0)
    assert ng["tcn_w"].shape == (dim, 14) and ng["tcn_w"].dtype == np.float16
    from sklearn.linear_model import LogisticRegression

    counts = heads._gram_counts(texts, dim)
    x = heads.gram_tfidf(counts, heads.gram_idf(counts))
    clf = LogisticRegression(C=16.0, max_iter=2000).fit(x, y)
    logits = technique_ngram_logits(ng, texts)
    assert logits.shape == (6, 14)
    np.testing.assert_allclose(logits[:, [7, 9, 11]], clf.decision_function(x), atol=2e-2)  # float16 weights
    assert (logits.argmax(1) == y).all()
    assert (logits[:, 0] < -20).all()  # techniques never seen in training cannot win


def test_multiset_accuracy_gives_copies_of_a_span_their_next_best_techniques() -> None:
    log_probs = np.log(np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1]]))
    keys = [("a", 0, 5), ("a", 0, 5), ("a", 9, 12)]
    assert heads.multiset_accuracy(log_probs, np.array([1, 0, 1]), keys) == 1.0  # copies take classes 0 and 1
    assert heads.multiset_accuracy(log_probs, np.array([2, 0, 0]), keys) == pytest.approx(1 / 3)
    assert heads.multiset_accuracy(log_probs[:0], np.array([], dtype=int), []) == 0.0


def test_blend_is_chosen_out_of_fold_and_left_out_when_it_does_not_help() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(2), 40)
    keys = [(f"art{i % 10}", i, i + 3) for i in range(80)]
    cfg = dataclasses.replace(
        TrainConfig(), tc_hidden=0, tc_epochs=60, tc_ngram_dim=1 << 10, tc_ngram_weights=(0.5,), tc_weight_decay=1.0
    )
    noise = rng.normal(size=(80, 3)).astype(np.float32)
    never = np.zeros(80, dtype=bool)
    words = [["alpha beta", "gamma delta"][k] for k in y]  # the text alone names the class
    useful = heads.choose_tc_blend(cfg, heads.SpanRows(noise, y, words, keys, never))
    table = useful["oof_tc_micro_f1"]
    assert (useful["weight"], useful["boost"]) == (0.5, 0.0) and table["w0.5 boost0"] > table["w0 boost0"]
    clear = (0.1 * noise + 4.0 * np.eye(3, dtype=np.float32)[y]).astype(np.float32)
    same = ["same words"] * 80  # the text says nothing, the vectors say everything: a tie keeps the classifier alone
    useless = heads.choose_tc_blend(
        dataclasses.replace(cfg, tc_epochs=400), heads.SpanRows(clear, y, same, keys, never)
    )
    assert (useless["weight"], useless["boost"]) == (0.0, 0.0) and useless["oof_tc_micro_f1"]["w0 boost0"] == 1.0


def test_repetition_boost_is_chosen_when_repeated_spans_are_repetition() -> None:
    rep = PTC_TECHNIQUES.index("Repetition")
    y = np.array([0, 0, 0, 0, rep, rep, rep, rep] * 10)
    repeats = y == rep  # the classifier cannot see it (no signal in x); the repetition flag can
    keys = [(f"art{i % 10}", i, i + 3) for i in range(80)]
    cfg = dataclasses.replace(
        TrainConfig(), tc_hidden=0, tc_epochs=60, tc_ngram_dim=0, tc_repetition_boosts=(0.5, 20.0), tc_weight_decay=1.0
    )
    x = np.random.default_rng(1).normal(size=(80, 3)).astype(np.float32)
    choice = heads.choose_tc_blend(cfg, heads.SpanRows(x, y, ["w"] * 80, keys, repeats))
    assert choice["weight"] == 0.0 and choice["boost"] == 20.0
    table = choice["oof_tc_micro_f1"]
    assert table["w0 boost20"] > table["w0 boost0.5"] and table["w0 boost20"] > table["w0 boost0"]


def test_repetition_boost_raises_only_spans_that_repeat_an_earlier_phrase() -> None:
    from newsaudit.models.audit_model import repetition_mask

    text = "Our port, our jobs. They lie. OUR PORT! our portal"
    first, second = (0, 8), (text.index("OUR PORT"), text.index("OUR PORT") + 8)
    assert not repeats_earlier(text, *first) and repeats_earlier(text, *second)
    assert not repeats_earlier(text, text.index("lie"), text.index("lie") + 3)
    assert not repeats_earlier(text, len(text) - 6, len(text))  # "portal" is not "port"
    mask = repetition_mask(text, [first, second])
    assert mask.sum() == 1 and mask[1, PTC_TECHNIQUES.index("Repetition")] == 1


def test_span_probabilities_blend_the_ngram_head_in_log_space() -> None:
    item, tokens = _item()
    rng = np.random.default_rng(3)
    dim = 1 << 8
    weights = {
        "tcx_mean": np.zeros(4, np.float32),
        "tcx_scale": np.ones(4, np.float32),
        "tcx_w": rng.normal(size=(4, 14)).astype(np.float32),
        "tcx_b": np.zeros(14, np.float32),
        "tcn_idf": np.ones(dim, np.float32),
        "tcn_w": rng.normal(size=(dim, 14)).astype(np.float16),
        "tcn_b": np.zeros(14, np.float32),
    }
    spans = [(s, e) for _, s, e in item.techniques]
    plain = FakeModel({"tc_head": {"blocks": ["state_mean"]}}, weights)
    blended = FakeModel({"tc_head": {"blocks": ["state_mean"], "ngram_weight": 0.25}}, weights)
    out = plain.heads(TEXT, tokens)
    p0, p1 = plain.span_probs_many(out, spans), blended.span_probs_many(out, spans)
    grams = technique_ngram_logits(weights, [TEXT[s:e] for s, e in spans])
    for row, span in zip(grams, spans, strict=True):
        g = row - np.log(np.exp(row - row.max()).sum()) - row.max()
        expected = np.exp(0.75 * np.log(p0[span]) + 0.25 * g)
        np.testing.assert_allclose(p1[span], expected / expected.sum(), rtol=1e-4, atol=1e-6)
        assert abs(float(p1[span].sum()) - 1.0) < 1e-5


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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["our", "port", "Port", "portal", "jobs", "_", "it's", "İzmir", "ŉ", "...", " ", "\n"]),
        min_size=1,
        max_size=30,
    ),
    st.data(),
)
def test_repeats_earlier_equals_a_search_of_the_normalised_prefix(parts: list[str], data: st.DataObject) -> None:
    from newsaudit.models.span_features import normalise

    text = " ".join(parts)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    phrase = normalise(text[start:end])
    expected = len(phrase) >= 3 and f" {phrase} " in f" {normalise(text[:start])} "
    assert repeats_earlier(text, start, end) == expected
    others = max(0, f" {normalise(text)} ".count(f" {phrase} ") - 1) if len(phrase) >= 3 else 0
    assert repetition_count(text, start, end) == others


class FakeTagger(FakeModel):
    """A FakeModel that reads its folder's files, and whose "any technique" tagger fires on four words."""

    FIRING = frozenset({"brave", "surrender.", "traitors,", "liars."})

    def __init__(self, folder: Path) -> None:
        weights = np.load(folder / "heads.npz")
        super().__init__(json.loads((folder / "config.json").read_text()), {k: weights[k] for k in weights.files})
        self.si_threshold = float(self.config["si_threshold"])

    def heads(self, text: str, tokens: TokenStates) -> ModelOutput:
        out = super().heads(text, tokens)
        out.tech[:, -1] = [0.9 if text[s:e] in self.FIRING else 0.0 for s, e in tokens.offsets]
        return out


def test_si_filter_is_fit_on_decoded_spans_and_applied_at_run_time(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newsaudit.models import audit_model

    monkeypatch.setattr(audit_model, "AuditModel", FakeTagger)
    item, tokens = _item()  # gold: "Our brave nation", "traitors", "liars."; the tagger also fires on "surrender."
    config = {"si_threshold": 0.5}
    heads._write_model_files(tmp_path, config, {"tc_w": np.zeros((2, 2), np.float32)})
    cfg = dataclasses.replace(TrainConfig(), si_filter_c=1.0, si_filter_thresholds=(0.0, 0.2, 0.5, 0.8))
    info = heads.fit_si_filter(cfg, tmp_path, config, ([item] * 4, [tokens] * 4), ([item], [tokens]))
    assert info["train_spans"] == 16 and info["train_overlapping_gold"] == 0.75
    assert info["threshold"] > 0 and config["si_filter_threshold"] == info["threshold"]
    runtime = FakeTagger(tmp_path)
    assert {"tc_w", "sif_mean", "sif_scale", "sif_w", "sif_b"} <= set(runtime.weights)
    out = runtime.heads(TEXT, tokens)
    decoded = [TEXT[s:e] for s, e, _ in runtime.si_spans(out, filtered=False)]
    assert decoded == ["brave", "surrender.", "traitors,", "liars."]
    assert [TEXT[s:e] for s, e, _ in runtime.si_spans(out)] == ["brave", "traitors,", "liars."]


@pytest.mark.parametrize(("kind", "seeds"), [("logistic", 1), ("mlp", 1), ("mlp", 3)])
def test_checkworthiness_head_runs_the_same_at_run_time(kind: str, seeds: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 6)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] ** 2 > 0.5).astype(int)
    fitted = heads._fit_cw(x, y, kind, 13, seeds)
    if seeds > 1:  # one wider MLP whose logit is the mean of the seeds' logits
        assert fitted[0].coefs_[0].shape == (6, 256 * seeds)
        alone = np.mean([heads._cw_logits(heads._fit_cw(x, y, kind, s, 1), x) for s in range(13, 13 + seeds)], axis=0)
        assert np.allclose(heads._cw_logits(fitted, x), alone, atol=1e-4)
    runtime = FakeModel({}, heads.cw_head_weights(fitted))
    assert np.allclose(runtime.checkworthy_pooled(x), heads._cw_predict(fitted, x), atol=1e-5)
