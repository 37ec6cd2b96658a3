"""ClaimIndex: hybrid claim retrieval (BM25 + embeddings, ANN above a size), fused, then cross-encoder re-ranked."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from newsaudit.errors import InputError, QueryError, StoreError
from newsaudit.matching.clean import clean_query, query_date, query_sentence_spans, query_sentences
from newsaudit.matching.ranker import Ranker, candidate_features, default_ranker
from newsaudit.matching.rerank import (
    CrossEncoderReranker,
    load_reranker,
    mix_scores,
    pair_document,
    reranker_available,
)

FORMAT = "newsaudit-claim-index/1"
LEXICAL = "snowball-english/1"  # names `tokenize`: a saved BM25 index is reused only if this and k1/b are unchanged
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


class Embedder(Protocol):
    """Anything that turns texts into unit vectors [n, dim] (SentenceEmbedder does)."""

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class ClaimItem:
    """A claim to index: its id, text, optional title (e.g. a fact-check headline) and precomputed vectors."""

    id: str
    text: str
    title: str | None = None
    embedding: np.ndarray | None = None
    title_embedding: np.ndarray | None = None


@dataclass
class Hit:
    """One retrieved claim: id, final score, and the component scores it was ranked on."""

    id: str
    score: float
    bm25: float = 0.0
    dense: float = 0.0
    title_dense: float = 0.0
    components: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IndexConfig:
    """How the index retrieves: which channels, how many candidates, and when to switch to ANN search."""

    use_bm25: bool = True
    use_dense: bool = True
    candidates: int = 50
    bm25_k1: float = 1.2  # k1 and b tuned on CheckThat! 2020 train tweets (MAP@5), with Snowball stemming
    bm25_b: float = 0.75
    clean_queries: bool = True
    keep_author: bool = True
    handles: str = "split"
    exact_limit: int = 50_000
    ann_dtype: str = "i8"
    ann_connectivity: int = 16
    ann_expansion_add: int = 128
    ann_expansion_search: int = 64
    reranker: str = "default"  # "default": the shipped cross-encoder if present; "none": off; else a model folder
    rerank_depth: int = 0  # how many fused candidates the cross-encoder re-reads (0: the model's own setting)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
        "rt",
        "via",
        "amp",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball English stemmer (C), as bm25s recommends

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, Snowball-stemmed word tokens without stopwords ('vaccines', 'vaccinated' -> 'vaccin')."""
    out = []
    for tok in _TOKEN.findall(text.lower()):
        tok = tok.replace("’", "'")
        if tok.endswith("'s"):
            tok = tok[:-2]
        if tok in STOPWORDS or not tok:
            continue
        out.append(tok)
    return _stemmer().stemWords(out)


def claim_key(text: str) -> tuple[str, ...]:
    """What makes two claim texts copies of one claim: the same words, ignoring case, punctuation and quoting."""
    return tuple(_TOKEN.findall(text.lower()))


