"""ClaimIndex queries at the edges of the lexical channel: stopword-only and out-of-vocabulary queries."""

from __future__ import annotations

import pytest

from newsaudit.matching.index import ClaimIndex, ClaimItem, IndexConfig, tokenize

CLAIMS = [ClaimItem("a", "The harbour closed for a week."), ClaimItem("b", "Jobs were lost at the port.")]


@pytest.mark.parametrize("query", ["off", "It is what it is", "zzqx wvvy"])
def test_queries_without_indexed_words_do_not_raise(embedder, query: str) -> None:
    index = ClaimIndex.build(CLAIMS, embedder)
    hits = index.search(query, 2)
    assert [h.bm25 for h in hits] == [0.0] * len(hits)  # only the dense channel can find anything
    assert all(h.id in ("a", "b") for h in hits)


def test_stopword_query_on_bm25_only_index_finds_nothing() -> None:
    assert tokenize("It is what it is") == []
    index = ClaimIndex.build(CLAIMS, config=IndexConfig(use_dense=False))
    assert index.search("It is what it is", 2) == []
    assert [h.id for h in index.search("harbour zzqx", 2)] == ["a"]
