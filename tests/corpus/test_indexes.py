"""Which corpus index re-ranks: fact-check matches do (when the cross-encoder ships), claim-to-claim matches do not."""

from __future__ import annotations

from pathlib import Path

from newsaudit.corpus import Corpus
from newsaudit.document import Document
from newsaudit.matching.rerank import reranker_available
from newsaudit.settings import Settings


def test_only_the_factcheck_index_is_reranked(tmp_path: Path, make_article) -> None:
    with Corpus(tmp_path / "c.db", Settings(use_models=False)) as corpus:
        a = make_article(1)
        corpus.add_document(Document(text=a["text"], outlet=a["outlet"], published=a["published"], title=a["title"]))
        assert corpus.indexes.claims().active_reranker() is None
        assert (corpus.indexes.factchecks().active_reranker() is not None) == reranker_available()
    with Corpus(tmp_path / "c.db", Settings(use_models=False), create=False) as corpus:  # reloaded from disk
        assert corpus.indexes.claims().active_reranker() is None
