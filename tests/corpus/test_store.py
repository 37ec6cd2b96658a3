"""The SQLite store: clear errors for unusable files, idempotent fact-checks, cascading deletes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsaudit.corpus import Corpus, SqliteStore, Store
from newsaudit.corpus.store import SCHEMA_VERSION, _describe
from newsaudit.document import Document
from newsaudit.errors import QueryError, StoreError
from newsaudit.matching import FactCheck
from newsaudit.settings import Settings

RULES = Settings(use_models=False)


def test_sqlite_store_implements_the_protocol(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "c.db")
    assert isinstance(store, Store)
    mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_an_id_past_sqlite_integers_is_a_query_error(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "c.db")
    with pytest.raises(QueryError, match="too large for the corpus database"):
        store.article(10**30)
    store.close()


def test_garbage_file_is_a_one_line_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00\x17garbage, not a database at all\xff" * 200)
    with pytest.raises(StoreError) as info:
        Corpus(bad, RULES)
    message = str(info.value)
    assert "not a newsaudit corpus or is corrupt" in message and "\n" not in message


@pytest.mark.parametrize("command", [["search", "water"], ["ingest", "__ARTICLE__"], ["trace", "x"]])
def test_cli_on_corrupt_database_prints_one_line(tmp_path: Path, command: list[str], make_article) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 2\x00" + b"\x13" * 5000)
    before = bad.read_bytes()
    article = tmp_path / "a.txt"
    article.write_text(make_article(1)["text"], encoding="utf-8")
    args = [a.replace("__ARTICLE__", str(article)) for a in command]
    proc = subprocess.run(
        [sys.executable, "-m", "newsaudit.cli", "--no-models", *args, "--db", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("newsaudit: error:"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert bad.read_bytes() == before  # the file is left as it was


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a newsaudit corpus"):
        SqliteStore(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(path)


def test_non_numeric_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 'two'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="non-numeric schema version 'two'"):  # was a TypeError comparing str to int
        SqliteStore(path)


def test_empty_path_and_unwritable_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="the corpus database path is empty"):
        SqliteStore("")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("this user can write a read-only folder (root)")
        with pytest.raises(StoreError, match=r"folder .*locked is not writable"):  # was 'unable to open database file'
            SqliteStore(locked / "c.db")
    finally:
        locked.chmod(0o755)


def test_read_only_database_message_names_the_problem() -> None:
    message = _describe("ro/c.db", sqlite3.OperationalError("attempt to write a readonly database"))
    assert message.startswith("ro/c.db cannot be written: the file or its folder is read-only")


def test_missing_database_is_an_error_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no corpus at"):
        Corpus(tmp_path / "nope.db", RULES, create=False)
    assert not (tmp_path / "nope.db").exists()
    with pytest.raises(StoreError, match="is a folder"):
        SqliteStore(tmp_path)


def test_reimporting_factchecks_changes_nothing(corpus: Corpus) -> None:
    records = [
        FactCheck("fc-1", "The river bridge in Arlen was never inspected.", "Was the bridge inspected?", "False"),
        FactCheck("fc-2", "Tap water prices doubled in Dunmere.", None, "Misleading", "https://example.org/2"),
    ]
    assert corpus.add_factchecks(records) == 2
    before = [fc.to_dict() for fc in corpus.store.iter_factchecks()]
    assert corpus.add_factchecks(records) == 0
    assert corpus.add_factchecks([FactCheck("fc-1", "changed text", None, "True")]) == 0
    assert [fc.to_dict() for fc in corpus.store.iter_factchecks()] == before
    assert corpus.store.counts()["factchecks"] == 2


def test_lookups_by_id_span_several_query_chunks(corpus: Corpus) -> None:
    records = [FactCheck(f"fc-{i}", f"Invented claim number {i}.", None, "False") for i in range(1203)]
    assert corpus.add_factchecks(records) == 1203
    wanted = [f"fc-{i}" for i in range(0, 1203, 2)] + ["fc-missing"]
    found = corpus.store.factchecks_by_id(wanted)
    assert sorted(found) == sorted(wanted[:-1])
    assert found["fc-1202"].claim == "Invented claim number 1202."
    assert corpus.store.claims_by_id(range(1, 1203)) == {}
    assert corpus.store.claim_embeddings(range(1, 1203)) == {}


def test_delete_cascades_to_claims_and_search(corpus: Corpus, make_article) -> None:
    a = make_article(1)
    article_id, added = corpus.add_document(Document(text=a["text"], title=a["title"], outlet=a["outlet"]))
    assert added and corpus.store.counts()["claims"] > 0
    assert corpus.search("Brisford").articles
    assert corpus.delete(article_id)
    assert corpus.store.counts()["claims"] == 0 and corpus.store.counts()["techniques"] == 0
    assert not corpus.search("Brisford").articles and not corpus.search("Brisford").claims
    assert corpus.article(article_id) is None
    assert not corpus.delete(article_id)


def test_committed_articles_survive_reopening(tmp_path: Path, make_article) -> None:
    path = tmp_path / "c.db"
    with Corpus(path, RULES) as c:
        ids = [c.add_document(Document(text=make_article(i)["text"]))[0] for i in range(3)]
    with Corpus(path, RULES) as c:
        assert [c.article(i).document["article"]["text"] for i in ids] == [make_article(i)["text"] for i in range(3)]
