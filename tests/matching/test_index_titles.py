"""Title vectors are kept only for claims that have a title; a claim without one scores its text as its title."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsaudit.matching.index import ClaimIndex, ClaimItem, IndexConfig

WORDS = ["harbour", "bridge", "closed", "rent", "doubled", "clinic", "nurses", "tax", "rose", "flood", "school"]
NONE = IndexConfig(reranker="none")


def _items(draw_titles: list[bool]) -> list[ClaimItem]:
    items = []
    for i, titled in enumerate(draw_titles):
        text = " ".join(WORDS[(i + j) % len(WORDS)] for j in range(4))
        title = " ".join(WORDS[(3 * i + j) % len(WORDS)] for j in range(3)) if titled else None
        items.append(ClaimItem(f"c{i}", text, title))
    return items


def _brute(embedder, items: list[ClaimItem], q: np.ndarray) -> np.ndarray:
    text = embedder.embed([it.text for it in items]) @ q
    title = embedder.embed([it.title or it.text for it in items]) @ q
    return np.maximum(text, title)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.booleans(), min_size=1, max_size=12), st.lists(st.booleans(), max_size=6))
def test_dense_similarity_is_the_better_of_text_and_title(embedder, first: list[bool], more: list[bool]) -> None:
    items = _items(first + more)
    index = ClaimIndex.build(items[: len(first)], embedder, config=NONE)
    index.add(items[len(first) :])  # a second batch appends title rows after the first
    assert index._title_vectors is not None and len(index._title_vectors) == sum(first + more)
    q = embedder.embed(["harbour bridge rent clinic"])[0]
    np.testing.assert_allclose(index.dense_similarity(q[None, :])[:, 0], _brute(embedder, items, q), atol=1e-5)
    hits = index.search("harbour bridge rent clinic", k=len(items))
    by_id = {it.id: it for it in items}
    for hit in hits:
        it = by_id[hit.id]
        expected = embedder.embed([it.title or it.text])[0] @ q
        assert abs(hit.title_dense - expected) < 1e-5


def test_save_load_and_an_index_saved_with_one_title_row_per_claim(tmp_path: Path, embedder) -> None:
    items = _items([True, False, True, False, False])
    index = ClaimIndex.build(items, embedder, config=NONE)
    q = embedder.embed(["rent doubled at the clinic"])[0][None, :]
    before = index.dense_similarity(q)
    loaded = ClaimIndex.load(index.save(tmp_path / "new"), embedder)
    np.testing.assert_allclose(loaded.dense_similarity(q), before, atol=1e-6)
    # the older layout: title_vectors.npy with a row for every claim (its text vector where it has no title)
    old = tmp_path / "old"
    index.save(old)
    full = np.array(index._vectors, copy=True)
    full[[0, 2]] = index._title_vectors
    np.save(old / "title_vectors.npy", full)
    (old / "title_rows.npy").unlink()
    legacy = ClaimIndex.load(old, embedder)
    assert legacy._title_vectors is not None and len(legacy._title_vectors) == 2
    np.testing.assert_allclose(legacy.dense_similarity(q), before, atol=1e-6)
    assert [h.id for h in legacy.search("rent doubled at the clinic", k=5)] == [
        h.id for h in index.search("rent doubled at the clinic", k=5)
    ]
