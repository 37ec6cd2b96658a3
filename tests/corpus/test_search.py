"""Full-text search: filters by outlet, dates, technique and source kind; safe query parsing; one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsaudit.api import analyze
from newsaudit.corpus import Corpus
from newsaudit.corpus.search import parse_query
from newsaudit.document import Document, Technique
from newsaudit.errors import QueryError
from newsaudit.settings import Settings

RULES = Settings(use_models=False)

ARTICLES = [
    # (outlet, published, text)
    ("Valley Post", "2024-01-10", "The ferry to Ivel was cancelled, the harbour master said. Fares rose by 8 percent."),
    ("Valley Post", "2024-03-05", "A source close to the council said the ferry timetable would change in spring."),
    ("Coast Herald", "2024-02-20", "Ferry passengers are being robbed blind by a greedy operator, campaigners claim."),
    ("Coast Herald", None, "The ferry operator Blue Gull Lines said profits doubled in 2023."),
]


def _with_loaded_language(doc: Document) -> Document:
    """Rules analysis, plus a Loaded_Language span on 'robbed blind' where it occurs (to test the filter)."""
    doc = analyze(doc, settings=RULES)
    at = doc.text.find("robbed blind")
    if at >= 0:
        doc.techniques = [Technique(doc.span(at, at + len("robbed blind")), "Loaded_Language", 0.9)]
    return doc


@pytest.fixture
def ferry(tmp_path: Path) -> Corpus:
    with Corpus(tmp_path / "c.db", RULES, analyzer=_with_loaded_language) as corpus:
        for outlet, published, text in ARTICLES:
            corpus.add_document(Document(text=text, outlet=outlet, published=published, title=f"{outlet} ferry"))
        yield corpus


def _outlets(hits) -> list[str]:
    return sorted(h.outlet for h in hits)


def test_search_finds_articles_and_claims_with_offsets(ferry: Corpus) -> None:
    result = ferry.search("ferry")
    assert len(result.articles) == 4
    assert result.claims
    for hit in result.claims:
        text = ferry.article(hit.article_id).document["article"]["text"]
        assert text[hit.start : hit.end] == hit.text
        assert "[ferry]" in hit.snippet.lower() or "[ferry" in hit.snippet.lower()
    phrase = ferry.search('"harbour master"')
    assert [h.outlet for h in phrase.articles] == ["Valley Post"]
    assert not ferry.search('"master harbour"').articles


def test_outlet_and_date_filters(ferry: Corpus) -> None:
    assert _outlets(ferry.search("ferry", outlet="coast herald").articles) == ["Coast Herald", "Coast Herald"]
    dated = ferry.search("ferry", since="2024-02-01", until="2024-02-29").articles
    assert [h.published for h in dated] == ["2024-02-20"]
    assert _outlets(ferry.search("ferry", since="2024-03-01", outlet="Valley Post").articles) == ["Valley Post"]
    assert ferry.articles({"outlet": "Valley Post", "until": "2024-01-31"}).total == 1


def test_technique_filter(ferry: Corpus) -> None:
    hits = ferry.search("ferry", technique="loaded_language").articles
    assert len(hits) == 1 and hits[0].outlet == "Coast Herald"
    assert ferry.articles({"technique": "Loaded_Language"}).total == 1
    with pytest.raises(QueryError, match="unknown technique"):
        ferry.search("ferry", technique="Sarcasm")


def test_source_kind_filter(ferry: Corpus) -> None:
    kinds = {c.source_kind for a in ferry.articles().articles for c in ferry.store.claims_of_article(a.id)}
    assert {"named", "anonymous"} <= kinds, kinds
    for kind in ("named", "anonymous"):
        claims = ferry.search("ferry", source_kind=kind).claims
        assert claims and all(ferry.store.claim(h.claim_id).source_kind == kind for h in claims)
        arts = ferry.search("ferry", source_kind=kind).articles
        assert arts and len(arts) < 4
    with pytest.raises(QueryError, match="unknown source kind"):
        ferry.search("ferry", source_kind="secret")


@pytest.mark.parametrize("query", ["", "   ", "\n", '""', "***", "AND OR NOT", "- ( ) :"])
def test_empty_or_wordless_query_is_a_query_error(ferry: Corpus, query: str) -> None:
    if query.strip() in ("AND OR NOT",):
        assert ferry.search(query).articles == []  # operators are searched as plain words
        return
    with pytest.raises(QueryError):
        ferry.search(query)


def test_bad_dates_and_limits(ferry: Corpus) -> None:
    with pytest.raises(QueryError, match="not a date"):
        ferry.search("ferry", since="yesterday")
    with pytest.raises(QueryError, match="after"):
        ferry.search("ferry", since="2024-05-01", until="2024-01-01")
    with pytest.raises(QueryError, match="limit"):
        ferry.search("ferry", limit=0)


def test_text_that_is_not_unicode_is_a_query_error(ferry: Corpus) -> None:
    # A command-line argument whose bytes are not UTF-8 arrives as lone surrogates ("caf\\xe9" -> "caf\\udce9"):
    # SQLite could not bind it (an internal error), nor could a date parser overflow on a huge year be caught.
    with pytest.raises(QueryError, match="outlet filter has an unpaired UTF-16 surrogate"):
        ferry.search("ferry", outlet="Valley \udcff")
    with pytest.raises(QueryError, match="search query has an unpaired UTF-16 surrogate"):
        ferry.search("caf\udce9 ferry")
    with pytest.raises(QueryError, match="not a date"):
        ferry.search("ferry", since="Mon, 01 Jan 99999999999 00:00:00 +0000")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_user_query_is_searched_or_refused_cleanly(ferry: Corpus, query: str) -> None:
    try:
        terms = parse_query(query)
    except QueryError:
        return
    assert terms and all(t.strip() for t in terms)
    ferry.search(query)  # never an FTS5 syntax error


def test_cli_empty_query_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Corpus(db, RULES).close()
    proc = subprocess.run(
        [sys.executable, "-m", "newsaudit.cli", "search", "  ", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "newsaudit: error: empty search query: give one or more words"
