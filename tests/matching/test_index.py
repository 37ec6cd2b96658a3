"""ClaimIndex: hybrid search, incremental add, save/load round-trip, ANN path, and query errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsaudit.errors import InputError, QueryError, StoreError
from newsaudit.matching.index import ClaimIndex, ClaimItem, IndexConfig, tokenize
from newsaudit.matching.ranker import FEATURES, Ranker

CLAIMS = [
    ClaimItem("c1", "The city council voted to close the old harbour bridge in May.", "Harbour bridge closure vote"),
    ClaimItem("c2", "Drinking seawater cures seasonal colds.", "Does seawater cure colds?"),
    ClaimItem("c3", "The regional airport handled 4.2 million passengers last year."),
    ClaimItem("c4", "Wind farms cause cows to stop producing milk.", "Wind turbines and dairy cows"),
]


def test_search_ranks_the_matching_claim_first(embedder) -> None:
    index = ClaimIndex.build(CLAIMS, embedder)
    hits = index.search("Did @CityHall really vote to close the harbour bridge? https://t.co/x1", k=3)
    assert hits[0].id == "c1"
    assert len(hits) <= 3
    assert hits[0].score >= hits[-1].score
    assert set(FEATURES) <= set(hits[0].components)
    assert hits[0].bm25 > 0 and -1.0 <= hits[0].dense <= 1.0
    assert index.search("4.2 million passengers at the airport", k=1)[0].id == "c3"


def test_empty_query_is_a_query_error(embedder) -> None:
    index = ClaimIndex.build(CLAIMS, embedder)
    for bad in ("", "   \n"):
        with pytest.raises(QueryError, match="empty query"):
            index.search(bad)
    with pytest.raises(QueryError):
        index.search("harbour", k=0)


def test_bad_items_are_input_errors(embedder) -> None:
    with pytest.raises(InputError, match="has no text"):
        ClaimIndex.build([ClaimItem("x", "  ")], embedder)


def test_incremental_add_skips_known_ids(embedder) -> None:
    index = ClaimIndex.build(CLAIMS[:2], embedder)
    assert index.add(CLAIMS) == 2
    assert len(index) == 4 and "c4" in index
    assert index.add(CLAIMS) == 0
    assert index.search("do wind turbines stop cows giving milk", k=1)[0].id == "c4"


def test_precomputed_embeddings_skip_the_embedder(embedder) -> None:
    vecs = embedder.embed([c.text for c in CLAIMS])
    items = [replace(c, title=None, embedding=v) for c, v in zip(CLAIMS, vecs, strict=True)]
    calls = embedder.calls
    index = ClaimIndex.build(items, embedder)
    assert embedder.calls == calls
    assert index.search("seawater colds", k=1)[0].id == "c2"


def test_save_load_round_trip(tmp_path: Path, embedder) -> None:
    index = ClaimIndex.build(CLAIMS, embedder, ranker=Ranker({"bm25_norm": 0.5, "dense": 0.5}, name="t"))
    query = "seawater cures colds"
    before = [(h.id, round(h.score, 6)) for h in index.search(query, k=4)]
    index.save(tmp_path / "idx")
    loaded = ClaimIndex.load(tmp_path / "idx", embedder)
    assert loaded.ids == index.ids and loaded.titles == index.titles
    assert loaded.ranker.name == "t"
    assert loaded._bm25 is not None  # the saved BM25 index is reused, not rebuilt on the first search
    assert [(h.id, round(h.score, 6)) for h in loaded.search(query, k=4)] == before
    loaded.add([ClaimItem("c5", "Seawater is safe to drink every day.")])
    assert "c5" in loaded
    assert loaded.search("safe to drink every day", k=1)[0].id == "c5"  # a stale BM25 index is rebuilt
    other = ClaimIndex.load(tmp_path / "idx", embedder, bm25_k1=2.0)
    assert other._bm25 is None  # saved with other BM25 parameters: not reused


def test_load_damaged_index_is_a_store_error(tmp_path: Path, embedder) -> None:
    with pytest.raises(StoreError, match="not a claim index"):
        ClaimIndex.load(tmp_path / "nothing", embedder)
    ClaimIndex.build(CLAIMS, embedder).save(tmp_path / "idx")
    (tmp_path / "idx" / "items.jsonl").write_text('{"id": "c1", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(StoreError, match="damaged"):
        ClaimIndex.load(tmp_path / "idx", embedder)


def test_ann_path_agrees_with_exact_search(tmp_path: Path, embedder) -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(400, 16)).astype(np.float32)
    items = [ClaimItem(f"s{i}", f"synthetic claim number {i}", embedding=v) for i, v in enumerate(vecs)]
    exact = ClaimIndex.build(items, embedder, config=IndexConfig(exact_limit=10_000))
    ann = ClaimIndex.build(items, embedder, config=IndexConfig(exact_limit=100, ann_dtype="f32"))
    assert ann.uses_ann() and not exact.uses_ann()
    q = vecs[7] + 0.05 * rng.normal(size=16).astype(np.float32)
    q /= np.linalg.norm(q)
    assert exact.dense_candidates(q, 5)[0] == 7
    assert set(ann.dense_candidates(q, 5)[:3]) & set(exact.dense_candidates(q, 5)[:3])
    assert ann.search("synthetic claim", k=3, query_vector=q)[0].id == "s7"
    ann.save(tmp_path / "ann")
    assert (tmp_path / "ann" / "ann.usearch").exists()
    again = ClaimIndex.load(tmp_path / "ann", embedder)
    assert again._ann is not None and again.search("synthetic claim", k=1, query_vector=q)[0].id == "s7"
    again.add([ClaimItem("new", "one more synthetic claim", embedding=vecs[3])])
    assert len(again.dense_candidates(vecs[3] / np.linalg.norm(vecs[3]), 2)) == 2


def test_bm25_only_index_needs_no_embedder() -> None:
    index = ClaimIndex.build(CLAIMS, config=IndexConfig(use_dense=False), ranker=Ranker({"bm25_norm": 1.0}))
    assert index.search("seawater colds", k=1)[0].id == "c2"


def test_tokenize_drops_stopwords_and_stems() -> None:
    assert tokenize("The vaccines' effects were HUGE") == ["vaccin", "effect", "huge"]
    assert tokenize("vaccinated") == tokenize("vaccines") == tokenize("vaccine")
    assert tokenize("Governor’s claims") == tokenize("governor claim")


def test_duplicate_claims_share_a_score_and_keep_insertion_order(embedder) -> None:
    from newsaudit.matching.index import share_duplicate_scores

    scores = share_duplicate_scores(np.array([0.2, 0.9, 0.5]), ["Ferry fare 'doubled'.", 'ferry fare "doubled"', "x"])
    assert scores.tolist() == [0.9, 0.9, 0.5]
    items = [ClaimItem("old", 'The ferry fare "doubled" in May.'), ClaimItem("new", "The ferry fare 'doubled' in May")]
    hits = ClaimIndex.build(items, embedder).search("did the ferry fare double in may", k=2)
    assert [h.id for h in hits] == ["old", "new"] and hits[0].score == hits[1].score


def test_a_saved_bm25_index_of_another_size_is_not_reused(tmp_path: Path, embedder) -> None:
    import shutil

    ClaimIndex.build(CLAIMS, embedder).save(tmp_path / "four")
    ClaimIndex.build(CLAIMS[:2], embedder).save(tmp_path / "two")
    shutil.rmtree(tmp_path / "two" / "bm25")
    shutil.copytree(tmp_path / "four" / "bm25", tmp_path / "two" / "bm25")
    loaded = ClaimIndex.load(tmp_path / "two", embedder)
    assert loaded._bm25 is None
    assert loaded.search("seawater cures colds", k=1)[0].id == "c2"
