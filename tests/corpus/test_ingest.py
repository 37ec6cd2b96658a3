"""Ingestion: idempotent, resumable after SIGKILL, bad records skipped with one line, near-duplicates linked."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsaudit.corpus import Corpus
from newsaudit.corpus.ingest import content_hash, estimated_jaccard, minhash, parse_day, shingles
from newsaudit.document import Document
from newsaudit.errors import InputError
from newsaudit.settings import Settings

RULES = Settings(use_models=False)


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsaudit.cli", "--no-models", *args], capture_output=True, text=True, timeout=timeout
    )


def _rows(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT hash, text FROM articles ORDER BY id").fetchall()
    finally:
        conn.close()


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_midway_then_rerun_loses_nothing_and_duplicates_nothing(tmp_path: Path, write_folder) -> None:
    n = 30
    folder = write_folder(tmp_path / "articles", n, sentences=25)
    db = tmp_path / "corpus.db"
    cmd = [
        sys.executable,
        "-m",
        "newsaudit.cli",
        "--no-models",
        "ingest",
        str(folder),
        "--db",
        str(db),
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    killed_at = None
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and _count(db) >= 3:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed_at = _count(db)
            break
        time.sleep(0.005)
    assert killed_at is not None, "ingest finished (or stalled) before it could be killed"
    assert 3 <= killed_at < n, killed_at
    before = _rows(db)
    assert len(before) == killed_at

    proc2 = _cli("ingest", str(folder), "--db", str(db), "--no-progress", "--json")
    assert proc2.returncode == 0, proc2.stderr
    report = json.loads(proc2.stdout)
    assert report["duplicates"] == killed_at and report["added"] == n - killed_at
    after = _rows(db)
    assert after[: len(before)] == before  # what was committed is untouched
    hashes = [h for h, _ in after]
    assert len(hashes) == len(set(hashes)) == n
    expected = {json.loads(p.read_text("utf-8"))["text"] for p in folder.iterdir()}
    assert {t for _, t in after} == expected


def test_reingesting_the_same_files_adds_nothing(tmp_path: Path, write_folder, write_jsonl, make_article) -> None:
    folder = write_folder(tmp_path / "a", 5)
    batch = write_jsonl(tmp_path / "b.jsonl", [make_article(i) for i in range(5, 9)])
    with Corpus(tmp_path / "c.db", RULES) as corpus:
        first = corpus.ingest([str(folder), str(batch)], progress=False)
        counts = corpus.store.counts()
        second = corpus.ingest([str(folder), str(batch)], progress=False)
        assert (first.added, first.duplicates) == (9, 0)
        assert (second.added, second.duplicates) == (0, 9)
        assert corpus.store.counts() == counts
        # Same text up to case and whitespace is the same article.
        text = make_article(2)["text"]
        _, added = corpus.add_document(Document(text="  " + text.upper().replace(" ", "\n  ")))
        assert not added


def test_malformed_records_are_reported_and_skipped(tmp_path: Path, make_article) -> None:
    batch = tmp_path / "batch.jsonl"
    good = [json.dumps(make_article(i)) for i in range(3)]
    batch.write_text("\n".join([good[0], '{"title": "no text here"}', "{not json", good[1], "[1, 2]", good[2]]) + "\n")
    errors: list[str] = []
    with Corpus(tmp_path / "c.db", RULES) as corpus:
        report = corpus.ingest([str(batch)], progress=False, on_error=errors.append)
    assert report.added == 3
    assert len(report.errors) == 3 and errors == report.errors
    assert all("\n" not in e and "batch.jsonl" in e and "line" in e for e in report.errors)


def test_cli_reports_a_malformed_record_on_one_line_without_traceback(tmp_path: Path, make_article) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(make_article(0)) + "\n{broken\n", encoding="utf-8")
    proc = _cli("ingest", str(batch), "--db", str(tmp_path / "c.db"), "--no-progress")
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr
    skipped = [line for line in proc.stderr.splitlines() if line.startswith("newsaudit: skipped:")]
    assert len(skipped) == 1 and "line 2" in skipped[0]
    assert "1 added" in proc.stdout


def test_unpaired_surrogates_are_refused_per_record_and_the_rest_stored(tmp_path: Path, make_article) -> None:
    # A JSON "\\ud800" escape used to reach the hash / SQLite as a lone surrogate: an internal error ended the run
    batch = tmp_path / "batch.jsonl"
    lines = [r'{"text": "Officials said \ud800 the pier shut."}', r'{"text": "The pier shut.", "title": "\udc00"}']
    batch.write_text("\n".join([*lines, json.dumps(make_article(0))]) + "\n", encoding="utf-8")
    proc = _cli("ingest", str(batch), "--db", str(tmp_path / "c.db"), "--no-progress")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    skipped = [line for line in proc.stderr.splitlines() if line.startswith("newsaudit: skipped:")]
    assert len(skipped) == 2 and all("unpaired UTF-16 surrogate" in line for line in skipped)
    assert "1 added" in proc.stdout
    with Corpus(tmp_path / "c.db", RULES) as corpus, pytest.raises(InputError, match="title has an unpaired"):
        corpus.add_document(Document(text="The pier shut.", title="\ud800"))


def test_a_date_past_the_c_int_range_is_no_date() -> None:
    assert parse_day("Mon, 01 Jan 99999999999 00:00:00 +0000") is None  # used to raise OverflowError


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_in_a_folder_is_reported_not_read(tmp_path: Path, make_article) -> None:
    # Reading a FIFO blocks until someone writes to it: the ingest of the folder used to hang there forever
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(make_article(0)), encoding="utf-8")
    os.mkfifo(folder / "b-pipe")
    (folder / "c.json").write_text(json.dumps(make_article(1)), encoding="utf-8")
    proc = _cli("ingest", str(folder), "--db", str(tmp_path / "c.db"), "--no-progress", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert f"newsaudit: skipped: {folder / 'b-pipe'} is a named pipe, not a file" in proc.stderr
    assert "2 added" in proc.stdout and "1 skipped" in proc.stdout
    only = tmp_path / "only"
    only.mkdir()
    os.mkfifo(only / "pipe")
    proc = _cli("ingest", str(only), "--db", str(tmp_path / "c.db"), "--no-progress", timeout=60)
    assert proc.returncode == 2 and "has no files to ingest" in proc.stderr and "named pipe" in proc.stderr


def test_unreadable_subfolder_is_reported(tmp_path: Path, make_article) -> None:
    # os.walk skipped a folder it could not list without a word: its articles were silently left out
    folder = tmp_path / "articles"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps(make_article(0)), encoding="utf-8")
    (folder / "locked" / "b.json").write_text(json.dumps(make_article(1)), encoding="utf-8")
    (folder / "locked").chmod(0)
    try:
        if os.access(folder / "locked", os.R_OK):
            pytest.skip("this user can read a folder with no permissions (root)")
        errors: list[str] = []
        with Corpus(tmp_path / "c.db", RULES) as corpus:
            report = corpus.ingest([str(folder)], progress=False, on_error=errors.append)
    finally:
        (folder / "locked").chmod(0o755)
    assert report.added == 1
    assert errors == [f"cannot read folder {folder / 'locked'}: Permission denied"]


def test_missing_source_is_an_error(tmp_path: Path) -> None:
    proc = _cli("ingest", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "c.db"), "--no-progress")
    assert proc.returncode == 2 and proc.stderr.startswith("newsaudit: error: no such file")
    assert "Traceback" not in proc.stderr


def test_near_duplicates_are_linked_and_distinct_articles_are_not(corpus: Corpus, make_article) -> None:
    base = make_article(4, sentences=14)["text"]
    original, _ = corpus.add_document(Document(text=base, outlet="Valley Post"))
    sentences = base.split(". ")
    edited = ". ".join([*sentences[:5], "A spokesperson declined to comment on the figures", *sentences[6:]])
    copy_id, added = corpus.add_document(Document(text=edited + " Additional reporting by staff.", outlet="Wire"))
    assert added
    other_id, _ = corpus.add_document(Document(text=make_article(7, sentences=14)["text"]))
    copy, other = corpus.article(copy_id), corpus.article(other_id)
    assert copy.summary.near_duplicate_of == original and copy.summary.similarity >= 0.5
    assert other.summary.near_duplicate_of is None
    assert copy_id in corpus.article(original).near_duplicates


def test_ingest_stores_claims_with_their_attribution(corpus: Corpus, make_article) -> None:
    a = make_article(3)
    article_id, _ = corpus.add_document(Document(text=a["text"], outlet=a["outlet"], published=a["published"]))
    stored = corpus.article(article_id)
    doc = Document.from_dict(stored.document)
    doc.check_offsets()
    claims = corpus.store.claims_of_article(article_id)
    assert [c.id for c in claims] == stored.claim_ids and len(claims) == len(doc.claims) > 0
    for c, dc in zip(claims, doc.claims, strict=True):
        assert a["text"][c.start : c.end] == c.text == dc.span.text
        if dc.attribution is not None:
            source = doc.attributions[dc.attribution].source
            assert c.source_text == (source.span.text if source else None)
    assert stored.summary.day == a["published"] and stored.summary.outlet == a["outlet"]


WORDS = st.sampled_from(
    [
        "the",
        "council",
        "said",
        "water",
        "prices",
        "rose",
        "by",
        "percent",
        "in",
        "march",
        "officials",
        "told",
        "reporters",
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(WORDS, min_size=3, max_size=12), min_size=1, max_size=6), st.sampled_from([" ", "\n\n"]))
def test_stored_claim_offsets_slice_the_article(tmp_path_factory, sentences: list[list[str]], sep: str) -> None:
    text = sep.join(" ".join(words).capitalize() + "." for words in sentences)
    with Corpus(tmp_path_factory.mktemp("h") / "c.db", RULES) as corpus:
        article_id, _ = corpus.add_document(Document(text=text))
        for claim in corpus.store.claims_of_article(article_id):
            assert text[claim.start : claim.end] == claim.text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=5, max_size=80), st.lists(st.integers(0, 60), min_size=5, max_size=80))
def test_minhash_estimates_jaccard(a: list[int], b: list[int]) -> None:
    ta, tb = " ".join(f"w{x}" for x in a), " ".join(f"w{x}" for x in b)
    sa, sb = shingles(ta), shingles(tb)
    true = len(sa & sb) / len(sa | sb)
    est = estimated_jaccard(minhash(ta).values, minhash(tb).values)
    assert abs(est - true) < 0.3  # 128 permutations: standard error <= 0.045
    assert minhash(ta).bands == minhash(ta).bands


def test_hash_and_dates() -> None:
    assert content_hash("A  b\nC") == content_hash("a b c") != content_hash("a b d")
    assert parse_day("2024-03-01T10:00:00Z") == "2024-03-01"
    assert parse_day("Fri, 01 Mar 2024 10:00:00 +0000") == "2024-03-01"
    assert parse_day("last Tuesday") is None
    assert np.array_equal(minhash("one two three four").values, minhash("ONE two  three four").values)


def test_sigint_commits_what_was_done_and_a_rerun_finishes(tmp_path: Path, write_folder) -> None:
    n = 90  # about 3 s of work left after the second commit: a loaded machine still delivers the signal midway
    folder = write_folder(tmp_path / "articles", n, sentences=25)
    db = tmp_path / "corpus.db"
    cmd = [sys.executable, "-m", "newsaudit.cli", "--no-models", "ingest", str(folder), "--db", str(db)]
    proc = subprocess.Popen([*cmd, "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not (db.exists() and _count(db) >= 2):
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "interrupted" in err and "Traceback" not in err
    committed = _count(db)
    assert 2 <= committed < n
    again = _cli("ingest", str(folder), "--db", str(db), "--no-progress", "--json")
    report = json.loads(again.stdout)
    assert (report["duplicates"], report["added"]) == (committed, n - committed)
    assert len({h for h, _ in _rows(db)}) == n


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valley Post</title><link>https://valley.example/</link><description>news</description>
<item><title>Ferry cancelled</title><link>https://valley.example/ferry</link>
<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>The ferry to Ivel was cancelled on Monday, the harbour master said.</p>
<p>Fares will rise by 8 percent in April, according to the operator.</p>]]></content:encoded></item>
<item><title>Library hours</title><link>https://valley.example/library</link>
<pubDate>Wed, 06 Mar 2024 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>The central library will open on Sundays from May, the council said.</p>]]>
</content:encoded></item>
</channel></rss>
"""


