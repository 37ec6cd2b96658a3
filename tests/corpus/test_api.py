"""The Python API the web app calls: article pages, one article, statistics, thread safety, JSON-able results."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from newsaudit.api import analyze
from newsaudit.corpus import Corpus
from newsaudit.document import Document, Technique
from newsaudit.errors import QueryError
from newsaudit.settings import Settings

RULES = Settings(use_models=False)


def _one_technique(doc: Document) -> Document:
    """Rules analysis plus exactly one Loaded_Language span on the first word (to make counts predictable)."""
    doc = analyze(doc, settings=RULES)
    end = doc.text.index(" ")
    doc.techniques = [Technique(doc.span(0, end), "Loaded_Language", 0.8)]
    return doc


@pytest.fixture
def corpus(tmp_path: Path, make_article):
    with Corpus(tmp_path / "c.db", RULES, analyzer=_one_technique) as c:
        for i in range(6):
            a = make_article(i)
            c.add_document(Document(text=a["text"], outlet=a["outlet"], published=a["published"], title=a["title"]))
        yield c


def test_articles_pages_and_article(corpus: Corpus) -> None:
    page = corpus.articles(offset=0, limit=4)
    assert page.total == 6 and len(page.articles) == 4
    rest = corpus.articles(offset=4, limit=4)
    assert len(rest.articles) == 2
    ids = [a.id for a in page.articles + rest.articles]
    assert len(set(ids)) == 6
    days = [a.day for a in page.articles + rest.articles]
    assert days == sorted(days, reverse=True)
    art = corpus.article(ids[0])
    assert art is not None and art.document["schema"] == "newsaudit/1"
    assert art.summary.techniques == 1 and art.summary.claims == len(art.claim_ids) > 0
    assert corpus.article(10_000) is None
    json.dumps(page.to_dict()), json.dumps(art.to_dict())
    with pytest.raises(QueryError):
        corpus.articles({"colour": "red"})


def test_stats_per_outlet_and_month(corpus: Corpus) -> None:
    stats = corpus.stats()
    assert stats.totals["articles"] == 6
    by_name = {o.outlet: o for o in stats.outlets}
    assert set(by_name) == {"Northern Ledger", "Valley Post", "Coast Herald"}
    for outlet in stats.outlets:
        overall = outlet.overall
        assert overall.articles == 2 and overall.techniques == 2
        assert overall.techniques_per_1k_words == pytest.approx(1000 * 2 / overall.words, abs=1e-3)
        assert overall.sources and abs(sum(overall.source_shares.values()) - 1) < 1e-3
        assert sum(m.articles for m in outlet.months.values()) == 2
        assert list(outlet.months) == sorted(outlet.months)
    assert json.loads(json.dumps(stats.to_dict()))["outlets"][0]["overall"]["articles"] == 2


def test_concurrent_readers_and_a_writer(tmp_path: Path, make_article) -> None:
    path = tmp_path / "c.db"
    errors: list[BaseException] = []
    with Corpus(path, RULES) as corpus:

        def write() -> None:
            try:
                for i in range(10, 20):
                    corpus.add_document(Document(text=make_article(i)["text"], outlet="Threads"))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        def read() -> None:
            try:
                for _ in range(20):
                    corpus.search("households")
                    corpus.articles(limit=5)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=write), *(threading.Thread(target=read) for _ in range(3))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert corpus.articles({"outlet": "Threads"}).total == 10


def test_the_same_article_added_from_two_threads_is_stored_once(tmp_path: Path, make_article) -> None:
    text = make_article(3)["text"]
    results: list[tuple[int, bool]] = []
    barrier = threading.Barrier(2)
    with Corpus(tmp_path / "c.db", RULES) as corpus:

        def add() -> None:
            barrier.wait()
            results.append(corpus.add_document(Document(text=text)))

        threads = [threading.Thread(target=add) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(added for _, added in results) == [False, True]
        assert len({article_id for article_id, _ in results}) == 1
        assert corpus.store.counts()["articles"] == 1
