"""Corpus storage behind one small `Store` protocol, with a single-file SQLite (WAL, FTS5) implementation."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from newsaudit.corpus.records import (
    ArticlePage,
    ArticleRecord,
    ArticleSummary,
    Filters,
    SearchHit,
    StoredArticle,
    StoredClaim,
)
from newsaudit.errors import QueryError, StoreError
from newsaudit.matching.factchecks import FactCheck

SCHEMA_VERSION = 1
DEFAULT_DB = "newsaudit.db"  # in the current folder

SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    url TEXT,
    title TEXT,
    outlet TEXT,
    published TEXT,
    day TEXT,
    text TEXT NOT NULL,
    document TEXT NOT NULL,
    words INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    near_duplicate_of INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    similarity REAL,
    minhash BLOB
);
CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE, day);
CREATE INDEX articles_day ON articles(day);
CREATE INDEX articles_dup ON articles(near_duplicate_of);
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    source_text TEXT,
    source_kind TEXT,
    source_subtype TEXT,
    checkworthy REAL,
    embedding BLOB
);
CREATE INDEX claims_article ON claims(article_id);
CREATE INDEX claims_kind ON claims(source_kind);
CREATE TABLE techniques (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    technique TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    score REAL NOT NULL
);
CREATE INDEX techniques_name ON techniques(technique, article_id);
CREATE INDEX techniques_article ON techniques(article_id);
CREATE TABLE sources (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subtype TEXT,
    text TEXT NOT NULL
);
CREATE INDEX sources_kind ON sources(kind, article_id);
CREATE INDEX sources_article ON sources(article_id);
CREATE TABLE minhash_bands (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX minhash_bands_key ON minhash_bands(band, key);
CREATE INDEX minhash_bands_article ON minhash_bands(article_id);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE factchecks (
    id TEXT PRIMARY KEY,
    claim TEXT NOT NULL,
    title TEXT,
    rating TEXT,
    url TEXT,
    publisher TEXT,
    published TEXT,
    added_at TEXT NOT NULL
);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE claims_fts USING fts5(
    text, content='claims', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

EXPECTED_TABLES = {"articles", "claims", "techniques", "sources", "minhash_bands", "factchecks", "articles_fts"}

T = TypeVar("T")


@runtime_checkable
class Store(Protocol):
    """What the corpus needs from a database; a PostgreSQL backend would implement the same methods.

    Full-text queries arrive as a list of literal terms or phrases (never backend syntax), so each backend
    escapes them its own way.
    """

    path: str

    def close(self) -> None: ...
    def find_hash(self, digest: str) -> int | None: ...
    def add_article(self, record: ArticleRecord) -> tuple[int, bool]: ...
    def delete_article(self, article_id: int) -> bool: ...
    def near_duplicate_candidates(self, bands: Sequence[int]) -> list[tuple[int, bytes]]: ...
    def article(self, article_id: int) -> StoredArticle | None: ...
    def articles(self, filters: Filters, offset: int, limit: int) -> ArticlePage: ...
    def search_articles(self, terms: Sequence[str], filters: Filters, limit: int) -> list[SearchHit]: ...
    def search_claims(self, terms: Sequence[str], filters: Filters, limit: int) -> list[SearchHit]: ...
    def claim(self, claim_id: int) -> StoredClaim | None: ...
    def claims_by_id(self, ids: Sequence[int]) -> dict[int, StoredClaim]: ...
    def claims_of_article(self, article_id: int) -> list[StoredClaim]: ...
    def claims_missing_embeddings(self, limit: int) -> list[tuple[int, str]]: ...
    def set_claim_embeddings(self, items: Sequence[tuple[int, bytes]]) -> None: ...
    def iter_claim_embeddings(self, after_id: int = 0) -> Iterator[tuple[int, str, bytes]]: ...
    def claim_embeddings(self, ids: Sequence[int]) -> dict[int, bytes]: ...
    def claims_version(self) -> tuple[int, int]: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def has_claim_embeddings(self) -> bool: ...
    def clear_claim_embeddings(self) -> int: ...
    def add_factchecks(self, records: Iterable[FactCheck]) -> int: ...
    def iter_factchecks(self) -> Iterator[FactCheck]: ...
    def factchecks_by_id(self, ids: Sequence[str]) -> dict[str, FactCheck]: ...
    def factchecks_version(self) -> tuple[int, str]: ...
    def profile_rows(self) -> Iterator[dict[str, Any]]: ...
    def counts(self) -> dict[str, int]: ...


def _wrap(method: Callable[..., T]) -> Callable[..., T]:
    """Turn sqlite3 errors raised by a store method into one-line StoreErrors naming the file."""

    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(self: SqliteStore, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise StoreError(_describe(self.path, exc)) from exc
            except OverflowError as exc:  # an id or offset past SQLite's 64-bit integers
                raise QueryError(f"a number is too large for the corpus database ({exc})") from None

        return generator  # type: ignore[return-value]

    @functools.wraps(method)
    def wrapper(self: SqliteStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(_describe(self.path, exc)) from exc
        except OverflowError as exc:  # an id or offset past SQLite's 64-bit integers
            raise QueryError(f"a number is too large for the corpus database ({exc})") from None

    return wrapper


def _describe(path: str, exc: sqlite3.Error) -> str:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "not a database" in message or "malformed" in message:
        return f"{path} is not a newsaudit corpus or is corrupt ({message})"
    if "locked" in message or "busy" in message:
        return f"{path} is locked by another process ({message}); try again"
    if "readonly" in message:
        return (
            f"{path} cannot be written: the file or its folder is read-only (SQLite needs to write both, even to"
            f" read a WAL database) ({message})"
        )
    return f"corpus database {path}: {message}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteStore:
    """The default store: one SQLite file in WAL mode, one connection per thread, commit per article."""

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = 30.0, synchronous: str = "NORMAL"):
        self.path = str(path)
        self._timeout = timeout
        self._synchronous = synchronous
        self._local = threading.local()
        self._lock = threading.Lock()
        p = Path(self.path)
        if not self.path.strip():
            raise StoreError("the corpus database path is empty")
        if p.is_dir():
            raise StoreError(f"{self.path} is a folder, not a corpus database file")
        if not create and not p.exists():
            raise StoreError(f"no corpus at {self.path}; build one with `newsaudit ingest SOURCE --db {self.path}`")
        if not p.parent.exists():
            raise StoreError(f"cannot create corpus database {self.path}: folder {p.parent} does not exist")
        if not p.exists() and not os.access(p.parent, os.W_OK):
            raise StoreError(f"cannot create corpus database {self.path}: folder {p.parent} is not writable")
        self._connect()

    # ------------------------------------------------------------------ connections and schema

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            with self._lock:
                self._check_or_create(conn)
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise StoreError(_describe(self.path, exc)) from exc
        except StoreError:
            if conn is not None:
                conn.close()
            raise
        self._local.conn = conn
        with self._lock:
            self._all = [*getattr(self, "_all", []), conn]
        return conn

    def _check_or_create(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if not tables:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the database to WAL mode (got {mode})")
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                    for statement in _statements(SCHEMA):
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_version(version) VALUES (?)", (SCHEMA_VERSION,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return
        if "schema_version" not in tables:
            raise StoreError(f"{self.path} is an SQLite database but not a newsaudit corpus (no schema_version table)")
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        version = row[0] if row else None
        if version is None:
            raise StoreError(f"{self.path} has an empty schema_version table; not a usable newsaudit corpus")
        if not isinstance(version, int):
            raise StoreError(f"{self.path} has a non-numeric schema version {version!r}; not a newsaudit corpus")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} uses corpus schema {version}, newer than this newsaudit ({SCHEMA_VERSION}); upgrade"
            )
        if version < SCHEMA_VERSION:
            raise StoreError(f"{self.path} uses corpus schema {version}; this newsaudit needs {SCHEMA_VERSION}")
        missing = EXPECTED_TABLES - tables
        if missing:
            raise StoreError(f"{self.path} is missing corpus table(s) {', '.join(sorted(missing))}")

    @property
    def conn(self) -> sqlite3.Connection:
        return self._connect()

    def close(self) -> None:
        """Close every connection this store opened (checkpointing the WAL when it is the last one)."""
        with self._lock:
            conns, self._all = list(getattr(self, "_all", [])), []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    def _tx(self) -> _Transaction:
        return _Transaction(self.conn)

    def _rows_in(self, sql: str, ids: Sequence[Any], chunk: int = 500) -> Iterator[sqlite3.Row]:
        """Rows of `sql` (with one `IN ({})` slot) for every id, queried in chunks under SQLite's variable limit."""
        ids = list(ids)
        for i in range(0, len(ids), chunk):
            part = ids[i : i + chunk]
            yield from self.conn.execute(sql.format(",".join("?" * len(part))), part)

    # ------------------------------------------------------------------ articles

    @_wrap
    def find_hash(self, digest: str) -> int | None:
        row = self.conn.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
        return None if row is None else int(row[0])

    @_wrap
    def add_article(self, record: ArticleRecord) -> tuple[int, bool]:
        """Insert an article with its claims, techniques, sources and MinHash bands in one committed transaction.

        Returns (new id, True), or (existing id, False) when an article with the same hash is already stored.
        """
        with self._tx() as conn:
            row = conn.execute("SELECT id FROM articles WHERE hash = ?", (record.hash,)).fetchone()
            if row is not None:
                return int(row[0]), False
            cur = conn.execute(
                "INSERT INTO articles(hash, url, title, outlet, published, day, text, document, words, ingested_at,"
                " near_duplicate_of, similarity, minhash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.hash,
                    record.url,
                    record.title,
                    record.outlet,
                    record.published,
                    record.day,
                    record.text,
                    json.dumps(record.document, ensure_ascii=False),
                    record.words,
                    record.ingested_at,
                    record.near_duplicate_of,
                    record.similarity,
                    record.minhash,
                ),
            )
            article_id = int(cur.lastrowid or 0)
            conn.executemany(
                'INSERT INTO claims(article_id, idx, start, "end", text, source_text, source_kind, source_subtype,'
                " checkworthy, embedding) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        article_id,
                        c.idx,
                        c.start,
                        c.end,
                        c.text,
                        c.source_text,
                        c.source_kind,
                        c.source_subtype,
                        c.checkworthy,
                        c.embedding,
                    )
                    for c in record.claims
                ],
            )
            conn.executemany(
                'INSERT INTO techniques(article_id, technique, start, "end", score) VALUES (?,?,?,?,?)',
                [(article_id, *t) for t in record.techniques],
            )
            conn.executemany(
                "INSERT INTO sources(article_id, kind, subtype, text) VALUES (?,?,?,?)",
                [(article_id, *s) for s in record.sources],
            )
            conn.executemany(
                "INSERT INTO minhash_bands(band, key, article_id) VALUES (?,?,?)",
                [(band, key, article_id) for band, key in enumerate(record.bands)],
            )
            return article_id, True

    @_wrap
    def delete_article(self, article_id: int) -> bool:
        with self._tx() as conn:
            return conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

    @_wrap
    def near_duplicate_candidates(self, bands: Sequence[int]) -> list[tuple[int, bytes]]:
        """Stored articles sharing at least one LSH band with `bands`, with their MinHash signatures."""
        if not bands:
            return []
        clauses = " OR ".join("(band = ? AND key = ?)" for _ in bands)
        params: list[int] = [v for band, key in enumerate(bands) for v in (band, key)]
        rows = self.conn.execute(
            f"SELECT id, minhash FROM articles WHERE id IN (SELECT article_id FROM minhash_bands WHERE {clauses})",
            params,
        ).fetchall()
        return [(int(r["id"]), bytes(r["minhash"] or b"")) for r in rows]

    _SUMMARY_COLUMNS = (
        "a.id, a.title, a.url, a.outlet, a.published, a.day, a.ingested_at, a.words, a.near_duplicate_of,"
        " a.similarity, (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS n_claims,"
        " (SELECT count(*) FROM techniques t WHERE t.article_id = a.id) AS n_techniques"
    )

    @staticmethod
    def _summary(row: sqlite3.Row) -> ArticleSummary:
        return ArticleSummary(
            id=int(row["id"]),
            title=row["title"],
            url=row["url"],
            outlet=row["outlet"],
            published=row["published"],
            day=row["day"],
            ingested_at=row["ingested_at"],
            words=int(row["words"]),
            claims=int(row["n_claims"]),
            techniques=int(row["n_techniques"]),
            near_duplicate_of=row["near_duplicate_of"],
            similarity=row["similarity"],
        )

    @_wrap
    def article(self, article_id: int) -> StoredArticle | None:
        conn = self.conn
        row = conn.execute(
            f"SELECT {self._SUMMARY_COLUMNS}, a.document FROM articles a WHERE a.id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        claim_ids = [
            int(r[0]) for r in conn.execute("SELECT id FROM claims WHERE article_id = ? ORDER BY idx", (article_id,))
        ]
        dups = [int(r[0]) for r in conn.execute("SELECT id FROM articles WHERE near_duplicate_of = ?", (article_id,))]
        return StoredArticle(self._summary(row), json.loads(row["document"]), claim_ids, dups)

    @staticmethod
    def _where(filters: Filters, alias: str = "a", claim_alias: str | None = None) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        seen = f"coalesce({alias}.day, substr({alias}.ingested_at, 1, 10))"
        if filters.outlet:
            clauses.append(f"{alias}.outlet = ? COLLATE NOCASE")
            params.append(filters.outlet)
        if filters.since:
            clauses.append(f"{seen} >= ?")
            params.append(filters.since)
        if filters.until:
            clauses.append(f"{seen} <= ?")
            params.append(filters.until)
        if filters.technique:
            clauses.append(f"EXISTS (SELECT 1 FROM techniques t WHERE t.article_id = {alias}.id AND t.technique = ?)")
            params.append(filters.technique)
        if filters.source_kind:
            if claim_alias:
                clauses.append(f"{claim_alias}.source_kind = ?")
            else:
                clauses.append(f"EXISTS (SELECT 1 FROM sources s WHERE s.article_id = {alias}.id AND s.kind = ?)")
            params.append(filters.source_kind)
        return (" AND ".join(clauses) or "1"), params

    @_wrap
    def articles(self, filters: Filters, offset: int, limit: int) -> ArticlePage:
        where, params = self._where(filters)
        conn = self.conn
        total = int(conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[0])
        rows = conn.execute(
            f"SELECT {self._SUMMARY_COLUMNS} FROM articles a WHERE {where}"
            " ORDER BY coalesce(a.day, substr(a.ingested_at, 1, 10)) DESC, a.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return ArticlePage(total, offset, limit, [self._summary(r) for r in rows])

    # ------------------------------------------------------------------ full-text search

    @staticmethod
    def fts_query(terms: Sequence[str]) -> str:
        """An FTS5 MATCH expression requiring every term, each quoted as a literal string or phrase."""
        return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)

    @_wrap
    def search_articles(self, terms: Sequence[str], filters: Filters, limit: int) -> list[SearchHit]:
        where, params = self._where(filters)
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.outlet, a.published, bm25(articles_fts, 2.0, 1.0) AS rank,"
            " snippet(articles_fts, 1, '[', ']', ' … ', 16) AS snip"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? AND {where} ORDER BY rank LIMIT ?",
            [self.fts_query(terms), *params, limit],
        ).fetchall()
        return [
            SearchHit("article", -float(r["rank"]), int(r["id"]), r["title"], r["outlet"], r["published"], r["snip"])
            for r in rows
        ]

    @_wrap
    def search_claims(self, terms: Sequence[str], filters: Filters, limit: int) -> list[SearchHit]:
        where, params = self._where(filters, claim_alias="c")
        rows = self.conn.execute(
            'SELECT c.id AS cid, c.start, c."end", c.text, a.id, a.title, a.outlet, a.published,'
            " bm25(claims_fts) AS rank, snippet(claims_fts, 0, '[', ']', ' … ', 24) AS snip"
            " FROM claims_fts JOIN claims c ON c.id = claims_fts.rowid JOIN articles a ON a.id = c.article_id"
            f" WHERE claims_fts MATCH ? AND {where} ORDER BY rank LIMIT ?",
            [self.fts_query(terms), *params, limit],
        ).fetchall()
        return [
            SearchHit(
                "claim",
                -float(r["rank"]),
                int(r["id"]),
                r["title"],
                r["outlet"],
                r["published"],
                r["snip"],
                claim_id=int(r["cid"]),
                start=int(r["start"]),
                end=int(r["end"]),
                text=r["text"],
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ claims

    _CLAIM_COLUMNS = (
        'c.id, c.article_id, c.idx, c.start, c."end", c.text, c.source_text, c.source_kind, c.checkworthy,'
        " a.outlet, a.title, a.url, a.published, a.day, a.ingested_at"
    )

    @staticmethod
    def _claim(r: sqlite3.Row) -> StoredClaim:
        return StoredClaim(
            id=int(r["id"]),
            article_id=int(r["article_id"]),
            idx=int(r["idx"]),
            start=int(r["start"]),
            end=int(r["end"]),
            text=r["text"],
            source_text=r["source_text"],
            source_kind=r["source_kind"],
            checkworthy=r["checkworthy"],
            outlet=r["outlet"],
            title=r["title"],
            url=r["url"],
            published=r["published"],
            day=r["day"],
            ingested_at=r["ingested_at"],
        )

    @_wrap
    def claim(self, claim_id: int) -> StoredClaim | None:
        row = self.conn.execute(
            f"SELECT {self._CLAIM_COLUMNS} FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = ?",
            (claim_id,),
        ).fetchone()
        return None if row is None else self._claim(row)

    @_wrap
    def claims_by_id(self, ids: Sequence[int]) -> dict[int, StoredClaim]:
        rows = self._rows_in(
            f"SELECT {self._CLAIM_COLUMNS} FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id IN ({{}})",
            ids,
        )
        return {int(r["id"]): self._claim(r) for r in rows}

    @_wrap
    def claims_of_article(self, article_id: int) -> list[StoredClaim]:
        rows = self.conn.execute(
            f"SELECT {self._CLAIM_COLUMNS} FROM claims c JOIN articles a ON a.id = c.article_id"
            " WHERE c.article_id = ? ORDER BY c.idx",
            (article_id,),
        ).fetchall()
        return [self._claim(r) for r in rows]

    @_wrap
    def claims_missing_embeddings(self, limit: int) -> list[tuple[int, str]]:
        rows = self.conn.execute("SELECT id, text FROM claims WHERE embedding IS NULL ORDER BY id LIMIT ?", (limit,))
        return [(int(r[0]), r[1]) for r in rows]

    @_wrap
    def set_claim_embeddings(self, items: Sequence[tuple[int, bytes]]) -> None:
        with self._tx() as conn:
            conn.executemany("UPDATE claims SET embedding = ? WHERE id = ?", [(e, i) for i, e in items])

    @_wrap
    def iter_claim_embeddings(self, after_id: int = 0) -> Iterator[tuple[int, str, bytes]]:
        cur = self.conn.execute(
            "SELECT id, text, embedding FROM claims WHERE embedding IS NOT NULL AND id > ? ORDER BY id", (after_id,)
        )
        for r in cur:
            yield int(r[0]), r[1], bytes(r[2])

    @_wrap
    def claim_embeddings(self, ids: Sequence[int]) -> dict[int, bytes]:
        rows = self._rows_in("SELECT id, embedding FROM claims WHERE embedding IS NOT NULL AND id IN ({})", ids)
        return {int(r[0]): bytes(r[1]) for r in rows}

    @_wrap
    def claims_version(self) -> tuple[int, int]:
        """(number of claims, largest claim id): changes whenever claims are added or deleted."""
        row = self.conn.execute("SELECT count(*), coalesce(max(id), 0) FROM claims").fetchone()
        return int(row[0]), int(row[1])

    @_wrap
    def get_meta(self, key: str) -> str | None:
        """A value of the corpus' key-value metadata (e.g. which model made the claim embeddings), None if unset."""
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a corpus created before the meta table existed
                return None
            raise
        return None if row is None else str(row[0])

    @_wrap
    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @_wrap
    def has_claim_embeddings(self) -> bool:
        return self.conn.execute("SELECT 1 FROM claims WHERE embedding IS NOT NULL LIMIT 1").fetchone() is not None

    @_wrap
    def clear_claim_embeddings(self) -> int:
        """Forget every stored claim embedding (before re-embedding with another model); returns how many."""
        with self._tx() as conn:
            return conn.execute("UPDATE claims SET embedding = NULL WHERE embedding IS NOT NULL").rowcount

    # ------------------------------------------------------------------ fact-checks

    @_wrap
    def add_factchecks(self, records: Iterable[FactCheck]) -> int:
        """Insert fact-checks by their stable id; ones already stored are left as they are. Returns how many are new."""
        added = 0
        now = _now()
        with self._tx() as conn:
            for fc in records:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO factchecks(id, claim, title, rating, url, publisher, published, added_at)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    (fc.id, fc.claim, fc.title, fc.rating, fc.url, fc.publisher, fc.published, now),
                )
                added += cur.rowcount
        return added

    @staticmethod
    def _factcheck(r: sqlite3.Row) -> FactCheck:
        return FactCheck(r["id"], r["claim"], r["title"], r["rating"], r["url"], r["publisher"], r["published"])

    @_wrap
    def iter_factchecks(self) -> Iterator[FactCheck]:
        for r in self.conn.execute(
            "SELECT id, claim, title, rating, url, publisher, published FROM factchecks ORDER BY rowid"
        ):
            yield self._factcheck(r)

    @_wrap
    def factchecks_by_id(self, ids: Sequence[str]) -> dict[str, FactCheck]:
        rows = self._rows_in(
            "SELECT id, claim, title, rating, url, publisher, published FROM factchecks WHERE id IN ({})", ids
        )
        return {r["id"]: self._factcheck(r) for r in rows}

    @_wrap
    def factchecks_version(self) -> tuple[int, str]:
        row = self.conn.execute("SELECT count(*), coalesce(max(added_at), '') FROM factchecks").fetchone()
        return int(row[0]), str(row[1])

    # ------------------------------------------------------------------ statistics

    @_wrap
    def profile_rows(self) -> Iterator[dict[str, Any]]:
        """Per article: outlet, month, words, technique counts by name, source counts by kind, claim counts."""
        conn = self.conn
        techniques: dict[int, dict[str, int]] = {}
        for r in conn.execute("SELECT article_id, technique, count(*) FROM techniques GROUP BY article_id, technique"):
            techniques.setdefault(int(r[0]), {})[r[1]] = int(r[2])
        sources: dict[int, dict[str, int]] = {}
        for r in conn.execute("SELECT article_id, kind, count(*) FROM sources GROUP BY article_id, kind"):
            sources.setdefault(int(r[0]), {})[r[1]] = int(r[2])
        claims: dict[int, tuple[int, int]] = {}
        for r in conn.execute("SELECT article_id, count(*), sum(source_kind IS NULL) FROM claims GROUP BY article_id"):
            claims[int(r[0])] = (int(r[1]), int(r[2] or 0))
        for r in conn.execute(
            "SELECT id, outlet, substr(coalesce(day, ingested_at), 1, 7) AS month, words FROM articles ORDER BY id"
        ):
            aid = int(r["id"])
            n_claims, unattributed = claims.get(aid, (0, 0))
            yield {
                "id": aid,
                "outlet": r["outlet"],
                "month": r["month"],
                "words": int(r["words"]),
                "techniques": techniques.get(aid, {}),
                "sources": sources.get(aid, {}),
                "claims": n_claims,
                "unattributed_claims": unattributed,
            }

    @_wrap
    def counts(self) -> dict[str, int]:
        conn = self.conn
        return {
            name: int(conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
            for name in ("articles", "claims", "techniques", "sources", "factchecks")
        }


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (including KeyboardInterrupt)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (triggers keep their inner semicolons)."""
    out: list[str] = []
    buf = ""
    for line in script.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """The store for a path (SQLite for now; a `postgresql://` URL would select another backend)."""
    text = str(path)
    if text.startswith(("postgres://", "postgresql://")):
        raise StoreError("PostgreSQL corpora are not supported yet; give a path to an SQLite file")
    return SqliteStore(path, create=create)