def share_duplicate_scores(scores: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Copies of one claim (`claim_key`) all get the group's best score."""
    best: dict[tuple[str, ...], float] = {}
    keys = [claim_key(t) for t in texts]
    for key, s in zip(keys, scores, strict=True):
        best[key] = max(best.get(key, -np.inf), float(s))
    return np.array([best[key] for key in keys], dtype=np.float64)


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.clip(norms, 1e-12, None)


def new_ann_index(dim: int, cfg: IndexConfig) -> Any:
    """An empty usearch HNSW index (cosine) with the configured parameters: what `ClaimIndex` adds its vectors to."""
    from usearch.index import Index

    return Index(
        ndim=dim,
        metric="cos",
        dtype=cfg.ann_dtype,
        connectivity=cfg.ann_connectivity,
        expansion_add=cfg.ann_expansion_add,
        expansion_search=cfg.ann_expansion_search,
    )


class ClaimIndex:
    """Claims searchable by hybrid retrieval; `search` returns ranked `Hit`s, `save`/`load` keep it on disk."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        config: IndexConfig | None = None,
        ranker: Ranker | None = None,
        reranker: CrossEncoderReranker | None = None,
    ) -> None:
        self.config = config or IndexConfig()
        self._embedder = embedder
        self.ranker = ranker or default_ranker()
        self._reranker = reranker  # given here, it is used whatever config.reranker says
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.titles: list[str | None] = []
        self._pos: dict[str, int] = {}
        self._vectors: np.ndarray | None = None  # [n, dim] float32 text vectors
        self._title_vectors: np.ndarray | None = None  # [m, dim] float32: one row per claim with a title
        self._title_row = np.zeros(0, dtype=np.int32)  # [n]: each claim's row in _title_vectors, -1 without a title
        self._bm25: Any = None
        self._bm25_size = 0
        self._ann: Any = None
        self._ann_size = 0

    # ------------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        items: Iterable[ClaimItem],
        embedder: Embedder | None = None,
        *,
        config: IndexConfig | None = None,
        ranker: Ranker | None = None,
        reranker: CrossEncoderReranker | None = None,
    ) -> ClaimIndex:
        """A new index over `items` (vectors computed with `embedder` unless every item brings its own)."""
        index = cls(embedder, config=config, ranker=ranker, reranker=reranker)
        index.add(items)
        return index

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from newsaudit.models.encoder import SentenceEmbedder

            self._embedder = SentenceEmbedder()
        return self._embedder

    @property
    def loaded_embedder(self) -> Embedder | None:
        """The embedder if one was given or has been loaded (never loads the default one)."""
        return self._embedder

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._pos

    @property
    def dim(self) -> int | None:
        return None if self._vectors is None else int(self._vectors.shape[1])

    def add(self, items: Iterable[ClaimItem], *, batch_size: int = 256) -> int:
        """Add claims whose id is not indexed yet (others are skipped); returns how many were added."""
        new: list[ClaimItem] = []
        seen: set[str] = set()
        for item in items:
            if not isinstance(item.id, str) or not item.id:
                raise InputError(f"claim id must be a non-empty string, got {item.id!r}")
            if not isinstance(item.text, str) or not item.text.strip():
                raise InputError(f"claim {item.id} has no text")
            if item.id in self._pos or item.id in seen:
                continue
            seen.add(item.id)
            new.append(item)
        if not new:
            return 0
        if self.config.use_dense:
            vecs, tvecs, titled = self._embed_items(new, batch_size)
            rows = np.full(len(new), -1, dtype=np.int32)
            if self._vectors is None or self._title_vectors is None:
                self._vectors, self._title_vectors = vecs, tvecs
                rows[titled] = np.arange(len(titled), dtype=np.int32)
            else:
                rows[titled] = len(self._title_vectors) + np.arange(len(titled), dtype=np.int32)
                self._vectors = np.vstack([self._vectors, vecs.astype(self._vectors.dtype)])
                self._title_vectors = np.vstack([self._title_vectors, tvecs.astype(self._title_vectors.dtype)])
            self._title_row = np.concatenate([self._title_row, rows])
        for item in new:
            self._pos[item.id] = len(self.ids)
            self.ids.append(item.id)
            self.texts.append(item.text)
            self.titles.append(item.title or None)
        return len(new)

    def _embed_items(self, items: list[ClaimItem], batch_size: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Unit text vectors [n, dim], title vectors [m, dim] and which m of the n items have a title."""
        todo = [i for i, it in enumerate(items) if it.embedding is None]
        todo_titles = [i for i, it in enumerate(items) if it.title and it.title_embedding is None]
        computed: dict[int, np.ndarray] = {}
        computed_titles: dict[int, np.ndarray] = {}
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            for i, v in zip(chunk, self.embedder.embed([items[i].text for i in chunk]), strict=True):
                computed[i] = v
        for start in range(0, len(todo_titles), batch_size):
            chunk = todo_titles[start : start + batch_size]
            for i, v in zip(chunk, self.embedder.embed([items[i].title or "" for i in chunk]), strict=True):
                computed_titles[i] = v
        rows = [computed[i] if items[i].embedding is None else items[i].embedding for i in range(len(items))]
        vecs = _unit(np.stack([np.asarray(r, dtype=np.float32).reshape(-1) for r in rows]))
        dim = vecs.shape[1]
        if self._vectors is not None and self._vectors.shape[1] != dim:
            raise InputError(f"embedding size {dim} does not match the index's {self._vectors.shape[1]}")
        titled = [i for i, it in enumerate(items) if it.title_embedding is not None or i in computed_titles]
        rows = [computed_titles[i] if items[i].title_embedding is None else items[i].title_embedding for i in titled]
        tvecs = np.zeros((0, dim), np.float32) if not rows else np.vstack([_unit(r) for r in rows])
        return vecs, tvecs, titled

    # ------------------------------------------------------------------ channels

    def _lexical(self) -> Any:
        if self._bm25 is None or self._bm25_size != len(self.ids):
            import bm25s

            logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG
            corpus = [tokenize(t + " " + (h or "")) or [""] for t, h in zip(self.texts, self.titles, strict=True)]
            bm25 = bm25s.BM25(k1=self.config.bm25_k1, b=self.config.bm25_b)
            bm25.index(corpus, show_progress=False)
            self._bm25, self._bm25_size = bm25, len(self.ids)
        return self._bm25

    def _ann_index(self) -> Any:
        if self._ann is None or self._ann_size != len(self.ids):
            assert self._vectors is not None
            ann = self._ann
            if ann is None:
                ann = new_ann_index(self._vectors.shape[1], self.config)
            start = self._ann_size if self._ann is not None else 0
            keys = np.arange(start, len(self.ids), dtype=np.uint64)
            ann.add(keys, self._vectors[start:], log=False)
            self._ann, self._ann_size = ann, len(self.ids)
            # In ANN mode the matrices only serve per-candidate features: half precision halves their memory.
            self._vectors = self._vectors.astype(np.float16, copy=False)
            if self._title_vectors is not None:
                self._title_vectors = self._title_vectors.astype(np.float16, copy=False)
        return self._ann

    def dense_similarity(self, qvecs: np.ndarray, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Cosine of claims [start, stop) with each query [q, dim], the better of text and title: [stop - start, q]."""
        assert self._vectors is not None and self._title_vectors is not None
        stop = len(self.ids) if stop is None else stop
        sims = self._vectors[start:stop].astype(np.float32) @ qvecs.T
        rows = self._title_row[start:stop]
        has = np.flatnonzero(rows >= 0)
        if len(has):
            title_sims = self._title_vectors[rows[has]].astype(np.float32) @ qvecs.T
            sims[has] = np.maximum(sims[has], title_sims)
        return sims

    def _title_dense(self, pos: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """Title cosine of the claims at `pos`; a claim without a title is its own title."""
        assert self._vectors is not None and self._title_vectors is not None
        out = self._vectors[pos].astype(np.float32) @ qvec
        rows = self._title_row[pos]
        has = np.flatnonzero(rows >= 0)
        if len(has):
            out[has] = self._title_vectors[rows[has]].astype(np.float32) @ qvec
        return out

    def _sentence_dense(self, pos: np.ndarray, sentence_vecs: np.ndarray) -> np.ndarray:
        """Best cosine of any query sentence [m, dim] with the text or title of each claim at `pos`."""
        assert self._vectors is not None and self._title_vectors is not None
        sims = self._vectors[pos].astype(np.float32) @ sentence_vecs.T
        rows = self._title_row[pos]
        has = np.flatnonzero(rows >= 0)
        if len(has):
            sims[has] = np.maximum(sims[has], self._title_vectors[rows[has]].astype(np.float32) @ sentence_vecs.T)
        return sims.max(axis=1)

    def uses_ann(self) -> bool:
        return self.config.use_dense and len(self.ids) > self.config.exact_limit

    def dense_candidates(self, qvec: np.ndarray, k: int, *, exact: bool | None = None) -> np.ndarray:
        """Positions of the k nearest claims by text (or title) cosine: exact below `exact_limit`, else ANN."""
        assert self._vectors is not None and self._title_vectors is not None
        k = min(k, len(self.ids))
        if exact is False or (exact is None and self.uses_ann()):
            found = self._ann_index().search(qvec, k)
            return np.asarray(found.keys, dtype=np.int64)
        # einsum, not `@`: OpenBLAS threads a matrix-vector product and spins on a busy machine; at 10k claims that
        # cost 16 ms CPU per query against 2.6 ms here (benchmarks/claim_index.py).
        sims = np.einsum("ij,j->i", self._vectors, qvec)
        has = np.flatnonzero(self._title_row >= 0)
        if len(has):
            title_sims = np.einsum("ij,j->i", self._title_vectors, qvec)  # every row belongs to a titled claim
            sims[has] = np.maximum(sims[has], title_sims[self._title_row[has]])
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        return top[np.argsort(-sims[top])]

    def active_reranker(self) -> CrossEncoderReranker | None:
        """The cross-encoder that re-reads the top candidates, or None (config.reranker "none", or none shipped)."""
        if self._reranker is None:
            spec = self.config.reranker
            if spec in ("none", ""):
                return None
            if spec == "default":
                if not reranker_available():
                    return None
                self._reranker = load_reranker(None)
            else:
                self._reranker = load_reranker(spec)
        return self._reranker

    # ------------------------------------------------------------------ search

    def prepare_query(self, query: str) -> str:
        if not isinstance(query, str) or not query.strip():
            raise QueryError("empty query: give some text to match")
        if self.config.clean_queries:
            cleaned = clean_query(query, keep_author=self.config.keep_author, handles=self.config.handles)
            return cleaned or query.strip()
        return query.strip()

    def search(self, query: str, k: int = 10, *, query_vector: np.ndarray | None = None) -> list[Hit]:
        """The k best claims for `query`, best first; raises QueryError on an empty query."""
        return self.search_many([query], k, query_vectors=None if query_vector is None else query_vector[None])[0]

    def search_many(
        self, queries: Sequence[str], k: int = 10, *, query_vectors: np.ndarray | None = None
    ) -> list[list[Hit]]:
        """`search` for several queries, embedding them in one batch."""
        if k < 1:
            raise QueryError(f"k must be at least 1, got {k}")
        cleaned = [self.prepare_query(q) for q in queries]
        if not self.ids:
            return [[] for _ in queries]
        dates = [query_date(q) for q in queries]  # the raw query: cleaning drops the attribution line
        qvecs = None
        pieces: list[np.ndarray | None] = [None] * len(queries)
        if self.config.use_dense and self._vectors is not None:
            qvecs, pieces = self.query_vectors(cleaned, query_vectors, sentences="dense_sent" in self.ranker.weights)
        return [
            self._search_one(q, None if qvecs is None else qvecs[i], k, pieces[i], dates[i])
            for i, q in enumerate(cleaned)
        ]

    def query_vectors(
        self, cleaned: Sequence[str], given: np.ndarray | None = None, *, sentences: bool = True
    ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """Unit vectors of cleaned queries ([q, dim]; `given` ones are used as they are) and, with `sentences`, of
        each query's sentences (`query_sentence_spans`; None for a query without a sentence of 3+ words).

        An embedder with `embed_with_spans` (SentenceEmbedder) pools the sentences out of the whole query's one
        encoder pass, so a query costs one pass, or none when its vector is given and it is one sentence (that
        sentence's vector is the query's own). Each query runs alone there: the int8 encoder's states shift with
        the other texts in a batch (cosine ~0.99 to itself), and a query's sentence vectors, like its results,
        should not depend on which queries came with it. Other embedders embed the sentences in a second batch."""
        spans = [query_sentence_spans(q) for q in cleaned] if sentences else [[] for _ in cleaned]
        multi = [[] if ss == [(0, len(q))] else ss for q, ss in zip(cleaned, spans, strict=True)]
        with_spans = getattr(self.embedder, "embed_with_spans", None) if sentences else None
        if with_spans is None or (given is not None and not any(multi)):
            qvecs = _unit(given) if given is not None else _unit(self.embedder.embed(list(cleaned)))
            return qvecs, self.sentence_vectors(cleaned, qvecs) if sentences else [None] * len(cleaned)
        whole: list[np.ndarray] = []
        out: list[np.ndarray | None] = []
        for i, (q, ss, ms) in enumerate(zip(cleaned, spans, multi, strict=True)):
            if given is not None and not ms:  # nothing to pool: the given vector is all it needs
                whole.append(_unit(given[i])[0])
                out.append(None if not ss else whole[-1][None, :])
                continue
            found = with_spans([q], [ms])
            whole.append(_unit(given[i] if given is not None else found.vectors[0])[0])
            if not ss:
                out.append(None)
            elif not ms:  # the query is one sentence: its own vector
                out.append(whole[-1][None, :])
            else:
                out.append(_unit(found.spans[0]))
        return np.stack(whole), out

    def sentence_vectors(self, cleaned: Sequence[str], qvecs: np.ndarray) -> list[np.ndarray | None]:
        """Per cleaned query, unit vectors of its sentences (`query_sentences`), embedded in one batch: the
        second-pass way, for embedders without `embed_with_spans`.

        A query that is one sentence reuses its own vector; one with no sentence of 3+ words gets None."""
        split = [query_sentences(q) for q in cleaned]
        todo = sorted({p for q, ps in zip(cleaned, split, strict=True) for p in ps if p != q})
        vecs = dict(zip(todo, _unit(self.embedder.embed(todo)), strict=True)) if todo else {}
        out: list[np.ndarray | None] = []
        for i, (q, ps) in enumerate(zip(cleaned, split, strict=True)):
            out.append(np.stack([qvecs[i] if p == q else vecs[p] for p in ps]) if ps else None)
        return out

    def candidates(
        self, query: str, qvec: np.ndarray | None, sentence_vecs: np.ndarray | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Candidate positions from both channels and their per-candidate raw channel scores.

        With `sentence_vecs` ([m, dim], the query's sentences) the scores include "dense_sent": the best text or
        title cosine of any sentence. Candidates come from the whole query either way."""
        n_cand = max(self.config.candidates, 1)
        pools: list[np.ndarray] = []
        bm25_all = None
        if self.config.use_bm25:
            tokens = tokenize(query)  # none (a query of stopwords) would make bm25s raise on its "" token
            bm25_all = np.zeros(len(self.ids), np.float32)
            if tokens:
                bm25_all = np.asarray(self._lexical().get_scores(tokens), dtype=np.float32)
            kk = min(n_cand, len(bm25_all))
            top = np.argpartition(-bm25_all, kk - 1)[:kk] if kk < len(bm25_all) else np.arange(len(bm25_all))
            pools.append(top[bm25_all[top] > 0])
        if qvec is not None:
            pools.append(self.dense_candidates(qvec, n_cand))
        pos = np.unique(np.concatenate(pools)) if pools else np.arange(0)
        pos = pos[(pos >= 0) & (pos < len(self.ids))]
        scores: dict[str, np.ndarray] = {}
        if bm25_all is not None:
            top_bm25 = float(bm25_all.max()) if len(bm25_all) else 0.0
            scores["bm25"] = bm25_all[pos]
            scores["bm25_norm"] = bm25_all[pos] / top_bm25 if top_bm25 > 0 else np.zeros(len(pos), np.float32)
        else:
            scores["bm25"] = scores["bm25_norm"] = np.zeros(len(pos), np.float32)
        if qvec is not None and self._vectors is not None and self._title_vectors is not None:
            scores["dense"] = self._vectors[pos].astype(np.float32) @ qvec
            scores["title_dense"] = self._title_dense(pos, qvec)
            if sentence_vecs is not None and len(sentence_vecs):
                scores["dense_sent"] = self._sentence_dense(pos, sentence_vecs)
        else:
            scores["dense"] = scores["title_dense"] = np.zeros(len(pos), np.float32)
        return pos, scores

    def _search_one(
        self,
        query: str,
        qvec: np.ndarray | None,
        k: int,
        sentence_vecs: np.ndarray | None = None,
        date: tuple[int, int] | None = None,
    ) -> list[Hit]:
        pos, scores = self.candidates(query, qvec, sentence_vecs)
        if len(pos) == 0:
            return []
        texts = [self.texts[p] for p in pos]
        feats = candidate_features(query, texts, [self.titles[p] for p in pos], scores, query_date=date)
        final = share_duplicate_scores(self.ranker.score(feats), texts)
        order = np.argsort(-final, kind="stable")  # ties keep insertion order: the earlier copy first
        logits: dict[int, float] = {}
        reranker = self.active_reranker()
        if reranker is not None:
            head = order[: self.config.rerank_depth or reranker.depth]
            docs = [pair_document(texts[j], self.titles[pos[j]]) for j in head]
            if reranker.weight > 0 and len(head):
                scored = reranker.score(query, docs)
                final = final.copy()
                final[head] = mix_scores(final[head], scored, reranker.weight)
                logits = dict(zip(head.tolist(), scored.tolist(), strict=True))
                final = share_duplicate_scores(final, texts)
                order = np.argsort(-final, kind="stable")
        hits = []
        for j in order[:k]:
            comps = {name: float(col[j]) for name, col in feats.items()}
            if j in logits:
                comps["rerank_logit"] = logits[j]
            hits.append(
                Hit(
                    id=self.ids[pos[j]],
                    score=float(final[j]),
                    bm25=float(scores["bm25"][j]),
                    dense=float(scores["dense"][j]),
                    title_dense=float(scores["title_dense"][j]),
                    components=comps,
                )
            )
        return hits

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | Path) -> Path:
        """Write the index to folder `path` (manifest.json, items.jsonl, vectors, ann.usearch, bm25/)."""
        path = Path(path)
        try:
            path.mkdir(parents=True, exist_ok=True)
            with (path / "items.jsonl").open("w", encoding="utf-8") as fh:
                for cid, text, title in zip(self.ids, self.texts, self.titles, strict=True):
                    fh.write(json.dumps({"id": cid, "text": text, "title": title}, ensure_ascii=False) + "\n")
            if self._vectors is not None and self._title_vectors is not None:
                np.save(path / "vectors.npy", self._vectors)
                np.save(path / "title_vectors.npy", self._title_vectors)
                np.save(path / "title_rows.npy", self._title_row)
            if self._ann is not None and self._ann_size == len(self.ids):
                self._ann.save(str(path / "ann.usearch"))
            shutil.rmtree(path / "bm25", ignore_errors=True)
            if self.config.use_bm25 and self.ids:
                self._lexical().save(str(path / "bm25"))  # rebuilding it costs ~80 s at 1M claims
            manifest = {
                "format": FORMAT,
                "lexical": LEXICAL,
                "count": len(self.ids),
                "dim": self.dim,
                "config": asdict(self.config),
                "ranker": self.ranker.to_dict(),
            }
            (path / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"cannot write claim index to {path}: {exc.strerror or exc}") from exc
        return path

    @classmethod
    def load(cls, path: str | Path, embedder: Embedder | None = None, **config: Any) -> ClaimIndex:
        """Read an index written by `save`; keyword arguments override its stored IndexConfig fields."""
        path = Path(path)
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StoreError(f"{path} is not a claim index (cannot read manifest.json)") from exc
        if manifest.get("format") != FORMAT:
            raise StoreError(f"{path}: unknown claim index format {manifest.get('format')!r}")
        cfg = replace(IndexConfig.from_dict(manifest.get("config", {})), **config)
        index = cls(embedder, config=cfg, ranker=Ranker.from_dict(manifest["ranker"]) if "ranker" in manifest else None)
        try:
            with (path / "items.jsonl").open(encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    index._pos[row["id"]] = len(index.ids)
                    index.ids.append(row["id"])
                    index.texts.append(row["text"])
                    index.titles.append(row.get("title"))
            if (path / "vectors.npy").exists():
                index._vectors = np.load(path / "vectors.npy")
                index._title_vectors = np.load(path / "title_vectors.npy")
                if (path / "title_rows.npy").exists():
                    index._title_row = np.load(path / "title_rows.npy").astype(np.int32, copy=False)
                else:  # saved before title rows were kept: one title row per claim, the text vector where no title
                    titled = np.array([t is not None for t in index.titles], dtype=bool)
                    index._title_row = np.where(titled, np.cumsum(titled) - 1, -1).astype(np.int32)
                    index._title_vectors = index._title_vectors[titled]
            if (path / "ann.usearch").exists() and index._vectors is not None:
                from usearch.index import Index

                ann = Index.restore(str(path / "ann.usearch"))
                if ann is not None and len(ann) == len(index.ids):
                    index._ann, index._ann_size = ann, len(ann)
            if (path / "bm25").is_dir() and manifest.get("lexical") == LEXICAL and "config" in manifest:
                saved = IndexConfig.from_dict(manifest["config"])
                if (saved.bm25_k1, saved.bm25_b) == (cfg.bm25_k1, cfg.bm25_b):
                    import bm25s

                    logging.getLogger("bm25s").setLevel(logging.WARNING)
                    bm25 = bm25s.BM25.load(str(path / "bm25"))
                    if bm25.scores.get("num_docs") == len(index.ids):  # else stale: rebuilt on first search
                        index._bm25, index._bm25_size = bm25, len(index.ids)
        except (OSError, ValueError, KeyError) as exc:
            raise StoreError(f"claim index at {path} is damaged: {exc}") from exc
        if len(index.ids) != manifest.get("count") or (
            index._vectors is not None and index._vectors.shape[0] != len(index.ids)
        ):
            raise StoreError(f"claim index at {path} is damaged: item and vector counts disagree")
        return index
