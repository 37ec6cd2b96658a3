"""Claim matching and tracing across stored articles (real int8 MiniLM embeddings, rules-only analysis)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsaudit.corpus import Corpus
from newsaudit.corpus.trace import SAME_CLAIM_COSINE, same_claim
from newsaudit.document import Document
from newsaudit.errors import QueryError
from newsaudit.matching import FactCheck
from newsaudit.settings import Settings

RULES = Settings(use_models=False)

# (outlet, published or None, text): one claim about stranded ships travels through four outlets.
STORY = [
    (
        "Coast Herald",
        "2024-03-04",
        "Forty ships were stranded by the storm, the harbour authority said. Cafés stayed shut.",
    ),
    (
        "Valley Post",
        "2024-03-02",
        "The harbour authority said 40 ships were stranded by the storm. Tickets were refunded.",
    ),
    (
        "Northern Ledger",
        "2024-03-03",
        "According to a port worker, 40 ships were stranded by the storm. Roads were icy.",
    ),
    (
        "Valley Post",
        "2024-03-06",
        "Forty ships were stranded by the storm, officials said. The ferry resumed on Friday.",
    ),
    ("Wire Daily", "2024-03-05", "The mayor said the new tram line will cost 300 million euros. The vote is in June."),
    ("Wire Daily", None, "The harbour authority said 400 ships were stranded by the storm. A storm warning stays."),
]


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Corpus:
    corpus = Corpus(tmp_path_factory.mktemp("story") / "c.db", RULES)
    for outlet, published, text in STORY:
        corpus.add_document(Document(text=text, outlet=outlet, published=published, title=f"{outlet} report"))
    corpus.add_factchecks(
        [
            FactCheck("fc-ships", "Forty ships were stranded in the March storm.", "Were 40 ships stranded?", "True"),
            FactCheck(
                "fc-tram", "The tram line will cost 3 billion euros.", "Tram costs", "False", publisher="Checkers"
            ),
        ]
    )
    yield corpus
    corpus.close()


def _first_claim(corpus: Corpus, outlet: str, published: str | None) -> int:
    for a in corpus.articles(limit=100).articles:
        if a.outlet == outlet and a.day == published:
            return corpus.article(a.id).claim_ids[0]
    raise AssertionError(outlet)


def test_trace_orders_outlets_by_first_date_with_attribution(story: Corpus) -> None:
    claim_id = _first_claim(story, "Coast Herald", "2024-03-04")
    result = story.trace(claim_id=claim_id)
    assert [o.outlet for o in result.outlets] == ["Valley Post", "Northern Ledger", "Coast Herald"]
    assert [o.first.date for o in result.outlets] == ["2024-03-02", "2024-03-03", "2024-03-04"]
    valley = result.outlets[0]
    assert valley.articles == 2 and valley.first.source_text == "The harbour authority"
    assert result.outlets[1].first.source_kind is not None and "port worker" in result.outlets[1].first.source_text
    dates = [c.date for c in result.carriers]
    assert dates == sorted(dates)
    assert all("400" not in c.text and "tram" not in c.text for c in result.carriers)  # other numbers, other claims
    for c in result.carriers:
        text = story.article(c.article_id).document["article"]["text"]
        assert text[c.start : c.end] == c.text
    timeline = result.timeline()
    assert timeline.index("Valley Post") < timeline.index("Northern Ledger") < timeline.index("Coast Herald")
    assert json.loads(json.dumps(result.to_dict()))["outlets"][0]["outlet"] == "Valley Post"


def test_trace_of_free_text(story: Corpus) -> None:
    result = story.trace(text="40 ships were stranded by the storm")
    assert {o.outlet for o in result.outlets} == {"Valley Post", "Northern Ledger", "Coast Herald"}
    with pytest.raises(QueryError):
        story.trace(text="   ")
    with pytest.raises(QueryError, match="no claim"):
        story.trace(claim_id=99999)


def test_match_finds_factchecks_and_claims_in_other_articles(story: Corpus) -> None:
    result = story.match(text="Did forty ships get stranded in the storm?", k=3)
    (m,) = result.matches
    assert m.factchecks[0].id == "fc-ships" and m.factchecks[0].rating == "True"
    assert len(m.claims) == 3 and all("ships" in c.text for c in m.claims)
    assert all(c.outlet and c.date for c in m.claims)
    by_article = story.match(article_id=story.store.claim(_first_claim(story, "Wire Daily", "2024-03-05")).article_id)
    tram = by_article.matches[0]
    assert tram.factchecks[0].id == "fc-tram" and tram.factchecks[0].outlet == "Checkers"
    own_article = by_article.article_id
    assert all(c.article_id != own_article for m in by_article.matches for c in m.claims)
    one = story.match(claim_id=_first_claim(story, "Coast Herald", "2024-03-04"), k=5).matches[0]
    own = story.store.claim(one.claim_id).article_id
    assert one.claims and all(c.article_id != own for c in one.claims)
    assert one.claims[0].outlet in {"Valley Post", "Northern Ledger"}
    with pytest.raises(QueryError):
        story.match(text="")
    with pytest.raises(QueryError, match="no article"):
        story.match(article_id=424242)


def test_indexes_refresh_when_claims_are_added(story: Corpus, tmp_path: Path) -> None:
    before = len(story.indexes.claims())
    story.add_document(Document(text="A port official said 40 ships were stranded by the storm.", outlet="Late News"))
    assert len(story.indexes.claims()) > before
    assert "Late News" in {o.outlet for o in story.trace(text="40 ships were stranded by the storm").outlets}
    assert Path(story.path + ".claims.index", "manifest.json").exists()


SAME = [
    ("The harbour authority said 40 ships were stranded by the storm.", "Forty ships were stranded by the storm."),
    ("The mayor said the tram line will cost 300 million euros.", "The tram line will cost 300 million euros."),
    pytest.param(
        "Unemployment in the region rose to 7 percent last year.",
        "Last year the region's jobless rate hit 7 percent.",
        marks=pytest.mark.xfail(strict=True, reason="known miss: cosine 0.63, 'jobless' is far from 'unemployment'"),
    ),
    ("Police said the warehouse fire started shortly after noon.", "The warehouse fire began just after midday."),
    pytest.param(
        "The council will close the central library on Sundays from May.",
        "From May the library will shut on Sundays.",
        marks=pytest.mark.xfail(strict=True, reason="known miss: cosine 0.78, just under the 0.80 threshold"),
    ),
    (
        "Officials said the bridge would stay shut until the end of June.",
        "The bridge will remain closed until late June.",
    ),
    ("According to the ministry, 1,200 teachers left the profession in 2023.", "1,200 teachers quit teaching in 2023."),
]
DIFFERENT = [
    ("The harbour authority said 40 ships were stranded.", "Repairs to the harbour will take three weeks."),
    ("The mayor said the tram line will cost 300 million euros.", "Critics said the tram budget was unrealistic."),
    ("Unemployment in the region rose to 7 percent last year.", "Inflation in the region fell to 2 percent last year."),
    ("Police said the warehouse fire started shortly after noon.", "Police arrested two men near the warehouse."),
    ("Two primary schools in Arlen will merge next autumn.", "Two secondary schools in Brisford will close in spring."),
    ("1,200 teachers left the profession in 2023.", "12,000 teachers left the profession in 2023."),
    ("The company reported that profits doubled in 2023.", "The company reported that profits halved in 2023."),
    ("Officials said the bridge would stay shut until June.", "Officials said the tunnel would stay shut until June."),
    pytest.param(
        "The minister said 40 people died in the blaze.",
        "The minister said 40 people were injured in the blaze.",
        marks=pytest.mark.xfail(strict=True, reason="known miss: cosine 0.85 for a one-verb difference"),
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_rewordings_count_as_the_same_claim(story: Corpus, a: str, b: str) -> None:
    va, vb = story.indexes.embedder.embed([a, b])
    assert same_claim(a, b, float(va @ vb)), (round(float(va @ vb), 3), SAME_CLAIM_COSINE)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_claims_on_one_topic_do_not(story: Corpus, a: str, b: str) -> None:
    va, vb = story.indexes.embedder.embed([a, b])
    assert not same_claim(a, b, float(va @ vb)), (round(float(va @ vb), 3), SAME_CLAIM_COSINE)


def test_cli_match_and_trace_json(story: Corpus) -> None:
    claim_id = _first_claim(story, "Valley Post", "2024-03-02")
    base = [sys.executable, "-m", "newsaudit.cli", "--no-models"]
    trace = subprocess.run(
        [*base, "trace", "--claim", str(claim_id), "--json", "--db", story.path], capture_output=True, text=True
    )
    assert trace.returncode == 0, trace.stderr
    assert json.loads(trace.stdout)["outlets"][0]["outlet"] == "Valley Post"
    match = subprocess.run(
        [*base, "match", "forty ships stranded", "--k", "2", "--json", "--db", story.path],
        capture_output=True,
        text=True,
    )
    assert match.returncode == 0, match.stderr
    assert json.loads(match.stdout)["matches"][0]["factchecks"][0]["id"] == "fc-ships"
    bad = subprocess.run([*base, "match", "--db", story.path], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("newsaudit: error: give a claim TEXT")


def test_concurrent_matches_agree(story: Corpus) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: story.match(text="forty ships stranded by a storm", k=3).to_dict(), range(8)))
    assert all(r == results[0] for r in results)


@pytest.mark.parametrize("threshold", [0.0, -1.0, 1.5, float("nan"), float("inf")])
def test_trace_threshold_must_be_a_cosine(corpus: Corpus, threshold: float) -> None:
    # it was accepted: nan even reached the --json output as the invalid token NaN
    with pytest.raises(QueryError, match="threshold must be a cosine above 0 and at most 1"):
        corpus.trace(text="Forty ships were stranded.", threshold=threshold)


def test_match_and_trace_refuse_text_that_is_not_unicode(corpus: Corpus) -> None:
    # "caf\\xe9" on a UTF-8 command line arrives as "caf\\udce9": the tokenizer raised a TypeError
    with pytest.raises(QueryError, match="claim text has an unpaired UTF-16 surrogate"):
        corpus.match(text="caf\udce9 ships")
    with pytest.raises(QueryError, match="claim text has an unpaired UTF-16 surrogate"):
        corpus.trace(text="caf\udce9 ships")
