"""Cross-encoder re-ranking in ClaimIndex: the mix, ordering, preserved hits, model loading and its errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsaudit.cli import main
from newsaudit.errors import ModelError
from newsaudit.evaluation.checkthat import rerank_spec
from newsaudit.matching.index import ClaimIndex, ClaimItem, IndexConfig
from newsaudit.matching.rerank import (
    FORMAT,
    RERANKER_DIR,
    CrossEncoderReranker,
    mix_scores,
    pair_document,
    reranker_available,
)

CLAIMS = [
    ClaimItem("a", "The ferry fare doubled in one week.", "Did the ferry fare double?"),
    ClaimItem("b", "The ferry company raised fares twice this year.", None),
    ClaimItem("c", "Ferry fares will be frozen until the summer.", "Fare freeze"),
    ClaimItem("d", "Owls can see through walls.", "Owl x-ray vision"),
    ClaimItem("e", "The town library will close on Sundays from March.", None),
]
QUERY = "the ferry fare doubled this week"
shipped = pytest.mark.skipif(not reranker_available(), reason="no shipped claim re-ranker")


class FakeReranker:
    """Stands in for the ONNX cross-encoder: a fixed logit per document, recording what it was asked."""

    name = "fake"

    def __init__(self, logits: dict[str, float], weight: float = 1.0, depth: int = 3) -> None:
        self.logits, self.weight, self.depth = logits, weight, depth
        self.seen: list[list[str]] = []

    def score(self, query: str, documents: list[str]) -> np.ndarray:
        self.seen.append(list(documents))
        return np.array([self.logits.get(d, -5.0) for d in documents], dtype=np.float32)


def doc_of(cid: str) -> str:
    item = next(c for c in CLAIMS if c.id == cid)
    return pair_document(item.text, item.title)


def build(embedder, reranker=None, **cfg) -> ClaimIndex:  # type: ignore[no-untyped-def]
    return ClaimIndex.build(CLAIMS, embedder, config=IndexConfig(reranker="none", **cfg), reranker=reranker)


def test_weight_zero_keeps_fusion_order_and_scores(embedder) -> None:  # type: ignore[no-untyped-def]
    plain = build(embedder).search(QUERY, 5)
    fake = FakeReranker({doc_of("c"): 9.0}, weight=0.0, depth=5)
    mixed = build(embedder, fake).search(QUERY, 5)
    assert [h.id for h in mixed] == [h.id for h in plain]
    assert [h.score for h in mixed] == pytest.approx([h.score for h in plain])
    assert fake.seen == []  # weight 0: the model is not even run


def test_reranker_reorders_within_depth_and_keeps_hit_fields(embedder) -> None:  # type: ignore[no-untyped-def]
    plain = build(embedder).search(QUERY, 5)
    third = plain[2].id
    fake = FakeReranker({doc_of(third): 8.0}, weight=1.0, depth=3)
    hits = build(embedder, fake).search(QUERY, 5)
    assert hits[0].id == third
    assert {h.id for h in hits[:3]} == {h.id for h in plain[:3]}  # re-ranking only reorders the top `depth`
    assert [h.id for h in hits[3:]] == [h.id for h in plain[3:]]
    assert min(h.score for h in hits[:3]) >= max(h.score for h in hits[3:])
    before = {h.id: h for h in plain}
    for h in hits:
        assert (h.bm25, h.dense, h.title_dense) == (before[h.id].bm25, before[h.id].dense, before[h.id].title_dense)
        assert ("rerank_logit" in h.components) == (h.id in {x.id for x in plain[:3]})
    assert fake.seen == [[doc_of(h.id) for h in plain[:3]]]  # claims read with their titles, fusion order


def test_config_depth_overrides_model_depth(embedder) -> None:  # type: ignore[no-untyped-def]
    fake = FakeReranker({}, depth=2)
    build(embedder, fake, rerank_depth=4).search(QUERY, 5)
    assert len(fake.seen[0]) == 4


def test_no_reranker_when_config_says_none(embedder) -> None:  # type: ignore[no-untyped-def]
    assert build(embedder).active_reranker() is None


@given(
    st.lists(st.floats(-5, 5), min_size=1, max_size=20),
    st.lists(st.floats(-30, 30), min_size=20, max_size=20),
    st.floats(0, 3),
)
def test_mix_keeps_reranked_above_the_rest(fusion: list[float], logits: list[float], weight: float) -> None:
    first = np.sort(np.array(fusion))[::-1]
    n = max(1, len(first) // 2)
    mixed = mix_scores(first[:n], np.array(logits[:n]), weight)
    assert np.all(mixed >= first[:n]) and np.all(mixed <= first[:n] + weight)
    if n < len(first):
        assert mixed.min() >= first[n:].max()
    assert np.array_equal(mix_scores(first, np.zeros(len(first)), 0.0), first)


def test_pair_document() -> None:
    assert pair_document("Owls see.", None) == "Owls see."
    assert pair_document("Owls see.", "Owls see.") == "Owls see."
    assert pair_document("Owls see.", "Owl vision") == "Owls see. — Owl vision"


def test_rerank_spec_from_command_line() -> None:
    import argparse

    assert rerank_spec(argparse.Namespace(reranker="default", no_rerank=True, rerank_depth=0)) == ("none", 0)
    assert rerank_spec(argparse.Namespace(reranker="default", no_rerank=False, rerank_depth=7)) == ("default", 7)
    assert rerank_spec(argparse.Namespace()) == ("none", 0)  # programmatic callers get no re-ranking by default


# ---------------------------------------------------------------------------- loading and errors


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no claim re-ranker"):
        CrossEncoderReranker(tmp_path)


def test_index_with_missing_model_folder_raises_model_error(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    index = ClaimIndex.build(CLAIMS, embedder, config=IndexConfig(reranker=str(tmp_path / "nowhere")))
    with pytest.raises(ModelError):
        index.search(QUERY, 3)


def fake_folder(tmp_path: Path, model: bytes = b"not an onnx model", config: object = None) -> Path:
    folder = tmp_path / "rr"
    folder.mkdir()
    (folder / "model.onnx").write_bytes(model)
    tok = Path(__file__).resolve().parents[2] / "src/newsaudit/models/minilm-l6-base/tokenizer.json"
    shutil.copy2(tok, folder / "tokenizer.json")
    cfg = {"format": FORMAT, "weight": 0.5, "depth": 10} if config is None else config
    (folder / "config.json").write_text(json.dumps(cfg) if not isinstance(cfg, str) else cfg, encoding="utf-8")
    return folder


def test_corrupt_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot load re-ranker"):
        CrossEncoderReranker(fake_folder(tmp_path))


@pytest.mark.parametrize(
    "config",
    ["{not json", {"format": "other/1", "weight": 1, "depth": 5}, {"format": FORMAT, "depth": 5}, [1, 2]],
)
def test_malformed_config_is_a_model_error(tmp_path: Path, config: object) -> None:
    with pytest.raises(ModelError, match="malformed"):
        CrossEncoderReranker(fake_folder(tmp_path, config=config))


def test_checkthat_command_with_bad_reranker_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims, queries = tmp_path / "vclaims.tsv", tmp_path / "queries.tsv"
    claims.write_text("\tvclaim\ttitle\n10\tOwls can see through walls.\tOwl vision\n", encoding="utf-8")
    queries.write_text("\ttweet_content\n1\towls see through walls now\n", encoding="utf-8")
    bad = fake_folder(tmp_path)
    args = ["checkthat", str(queries), "--claims", str(claims), "-o", str(tmp_path / "run"), "--reranker", str(bad)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsaudit: error:") and err.count("\n") == 1 and "Traceback" not in err


# ---------------------------------------------------------------------------- the shipped model


@shipped
def test_shipped_model_config_and_scores() -> None:
    rr = CrossEncoderReranker(RERANKER_DIR, threads=1)
    assert rr.depth >= 1 and rr.weight >= 0
    scores = rr.score(
        "BREAKING: the city council voted to ban cars from the old bridge starting next month",
        [
            "The city council banned cars from the old bridge from next month. — Council bans cars on bridge",
            "A new species of frog was found in the rainforest.",
        ],
    )
    assert scores.shape == (2,) and np.all(np.isfinite(scores))
    assert scores[0] > scores[1]


@shipped
def test_shipped_model_is_default_in_index(embedder) -> None:  # type: ignore[no-untyped-def]
    index = ClaimIndex.build(CLAIMS, embedder)
    assert isinstance(index.active_reranker(), CrossEncoderReranker)
    hits = index.search(QUERY, 5)
    assert hits[0].id == "a" and "rerank_logit" in hits[0].components
