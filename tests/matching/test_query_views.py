"""Query views for ranking: the attribution date (`date_match`) and per-sentence vectors (`dense_sent`)."""

from __future__ import annotations

import hashlib
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.analysis.lexicons import MONTH_NAMES
from newsaudit.matching.clean import clean_query, query_date, query_sentence_spans, query_sentences
from newsaudit.matching.index import ClaimIndex, ClaimItem
from newsaudit.matching.ranker import FEATURES, Ranker, candidate_features, fusion_ranker, month_years
from newsaudit.models.encoder import SpanEmbeddings

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
    month_name = MONTH_NAMES[month - 1].capitalize()
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
    text = f"{noise} in {MONTH_NAMES[month - 1].capitalize()} {year}. {noise}"
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


class SpanHashEmbedder:
    """Hashed bag of words (as conftest's HashEmbedder) that also pools spans in the same call, as
    `SentenceEmbedder.embed_with_spans` does; counts its calls."""

    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.span_calls: list[list[list[tuple[int, int]]]] = []

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return self._vectors(texts)

    def embed_with_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> SpanEmbeddings:
        self.span_calls.append(spans)
        vectors = self.embed(texts)
        rows = [self._vectors([t[s:e] for s, e in ss]) for t, ss in zip(texts, spans, strict=True)]
        return SpanEmbeddings(vectors, [r.reshape(len(ss), self.dim) for r, ss in zip(rows, spans, strict=True)])


def test_one_pass_embedders_pool_the_sentences_in_the_query_call() -> None:
    embedder = SpanHashEmbedder()
    index = ClaimIndex.build(CLAIMS, embedder, ranker=VIEWS)
    query = "What a week it has been for all of us here. Ferry fares rose by a third on the island route!"
    calls = embedder.calls
    hit = next(h for h in index.search(query, k=4) if h.id == "fare")
    assert embedder.calls == calls + 1  # one call: the query and its sentences
    assert embedder.span_calls[-1] == [query_sentence_spans(index.prepare_query(query))]
    both = index.search_many([query, "The bridge closed for repairs in May 2020."], k=4)
    assert [h.components for h in both[0]] == [h.components for h in index.search(query, k=4)]  # batch-independent
    assert abs(hit.components["dense_sent"] - 1.0) < 1e-5 and hit.components["dense_sent"] > hit.components["dense_max"]
    qvec = embedder.embed([index.prepare_query(query)])[0]
    given = next(h for h in index.search(query, k=4, query_vector=qvec) if h.id == "fare")
    assert given.components == hit.components  # the given vector is the one the pass would make


def test_one_pass_embedders_skip_the_encoder_for_given_one_sentence_queries() -> None:
    embedder = SpanHashEmbedder()
    index = ClaimIndex.build(CLAIMS, embedder, ranker=VIEWS)
    query = "ferry fares rose on the island route"
    qvec = embedder.embed([query])[0]
    calls = embedder.calls
    hit = index.search(query, k=1, query_vector=qvec)[0]
    assert embedder.calls == calls and not embedder.span_calls  # nothing to embed
    assert hit.components["dense_sent"] == hit.components["dense_max"]
    vecs, pieces = index.query_vectors([query, "ok then", "Rain. Ferry fares rose by a third."])
    assert pieces[0] is not None and np.array_equal(pieces[0], vecs[:1])  # one sentence: the query's own vector
    assert pieces[1] is None  # no sentence of 3+ words
    assert pieces[2] is not None and pieces[2].shape == (1, embedder.dim)  # "Rain." is too short to count
    assert embedder.span_calls[-3:] == [[[]], [[]], [[(6, 34)]]]  # each query in its own pass


def test_real_encoder_sentence_vectors_come_from_one_pass() -> None:
    from newsaudit.models.encoder import SentenceEmbedder, shared_encoder

    embedder = SentenceEmbedder(shared_encoder(None))
    index = ClaimIndex.build(CLAIMS, embedder, ranker=VIEWS)
    query = "What a week it has been for all of us here. Ferry fares rose by a third on the island route!"
    vecs, pieces = index.query_vectors([query, "The bridge closed for repairs. It reopened in June."])
    assert np.array_equal(vecs[:1], embedder.embed([query]))  # as alone, whatever came with it
    assert pieces[0] is not None and pieces[0].shape == (2, vecs.shape[1])
    hit = next(h for h in index.search(query, k=4) if h.id == "fare")
    assert hit.components["dense_sent"] > hit.components["dense_max"]  # the second sentence is the claim


def test_vector_cache_keeps_its_whole_vectors_and_passes_spans_through(embedder, tmp_path) -> None:
    from newsaudit.matching.checkthat import VectorCache

    texts = ["Ferry fares rose. The bridge closed for repairs.", "It rained all week on the island."]
    spans = [[(0, 17), (18, 48)], []]
    plain = VectorCache(embedder, "hash", tmp_path)  # its embedder has no embed_with_spans: spans embedded apart
    found = plain.embed_with_spans(texts, spans)
    assert np.array_equal(found.vectors, plain.embed(texts))
    assert np.allclose(found.spans[0], embedder.embed([texts[0][:17], texts[0][18:]]))
    assert found.spans[1].shape[0] == 0
    one_pass = SpanHashEmbedder()
    cache = VectorCache(one_pass, "hash", tmp_path)
    cache.store[cache.key(texts[0])] = np.full(one_pass.dim, 0.125, np.float32)  # a vector the cache already had
    found = cache.embed_with_spans(texts, spans)
    assert one_pass.span_calls == [spans]
    assert np.array_equal(found.vectors[0], cache.store[cache.key(texts[0])])
    assert cache.key(texts[1]) in cache.store and np.array_equal(cache.embed([texts[1]])[0], found.vectors[1])
