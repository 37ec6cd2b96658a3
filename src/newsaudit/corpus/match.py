"""Match a claim against fact-checks and against the claims of other stored articles."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from newsaudit.corpus.indexes import CorpusIndexes, claim_id_of, claim_key, vector
from newsaudit.corpus.records import StoredClaim
from newsaudit.corpus.search import check_text
from newsaudit.corpus.store import Store
from newsaudit.errors import QueryError


@dataclass(frozen=True)
class FactCheckHit:
    """A fact-check close to the query: its verdict, publisher (as outlet), date and the match scores."""

    id: str
    score: float
    similarity: float
    claim: str
    title: str | None
    rating: str | None
    url: str | None
    outlet: str | None
    date: str | None
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ClaimHit:
    """A claim in another stored article: score, cosine similarity, outlet, date and offsets into that article."""

    claim_id: int
    article_id: int
    score: float
    similarity: float
    text: str
    outlet: str | None
    date: str
    published: str | None
    title: str | None
    url: str | None
    start: int
    end: int
    source_text: str | None
    source_kind: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ClaimMatches:
    """The matches of one query claim (a stored claim, or free text when `claim_id` is None)."""

    text: str
    claim_id: int | None
    start: int | None
    end: int | None
    factchecks: list[FactCheckHit] = field(default_factory=list)
    claims: list[ClaimHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "claim_id": self.claim_id,
            "start": self.start,
            "end": self.end,
            "factchecks": [h.to_dict() for h in self.factchecks],
            "claims": [h.to_dict() for h in self.claims],
        }


@dataclass(frozen=True)
class MatchResult:
    """Matches for free text (one entry) or for every claim of a stored article."""

    article_id: int | None
    k: int
    matches: list[ClaimMatches]

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "k": self.k, "matches": [m.to_dict() for m in self.matches]}


def claim_hit(claim: StoredClaim, score: float, similarity: float) -> ClaimHit:
    return ClaimHit(
        claim_id=claim.id,
        article_id=claim.article_id,
        score=round(score, 4),
        similarity=round(similarity, 4),
        text=claim.text,
        outlet=claim.outlet,
        date=claim.first_seen,
        published=claim.published,
        title=claim.title,
        url=claim.url,
        start=claim.start,
        end=claim.end,
        source_text=claim.source_text,
        source_kind=claim.source_kind,
    )


def match(
    store: Store,
    indexes: CorpusIndexes,
    *,
    text: str | None = None,
    article_id: int | None = None,
    k: int = 10,
    claim_id: int | None = None,
) -> MatchResult:
    """The k best fact-checks and the k best claims of other articles, for `text`, a stored claim, or each claim of
    an article (a stored claim's own article is never among its hits)."""
    if k < 1:
        raise QueryError(f"k must be at least 1, got {k}")
    if sum(x is not None for x in (text, article_id, claim_id)) != 1:
        raise QueryError("give exactly one of a claim text, a claim id or an article id to match")
    queries: list[tuple[str, StoredClaim | None]]
    if claim_id is not None:
        claim = store.claim(int(claim_id))
        if claim is None:
            raise QueryError(f"no claim with id {claim_id} in {store.path}")
        queries = [(claim.text, claim)]
    elif text is not None:
        if not text.strip():
            raise QueryError("empty claim text: give the claim to match")
        check_text(text, "the claim text")
        queries = [(text.strip(), None)]
    else:
        if store.article(int(article_id)) is None:  # type: ignore[arg-type]
            raise QueryError(f"no article with id {article_id} in {store.path}")
        queries = [(c.text, c) for c in store.claims_of_article(int(article_id))]  # type: ignore[arg-type]
        if not queries:
            return MatchResult(article_id, k, [])
    claims_index = indexes.claims()
    fc_index = indexes.factchecks()
    stored = store.claim_embeddings([c.id for _, c in queries if c is not None])
    out: list[ClaimMatches] = []
    for query, own in queries:
        qvec = vector(stored[own.id]) if own is not None and own.id in stored else indexes.embedder.embed([query])[0]
        fc_hits: list[FactCheckHit] = []
        if len(fc_index):
            with indexes.lock:
                hits = fc_index.search(query, k, query_vector=qvec)
            records = store.factchecks_by_id([h.id for h in hits])
            for h in hits:
                fc = records.get(h.id)
                if fc is None:
                    continue
                fc_hits.append(
                    FactCheckHit(
                        fc.id,
                        round(h.score, 4),
                        round(max(h.dense, h.title_dense), 4),
                        fc.claim,
                        fc.title,
                        fc.rating,
                        fc.url,
                        fc.publisher,
                        fc.published,
                        0,
                        len(fc.claim),
                    )
                )
        claim_hits: list[ClaimHit] = []
        if len(claims_index):
            exclude = own.article_id if own is not None else None
            extra = len(queries) if own is not None else 0
            with indexes.lock:
                hits = claims_index.search(query, k + extra + 1, query_vector=qvec)
            found = store.claims_by_id([claim_id_of(h.id) for h in hits])
            for h in hits:
                claim = found.get(claim_id_of(h.id))
                if claim is None or claim.article_id == exclude or (own is not None and h.id == claim_key(own.id)):
                    continue
                claim_hits.append(claim_hit(claim, h.score, h.dense))
                if len(claim_hits) == k:
                    break
        out.append(
            ClaimMatches(
                query,
                own.id if own else None,
                own.start if own else None,
                own.end if own else None,
                fc_hits,
                claim_hits,
            )
        )
    return MatchResult(article_id, k, out)
