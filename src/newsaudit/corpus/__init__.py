"""A corpus of analysed articles: store, ingestion, full-text search, claim matching and tracing."""

from newsaudit.corpus.api import DEFAULT_DB, Corpus, CorpusStats, IngestInterrupted, OutletStats, PeriodStats
from newsaudit.corpus.match import ClaimHit, ClaimMatches, FactCheckHit, MatchResult
from newsaudit.corpus.records import (
    ArticlePage,
    ArticleSummary,
    Filters,
    IngestReport,
    SearchHit,
    SearchResult,
    StoredArticle,
    StoredClaim,
)
from newsaudit.corpus.store import SqliteStore, Store, open_store
from newsaudit.corpus.trace import Carrier, OutletTrace, TraceResult

__all__ = [
    "DEFAULT_DB",
    "ArticlePage",
    "ArticleSummary",
    "Carrier",
    "ClaimHit",
    "ClaimMatches",
    "Corpus",
    "CorpusStats",
    "FactCheckHit",
    "Filters",
    "IngestInterrupted",
    "IngestReport",
    "MatchResult",
    "OutletStats",
    "OutletTrace",
    "PeriodStats",
    "SearchHit",
    "SearchResult",
    "SqliteStore",
    "Store",
    "StoredArticle",
    "StoredClaim",
    "TraceResult",
    "open_store",
]
