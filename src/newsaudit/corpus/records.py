"""Plain dataclasses passed between the corpus facade, its store and callers (CLI, web app), each with `to_dict()`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ClaimRecord:
    """One analysed claim as handed to the store at ingest time."""

    idx: int
    start: int
    end: int
    text: str
    source_text: str | None = None
    source_kind: str | None = None
    source_subtype: str | None = None
    checkworthy: float | None = None
    embedding: bytes | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """One analysed article as handed to the store: metadata, document JSON, claims and filter columns."""

    hash: str
    text: str
    document: dict[str, Any]
    words: int
    ingested_at: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    day: str | None = None
    near_duplicate_of: int | None = None
    similarity: float | None = None
    minhash: bytes = b""
    bands: tuple[int, ...] = ()
    claims: tuple[ClaimRecord, ...] = ()
    techniques: tuple[tuple[str, int, int, float], ...] = ()
    sources: tuple[tuple[str, str | None, str], ...] = ()


@dataclass(frozen=True)
class Filters:
    """Filters shared by search and article listing; dates are ISO `YYYY-MM-DD` strings, inclusive."""

    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    technique: str | None = None
    source_kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ArticleSummary:
    """An article's metadata and counts, without its text (for lists)."""

    id: int
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    day: str | None
    ingested_at: str
    words: int
    claims: int
    techniques: int
    near_duplicate_of: int | None = None
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StoredArticle:
    """A stored article: its summary, the analysed Document JSON, its claim ids and its near-duplicates."""

    summary: ArticleSummary
    document: dict[str, Any]
    claim_ids: list[int] = field(default_factory=list)
    near_duplicates: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.summary.id

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "claim_ids": list(self.claim_ids),
            "near_duplicates": list(self.near_duplicates),
            "document": self.document,
        }


@dataclass(frozen=True)
class ArticlePage:
    """One page of an article listing, with the total number of matching articles."""

    total: int
    offset: int
    limit: int
    articles: list[ArticleSummary]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "articles": [a.to_dict() for a in self.articles],
        }


@dataclass(frozen=True)
class StoredClaim:
    """A stored claim with the metadata of the article that carries it; offsets index that article's text."""

    id: int
    article_id: int
    idx: int
    start: int
    end: int
    text: str
    source_text: str | None
    source_kind: str | None
    checkworthy: float | None
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    day: str | None
    ingested_at: str

    @property
    def first_seen(self) -> str:
        """The article's publication day, else the day it was ingested."""
        return self.day or self.ingested_at[:10]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchHit:
    """A full-text hit: an article (offsets None) or a claim (offsets into its article's text)."""

    kind: str
    score: float
    article_id: int
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    claim_id: int | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchResult:
    """Article hits and claim hits for one query, best first (lower BM25 is better in FTS5; `score` is -bm25)."""

    query: str
    filters: Filters
    articles: list[SearchHit]
    claims: list[SearchHit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "filters": self.filters.to_dict(),
            "articles": [h.to_dict() for h in self.articles],
            "claims": [h.to_dict() for h in self.claims],
        }


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did: counts, the one-line errors of skipped records, and the time it took."""

    added: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    claims: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    article_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
