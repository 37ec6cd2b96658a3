"""A claim's history across the corpus: which outlets carried it, when each first did, and whom they credited."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from newsaudit.corpus.indexes import CorpusIndexes, claim_id_of, vector
from newsaudit.corpus.records import StoredClaim
from newsaudit.corpus.search import check_text
from newsaudit.corpus.store import Store
from newsaudit.errors import QueryError

# Two claims are "the same claim" when their cosine (int8 all-MiniLM-L6-v2) is at least SAME_CLAIM_COSINE and
# their numbers agree (one claim's set of numbers contains the other's). Calibrated on the made-up pairs in
# tests/corpus/test_trace.py: 5 of 7 rewordings scored 0.81-0.92 (two known misses at 0.63 and 0.78); different
# claims on one topic scored 0.40-0.77, except one differing only in a number (1,200 vs 12,000 teachers: 0.93,
# caught by the number check) and one differing in one verb (died vs injured: 0.85, a known miss).
SAME_CLAIM_COSINE = 0.80
MAX_CANDIDATES = 2000
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
    " eighteen nineteen twenty"
)
_TENS = "thirty forty fifty sixty seventy eighty ninety"
_NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS.split())} | {w: 10 * i for i, w in enumerate(_TENS.split(), 3)}


def numbers(text: str) -> set[float]:
    """The numbers a claim states, in digits or as simple English number words (two, forty)."""
    out: set[float] = set()
    for match in _NUMBER.finditer(text):
        token = match.group(0)
        if re.fullmatch(r"\d{1,3}(,\d{3})+", token):
            token = token.replace(",", "")
        try:
            out.add(float(token.replace(",", ".")))
        except ValueError:
            continue
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            out.add(float(_NUMBER_WORDS[word]))
    return out


def same_claim(a: str, b: str, cosine: float, threshold: float = SAME_CLAIM_COSINE) -> bool:
    """Whether two claim texts state the same thing: close in meaning and not contradicting in their numbers."""
    if cosine < threshold:
        return False
    na, nb = numbers(a), numbers(b)
    return not na or not nb or na <= nb or nb <= na


@dataclass(frozen=True)
class Carrier:
    """One article carrying the claim: where, when, in what words, and credited to whom."""

    article_id: int
    claim_id: int
    outlet: str | None
    date: str
    dated_by: str
    similarity: float
    text: str
    start: int
    end: int
    source_text: str | None
    source_kind: str | None
    title: str | None
    url: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class OutletTrace:
    """An outlet's first carriage of the claim, how many of its articles carried it, and every attribution used."""

    outlet: str | None
    first: Carrier
    articles: int
    attributions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "first": self.first.to_dict(),
            "articles": self.articles,
            "attributions": list(self.attributions),
        }


@dataclass(frozen=True)
class TraceResult:
    """The claim's timeline: outlets ordered by the first time each carried it, plus every carrying article."""

    query: str
    claim_id: int | None
    threshold: float
    outlets: list[OutletTrace]
    carriers: list[Carrier]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "claim_id": self.claim_id,
            "threshold": self.threshold,
            "outlets": [o.to_dict() for o in self.outlets],
            "carriers": [c.to_dict() for c in self.carriers],
        }

    def timeline(self) -> str:
        """The trace as a plain-text timeline, earliest outlet first."""
        lines = [f"Trace of: {self.query}", f"{len(self.carriers)} article(s) in {len(self.outlets)} outlet(s)"]
        for o in self.outlets:
            c = o.first
            credit = _credit(c.source_text, c.source_kind)
            more = f" (+{o.articles - 1} more)" if o.articles > 1 else ""
            lines.append(
                f"{c.date}{'*' if c.dated_by == 'ingested' else ' '} {o.outlet or '(unknown outlet)'}{more}: "
                f"{credit} [article {c.article_id}, claim {c.claim_id}, similarity {c.similarity:.2f}]"
            )
            lines.append(f"    “{_shorten(c.text)}”")
        if any(o.first.dated_by == "ingested" for o in self.outlets):
            lines.append("* no publication date: the day it was ingested")
        return "\n".join(lines)


def _credit(source_text: str | None, source_kind: str | None) -> str:
    if not source_text:
        return "unattributed"
    return f"attributed to {source_text} ({source_kind})"


def _shorten(text: str, width: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def carrier(claim: StoredClaim, similarity: float) -> Carrier:
    return Carrier(
        article_id=claim.article_id,
        claim_id=claim.id,
        outlet=claim.outlet,
        date=claim.first_seen,
        dated_by="published" if claim.day else "ingested",
        similarity=round(similarity, 4),
        text=claim.text,
        start=claim.start,
        end=claim.end,
        source_text=claim.source_text,
        source_kind=claim.source_kind,
        title=claim.title,
        url=claim.url,
    )


def trace(
    store: Store,
    indexes: CorpusIndexes,
    *,
    text: str | None = None,
    claim_id: int | None = None,
    threshold: float = SAME_CLAIM_COSINE,
) -> TraceResult:
    """Every stored claim that is the same claim as the query (see `same_claim`), grouped by outlet, by date."""
    if (text is None) == (claim_id is None):
        raise QueryError("give either a claim text or a claim id to trace")
    if not 0.0 < threshold <= 1.0:  # also refuses NaN
        raise QueryError(f"threshold must be a cosine above 0 and at most 1, got {threshold}")
    index = indexes.claims()
    if claim_id is not None:
        own = store.claim(int(claim_id))
        if own is None:
            raise QueryError(f"no claim with id {claim_id} in {store.path}")
        query = own.text
        blob = store.claim_embeddings([own.id]).get(own.id)
        qvec = vector(blob) if blob is not None else indexes.embedder.embed([query])[0]
    else:
        if not text or not text.strip():
            raise QueryError("empty claim text: give the claim to trace")
        check_text(text, "the claim text")
        query = text.strip()
        qvec = indexes.embedder.embed([query])[0]
    qvec = np.asarray(qvec, dtype=np.float32)
    qvec = qvec / max(float(np.linalg.norm(qvec)), 1e-12)
    carriers: list[Carrier] = []
    if len(index):
        with indexes.lock:
            positions = index.dense_candidates(qvec, min(MAX_CANDIDATES, len(index)))
            ids = [claim_id_of(index.ids[int(p)]) for p in positions]
        blobs = store.claim_embeddings(ids)
        cosines = {cid: float(vector(b) @ qvec) for cid, b in blobs.items()}
        close = store.claims_by_id([cid for cid, s in cosines.items() if s >= threshold])
        if claim_id is not None:
            cosines[int(claim_id)] = 1.0
            close.setdefault(int(claim_id), own)
        carriers = [
            carrier(c, cosines[cid])
            for cid, c in close.items()
            if cid == claim_id or same_claim(query, c.text, cosines[cid], threshold)
        ]
    carriers.sort(key=lambda c: (c.date, c.article_id, c.start))
    by_outlet: dict[str | None, list[Carrier]] = {}
    for c in carriers:
        by_outlet.setdefault(c.outlet.casefold() if c.outlet else None, []).append(c)
    outlets = []
    for group in by_outlet.values():
        credits = []
        for c in group:
            credit = _credit(c.source_text, c.source_kind)
            if credit not in credits:
                credits.append(credit)
        outlets.append(OutletTrace(group[0].outlet, group[0], len({c.article_id for c in group}), credits))
    outlets.sort(key=lambda o: (o.first.date, o.first.article_id))
    return TraceResult(query, claim_id, threshold, outlets, carriers)
