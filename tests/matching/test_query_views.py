"""Query views for ranking: the attribution date (`date_match`) and per-sentence vectors (`dense_sent`)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.matching.clean import MONTHS, clean_query, query_date, query_sentences
from newsaudit.matching.index import ClaimIndex, ClaimItem
from newsaudit.matching.ranker import FEATURES, Ranker, candidate_features, fusion_ranker, month_years

VIEWS = Ranker({"bm25_norm": 0.25, "dense_max": 0.45, "dense_sent": 0.3, "date_match": 0.15}, name="views-test")
NAMES = st.text(alphabet=st.sampled_from("abcdefghij KLMNOP"), min_size=1, max_size=20).filter(lambda s: s.strip())
HANDLES = st.text(alphabet=st.sampled_from("abcXYZ_019"), min_size=1, max_size=15)


def test_query_date_reads_the_attribution_line() -> None:
    assert query_date("Ferry fares doubled! — Jo Rivera (@JoRivera) March 3, 2021") == (2021, 3)
    assert query_date("Ferry fares doubled! — Jo (@jo) Sept. 30, 2019") == (2019, 9)
    assert query_date("Ferry fares doubled! — Jo (@jo) Sep 30, 2019") == (2019, 9)
    assert query_date("Ferry fares doubled in March 3, 2021, they say") is None  # not an attribution line
    assert query_date("Ferry fares doubled! — Jo (@jo) Smarch 3, 2021") is None
    assert query_date("Ferry fares doubled! — Jo (@jo) March 40, 2021") is None
    assert query_date("Ferry fares doubled! — Jo (@jo) March 3, 2021 and then some") is None
    assert query_date("") is None


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=80),
    NAMES,
    HANDLES,
    st.integers(1, 12),
    st.integers(1, 31),
    st.integers(1990, 2030),
    st.booleans(),
)
def test_query_date_round_trips(prefix: str, name: str, handle: str, month: int, day: int, year: int, abbr: bool):
    month_name = MONTHS[month - 1].capitalize()
    if abbr:
        month_name = month_name[:3]
    tweet = f"{prefix} — {name} (@{handle}) {month_name} {day}, {year}"
    assert query_date(tweet) == (year, month)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_query_date_never_crashes(text: str) -> None:
    found = query_date(text)
    assert found is None or (1900 <= found[0] <= 2100 and 1 <= found[1] <= 12)


def test_month_years_in_claims() -> None:
    assert month_years("The bridge closed in May 2019.") == {(2019, 5)}
    assert month_years("On May 3, 2019 and on 4 June 2020 it rained.") == {(2019, 5), (2020, 6)}
    assert month_years("May I ask what happened in 2019?") == set()
    assert month_years("in march 2019") == set()  # only capitalised month names, as fact-check claims write them


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .,"), max_size=30), st.integers(1, 12), st.integers(1900, 2099))
def test_month_years_finds_any_month_year(noise: str, month: int, year: int) -> None:
    text = f"{noise} in {MONTHS[month - 1].capitalize()} {year}. {noise}"
    assert (year, month) in month_years(text)


SENTENCE = st.lists(
    st.sampled_from(["harbour", "bridge", "closed", "Ferry", "fares", "rose", "ok", "2020"]), max_size=8
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SENTENCE, st.sampled_from([".", "!", "?", "", "..."])), max_size=6))
def test_query_sentences_are_long_enough_pieces_of_the_query(parts: list[tuple[list[str], str]]) -> None:
    cleaned = clean_query(" ".join(" ".join(words) + end for words, end in parts))
    pieces = query_sentences(cleaned)
    start = 0
    for piece in pieces:
        at = cleaned.find(piece, start)
        assert at >= 0, piece  # in order, each a span of the cleaned query
        assert len(piece.split()) >= 3 and piece == piece.strip()
        start = at + len(piece)


def test_date_match_and_sentence_feature_fallback() -> None:
    texts = ["The bridge closed in May 2020.", "The bridge closed in June 2020.", "The bridge closed."]
    scores = {name: np.array([0.5, 0.5, 0.5]) for name in ("bm25_norm", "dense", "title_dense")}
    feats = candidate_features("the bridge closed", texts, [None, "Closed in June 2020?", None], scores,
                               query_date=(2020, 6))  # fmt: skip
    assert feats["date_match"].tolist() == [0.0, 1.0, 0.0]
    assert feats["dense_sent"].tolist() == feats["dense_max"].tolist()  # no sentence scores: the whole query's
    assert set(feats) == set(FEATURES)
    undated = candidate_features("the bridge closed", texts, [None, None, None], scores)
    assert not undated["date_match"].any()
    scores["dense_sent"] = np.array([0.9, 0.1, 0.2])
    assert candidate_features("q", texts, [None] * 3, scores)["dense_sent"].tolist() == [0.9, 0.1, 0.2]


CLAIMS = [
    ClaimItem("may", "The harbour bridge closed for repairs in May 2020."),
    ClaimItem("june", "The harbour bridge closed for repairs in June 2020."),
    ClaimItem("fare", "Ferry fares rose by a third on the island route."),
    ClaimItem("cows", "Wind farms cause cows to stop producing milk."),
]


def test_the_attribution_date_breaks_a_tie(embedder) -> None:
    query = "The harbour bridge closed for repairs. — Jo Rivera (@JoRivera) June 3, 2020"
    plain = ClaimIndex.build(CLAIMS, embedder, ranker=fusion_ranker(0.25))
    assert [h.id for h in plain.search(query, k=2)] == ["may", "june"]  # a tie: insertion order
    dated = ClaimIndex.build(CLAIMS, embedder, ranker=VIEWS)
    hits = dated.search(query, k=2)
    assert [h.id for h in hits] == ["june", "may"]
    assert hits[0].components["date_match"] == 1.0 and hits[1].components["date_match"] == 0.0


def test_sentence_vectors_score_the_best_sentence(embedder) -> None:
    index = ClaimIndex.build(CLAIMS, embedder, ranker=VIEWS)
    query = "What a week it has been for all of us here. Ferry fares rose by a third on the island route!"
    calls = embedder.calls
    hit = next(h for h in index.search(query, k=4) if h.id == "fare")
    assert embedder.calls == calls + 2  # the whole queries, then their sentences, each in one batch
    assert hit.components["dense_sent"] > hit.components["dense_max"]
    assert abs(hit.components["dense_sent"] - 1.0) < 1e-5  # the second sentence is the claim's text


def test_one_sentence_queries_and_old_rankers_embed_nothing_more(embedder, tmp_path) -> None:
    index = ClaimIndex.build(CLAIMS, embedder, ranker=VIEWS)
    calls = embedder.calls
    hit = index.search("ferry fares rose on the island route", k=1)[0]
    assert embedder.calls == calls + 1  # one sentence: its vector is the query's own
    assert hit.components["dense_sent"] == hit.components["dense_max"]
    old = ClaimIndex.build(CLAIMS, embedder, ranker=fusion_ranker(0.25))
    old.save(tmp_path / "old")
    loaded = ClaimIndex.load(tmp_path / "old", embedder)
    assert "dense_sent" not in loaded.ranker.weights
    calls = embedder.calls
    hits = loaded.search("It rained. Ferry fares rose by a third on the island route.", k=1)
    assert embedder.calls == calls + 1 and hits[0].id == "fare"
