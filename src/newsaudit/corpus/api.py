"""`Corpus`: the Python API of a stored corpus (ingest, search, match, trace, browse, statistics)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsaudit.corpus import ingest as ing
from newsaudit.corpus.indexes import CorpusIndexes
from newsaudit.corpus.match import MatchResult
from newsaudit.corpus.match import match as match_claims
from newsaudit.corpus.records import ArticlePage, IngestReport, SearchResult, StoredArticle
from newsaudit.corpus.search import make_filters, parse_query
from newsaudit.corpus.store import DEFAULT_DB, Store, open_store
from newsaudit.corpus.trace import SAME_CLAIM_COSINE, TraceResult
from newsaudit.corpus.trace import trace as trace_claim
from newsaudit.document import Document
from newsaudit.errors import InputError, ModelError, NewsauditError, QueryError, StoreError
from newsaudit.settings import Settings
from newsaudit.unicode_text import unicode_problem

MAX_LIMIT = 1000


@dataclass(frozen=True)
class PeriodStats:
    """Figures for one outlet (or one outlet-month): techniques per 1,000 words and the sourcing profile."""

    articles: int
    words: int
    techniques: int
    techniques_per_1k_words: float
    technique_counts: dict[str, int]
    sources: dict[str, int]
    source_shares: dict[str, float]
    claims: int
    unattributed_claims: int
    unattributed_share: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class OutletStats:
    """One outlet: its overall figures and the same figures month by month (`YYYY-MM`, oldest first)."""

    outlet: str | None
    overall: PeriodStats
    months: dict[str, PeriodStats] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "overall": self.overall.to_dict(),
            "months": {m: s.to_dict() for m, s in self.months.items()},
        }


@dataclass(frozen=True)
class CorpusStats:
    """Per-outlet statistics and the corpus totals."""

    totals: dict[str, int]
    outlets: list[OutletStats]

    def to_dict(self) -> dict[str, Any]:
        return {"totals": dict(self.totals), "outlets": [o.to_dict() for o in self.outlets]}


class _Tally:
    def __init__(self) -> None:
        self.articles = self.words = self.claims = self.unattributed = 0
        self.techniques: dict[str, int] = {}
        self.sources: dict[str, int] = {}

    def add(self, row: dict[str, Any]) -> None:
        self.articles += 1
        self.words += row["words"]
        self.claims += row["claims"]
        self.unattributed += row["unattributed_claims"]
        for name, n in row["techniques"].items():
            self.techniques[name] = self.techniques.get(name, 0) + n
        for kind, n in row["sources"].items():
            self.sources[kind] = self.sources.get(kind, 0) + n

    def stats(self) -> PeriodStats:
        n_tech = sum(self.techniques.values())
        n_src = sum(self.sources.values())
        return PeriodStats(
            articles=self.articles,
            words=self.words,
            techniques=n_tech,
            techniques_per_1k_words=round(1000.0 * n_tech / self.words, 3) if self.words else 0.0,
            technique_counts=dict(sorted(self.techniques.items())),
            sources=dict(sorted(self.sources.items())),
            source_shares={k: round(v / n_src, 4) for k, v in sorted(self.sources.items())} if n_src else {},
            claims=self.claims,
            unattributed_claims=self.unattributed,
            unattributed_share=round(self.unattributed / self.claims, 4) if self.claims else 0.0,
        )


def _default_embedder_factory(settings: Settings) -> Callable[[], Any]:
    def make() -> Any:
        from newsaudit.models.encoder import SentenceEmbedder, shared_encoder

        # no embedding_model_dir: SentenceEmbedder's default (`default_embedding_dir`)
        return SentenceEmbedder(shared_encoder(settings.embedding_model_dir) if settings.embedding_model_dir else None)

    return make


class Corpus:
    """A corpus of analysed articles in one store (an SQLite file by default; `create=False` requires it to exist)."""

    def __init__(
        self,
        path: str | Path = DEFAULT_DB,
        settings: Settings | None = None,
        *,
        store: Store | None = None,
        analyzer: Callable[[Document], Document] | None = None,
        embedder_factory: Callable[[], Any] | None = None,
        create: bool = True,
    ):
        self.settings = settings or Settings()
        self.path = str(path)
        self.store: Store = store or open_store(path, create=create)
        self._analyzer = analyzer
        self.indexes = CorpusIndexes(
            self.store, self.path, embedder_factory or _default_embedder_factory(self.settings)
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ ingest

    def analyze(self, doc: Document) -> Document:
        if self._analyzer is not None:
            return self._analyzer(doc)
        from newsaudit.api import analyze

        return analyze(doc, settings=self.settings)

    def add_document(self, doc: Document) -> tuple[int, bool]:
        """Analyse and store one Document unless its normalised text is stored already; returns (id, added)."""
        article_id, added, _, _ = self._add(doc)
        return article_id, added

    def _add(self, doc: Document) -> tuple[int, bool, int, bool]:
        """(id, added, number of claims, linked as a near-duplicate)."""
        if not doc.text.strip():
            raise InputError("the article text is empty")
        for name in ("text", "title", "url", "published", "outlet", "author"):
            value = getattr(doc, name, None)
            problem = unicode_problem(value) if isinstance(value, str) else None
            if problem:  # it could be neither hashed nor stored
                raise InputError(f"the article's {name} {problem}")
        digest = ing.content_hash(doc.text)
        existing = self.store.find_hash(digest)
        if existing is not None:
            return existing, False, 0, False
        analysed = self.analyze(doc)
        signature = ing.minhash(analysed.text)
        near, similarity = self._near_duplicate(signature)
        embeddings = None
        if self.settings.use_models and analysed.claims:
            embeddings = self.indexes.embedder.embed([c.span.text for c in analysed.claims])
        record = ing.build_record(
            analysed, digest, signature, near_duplicate_of=near, similarity=similarity, embeddings=embeddings
        )
        article_id, added = self.store.add_article(record)  # False if another writer stored it meanwhile
        return article_id, added, len(record.claims) if added else 0, added and near is not None

    def _ahead(self, items: Iterable[ing.Item]) -> Iterable[ing.Item]:
        """`items` in order, the next new article's encoder pass running meanwhile (default analyser only)."""
        if self._analyzer is not None:
            return items
        from newsaudit.api import default_pipeline

        def new_document(item: ing.Item) -> Document | None:
            doc = item.document
            unseen = doc is not None and self.store.find_hash(ing.content_hash(doc.text)) is None
            return doc if unseen else None

        return default_pipeline(self.settings).ahead(items, new_document)

    def _near_duplicate(self, signature: ing.Signature) -> tuple[int | None, float | None]:
        best: tuple[int | None, float | None] = (None, None)
        for article_id, blob in self.store.near_duplicate_candidates(signature.bands):
            score = ing.estimated_jaccard(signature.values, ing.Signature.from_bytes(blob))
            if score >= ing.NEAR_DUPLICATE_JACCARD and (best[1] is None or score > best[1]):
                best = (article_id, round(score, 4))
        return best

    def ingest(
        self,
        sources: Sequence[str] | str,
        *,
        progress: bool = True,
        on_error: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Analyse and store every article of `sources` (files, folders, JSONL, feeds, URLs).

        Each article is committed on its own, so an interrupted run loses nothing stored and a rerun skips it.
        Bad records are reported through `on_error` (one line each) and skipped.
        """
        if isinstance(sources, str):
            sources = [sources]
        left_out: list[str] = []  # unreadable subfolders, named pipes and the like inside folders
        expanded = ing.expand_sources(list(sources), left_out)
        total = ing.estimate_records(expanded)
        started = time.perf_counter()
        added = duplicates = near = claims = 0
        errors: list[str] = []
        ids: list[int] = []
        interrupted = False

        def record_error(message: str) -> None:
            errors.append(message)
            if on_error:
                on_error(message)

        for message in left_out:
            record_error(message)

        bar = _Progress(total, enabled=progress)
        try:
            with bar:
                for item in self._ahead(ing.iter_items(expanded, self.settings)):
                    if item.document is None:
                        record_error(item.error or f"{item.where}: unreadable")
                        bar.advance()
                        continue
                    try:
                        article_id, is_new, n_claims, is_near = self._add(item.document)
                    except (StoreError, ModelError):
                        raise
                    except NewsauditError as exc:
                        record_error(f"{item.where}: {exc}")
                        bar.advance()
                        continue
                    if is_new:
                        added += 1
                        ids.append(article_id)
                        claims += n_claims
                        near += is_near
                    else:
                        duplicates += 1
                    bar.advance(added=added, duplicates=duplicates, errors=len(errors))
        except KeyboardInterrupt:
            interrupted = True
        report = IngestReport(
            added=added,
            duplicates=duplicates,
            near_duplicates=near,
            claims=claims,
            errors=errors,
            seconds=round(time.perf_counter() - started, 3),
            interrupted=interrupted,
            article_ids=ids,
        )
        if interrupted:
            raise IngestInterrupted(report)
        return report

    # ------------------------------------------------------------------ queries

    def search(
        self,
        query: str,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        technique: str | None = None,
        source_kind: str | None = None,
        limit: int = 20,
    ) -> SearchResult:
        """Full-text search over article titles and texts and over claims, with filters; QueryError if empty.

        Words must all occur ("quoted phrases" in order); FTS5 syntax is not interpreted. Dates compare the
        publication day, else the ingest day. `source_kind` keeps articles with a source of that kind and claims
        attributed to one.
        """
        terms = parse_query(query)
        filters = make_filters(outlet, since, until, technique, source_kind)
        limit = _check_limit(limit)
        return SearchResult(
            query,
            filters,
            self.store.search_articles(terms, filters, limit),
            self.store.search_claims(terms, filters, limit),
        )

    def match(
        self, text: str | None = None, article_id: int | None = None, k: int = 10, *, claim_id: int | None = None
    ) -> MatchResult:
        """The most similar fact-checked claims and the most similar claims in other stored articles, for a text,
        every claim of a stored article, or one stored claim."""
        return match_claims(self.store, self.indexes, text=text, article_id=article_id, k=k, claim_id=claim_id)

    def trace(
        self, text: str | None = None, claim_id: int | None = None, threshold: float = SAME_CLAIM_COSINE
    ) -> TraceResult:
        """The claim's history: outlets that carried it (or a near-identical one), when first, credited to whom."""
        return trace_claim(self.store, self.indexes, text=text, claim_id=claim_id, threshold=threshold)

    def reembed(self) -> int:
        """Re-embed every stored claim with the current embedding model; returns how many claims it embedded."""
        return self.indexes.reembed()

    def articles(
        self,
        filters: dict[str, Any] | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> ArticlePage:
        """A page of articles, newest first; `filters` keys: outlet, since, until, technique, source_kind."""
        filters = dict(filters or {})
        unknown = set(filters) - {"outlet", "since", "until", "technique", "source_kind"}
        if unknown:
            raise QueryError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        if offset < 0:
            raise QueryError(f"offset must not be negative, got {offset}")
        return self.store.articles(make_filters(**filters), offset, _check_limit(limit))

    def article(self, article_id: int) -> StoredArticle | None:
        """One stored article with its analysed Document JSON, or None."""
        return self.store.article(int(article_id))

    def delete(self, article_id: int) -> bool:
        """Remove an article with its claims; returns whether it existed."""
        return self.store.delete_article(int(article_id))

    def add_factchecks(self, records: Iterable[Any]) -> int:
        """Store fact-checks (FactCheck objects); returns how many were new."""
        return self.store.add_factchecks(records)

    def stats(self) -> CorpusStats:
        """Per outlet: techniques per 1,000 words, the sourcing profile, and both month by month."""
        overall: dict[str | None, _Tally] = {}
        monthly: dict[str | None, dict[str, _Tally]] = {}
        names: dict[str | None, str | None] = {}
        for row in self.store.profile_rows():
            key = row["outlet"].casefold() if row["outlet"] else None
            names.setdefault(key, row["outlet"])
            overall.setdefault(key, _Tally()).add(row)
            monthly.setdefault(key, {}).setdefault(row["month"] or "unknown", _Tally()).add(row)
        outlets = [
            OutletStats(names[key], tally.stats(), {m: t.stats() for m, t in sorted(monthly[key].items())})
            for key, tally in sorted(overall.items(), key=lambda kv: (-kv[1].articles, kv[0] or ""))
        ]
        return CorpusStats(self.store.counts(), outlets)


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during ingest; carries the report of what was committed before it."""

    def __init__(self, report: IngestReport):
        super().__init__("ingest interrupted")
        self.report = report


def _check_limit(limit: int) -> int:
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    return int(limit)


class _Progress:
    """A rich progress bar on stderr with rate and ETA (a no-op when disabled)."""

    def __init__(self, total: int | None, *, enabled: bool):
        self.enabled = enabled
        self.total = total
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("ingest"),
                BarColumn(bar_width=20),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[info]}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("ingest", total=self.total, rate="", info="")
        return self

    def advance(self, **info: int) -> None:
        if self._progress is None:
            return
        self._progress.advance(self._task)
        task = self._progress.tasks[0]
        speed = task.speed
        fields: dict[str, str] = {"rate": f"{speed:.1f} art/s" if speed else ""}
        if info:
            added, dup, bad = info.get("added", 0), info.get("duplicates", 0), info.get("errors", 0)
            fields["info"] = f"+{added} new, {dup} dup, {bad} bad"
        self._progress.update(self._task, **fields)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