def test_feed_file_and_mixed_folder(tmp_path: Path, make_article) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.xml").write_text(RSS, encoding="utf-8")
    (tmp_path / "in" / "note.txt").write_text(make_article(1)["text"], encoding="utf-8")
    (tmp_path / "in" / ".hidden.txt").write_text("ignored", encoding="utf-8")
    with Corpus(tmp_path / "c.db", RULES) as corpus:
        report = corpus.ingest([str(tmp_path / "in")], progress=False)
        assert report.added == 3 and not report.errors, report.errors
        hits = corpus.search("ferry").articles
        assert len(hits) == 1 and hits[0].published is not None
        article = corpus.article(hits[0].article_id)
        assert article.summary.day == "2024-03-05" and article.summary.url == "https://valley.example/ferry"
        assert article.summary.outlet  # from the feed, else the URL's host


def test_feed_and_article_urls_on_loopback(tmp_path: Path, make_article) -> None:
    import http.server
    import threading
    from functools import partial

    site = tmp_path / "site"
    site.mkdir()
    (site / "feed.xml").write_text(RSS, encoding="utf-8")
    (site / "story.txt").write_text(make_article(5)["text"], encoding="utf-8")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with Corpus(tmp_path / "c.db", Settings(use_models=False, allow_private_urls=True)) as corpus:
            report = corpus.ingest([f"{base}/feed.xml", f"{base}/story.txt"], progress=False)
            assert report.added == 3 and not report.errors, report.errors
        with Corpus(tmp_path / "d.db", RULES) as corpus:  # loopback refused without the explicit setting
            report = corpus.ingest([f"{base}/story.txt"], progress=False)
            assert report.added == 0 and len(report.errors) == 1 and "\n" not in report.errors[0]
    finally:
        server.shutdown()


def test_ingest_prepares_the_encoder_ahead_for_new_articles_only(
    tmp_path: Path, write_folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsaudit.analysis.steps import ModelStep
    from newsaudit.models.audit_model import model_available

    if not model_available():
        pytest.skip("no trained model shipped")
    prepared: list[str] = []
    real = ModelStep.prepare

    def counting(self: ModelStep, doc: Document) -> None:
        if "newsaudit.model_output" not in {key[0] for key in doc.cache if isinstance(key, tuple)}:
            prepared.append(doc.text)
        real(self, doc)

    monkeypatch.setattr(ModelStep, "prepare", counting)
    folder = write_folder(tmp_path / "a", 3)
    with Corpus(tmp_path / "c.db", Settings()) as corpus:
        assert corpus.ingest([str(folder)], progress=False).added == 3
        assert len(prepared) == 3
        prepared.clear()
        assert corpus.ingest([str(folder)], progress=False).duplicates == 3
        assert prepared == []  # stored articles are neither analysed nor encoded again
