"""`newsaudit ingest | search | match | trace | factchecks` in-process: hostile names and stored text stay on one
line and never drive the terminal; options the error messages name exist."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsaudit.cli import main
from newsaudit.commands import printable


class WordEmbedder:
    """Bag of words hashed into 32 dimensions: no model is loaded."""

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 32), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 32] += 1.0
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsaudit.corpus.api._default_embedder_factory", lambda settings: WordEmbedder)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--no-models", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_printable_shows_control_characters() -> None:
    assert printable("a\nb\x1b[31mc\td\x9b") == "a\\x0ab\\x1b[31mc\td\\x9b"
    assert printable("a\nb\x07", keep_newlines=True) == "a\nb\\x07"


def test_error_naming_a_path_with_a_newline_or_escape_is_one_line(capsys, tmp_path: Path) -> None:
    # the message used to print the name as is: two lines, and the escape sequence turned the terminal red
    code, _, err = cli(capsys, "analyze", str(tmp_path / "no\nsuch\x1b[31m.txt"))
    assert code == 2
    assert err.count("\n") == 1 and "\x1b" not in err
    assert err.startswith("newsaudit: error: no such file: ") and "no\\x0asuch\\x1b[31m.txt" in err


def test_ingest_has_the_options_its_messages_name(capsys, tmp_path: Path) -> None:
    # "raise it with --max-bytes" and "use --allow-private-urls" named options only `analyze` had
    article = tmp_path / "a.txt"
    article.write_text("The harbour was closed on Tuesday, the port authority said. " * 40, encoding="utf-8")
    db = str(tmp_path / "c.db")
    code, out, err = cli(capsys, "ingest", str(article), "--db", db, "--no-progress", "--max-bytes", "1k")
    assert code == 2 and "larger than the 1 kB input limit (raise it with --max-bytes)" in err
    code, out, err = cli(capsys, "ingest", str(article), "--db", db, "--no-progress", "--max-bytes", "1MB")
    assert code == 0 and out.startswith("1 added"), err
    code, out, err = cli(capsys, "ingest", "http://127.0.0.1:9/x", "--db", db, "--no-progress")
    assert "use --allow-private-urls" in err
    code, out, err = cli(capsys, "ingest", "http://127.0.0.1:9/x", "--allow-private-urls", "--db", db, "--no-progress")
    assert "refused http" not in err and "cannot fetch http://127.0.0.1:9/x" in err


def test_stored_escape_sequences_are_not_sent_to_the_terminal(capsys, tmp_path: Path, no_model) -> None:
    batch = tmp_path / "batch.jsonl"
    record = {
        "text": "Officials said the \x1b[31mred harbour reopened on Monday.",
        "title": "\x1b]0;pwned\x07Harbour",
        "outlet": "\x1b[5mCoast",
    }
    batch.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert cli(capsys, "ingest", str(batch), "--db", db, "--no-progress")[0] == 0
    for argv in (["search", "harbour"], ["match", "red harbour reopened"], ["trace", record["text"]]):
        code, out, err = cli(capsys, *argv, "--db", db)
        assert code == 0, err
        assert "\x1b" not in out and "\x07" not in out, argv
    code, out, _ = cli(capsys, "search", "harbour", "--json", "--db", db)
    assert json.loads(out)["articles"][0]["title"] == record["title"]  # stored as given, shown as \x1b
    code, out, _ = cli(capsys, "match", "red harbour reopened", "--db", db)
    assert "\\x1b[5mCoast" in out and "the \\x1b[31mred harbour" in out


def test_match_prints_publishers_that_look_like_markup(capsys, tmp_path: Path, no_model) -> None:
    # "[factcheck.org 2024-01-02]" was read as rich markup (the publisher vanished); "[/x ...]" raised MarkupError
    reviews = tmp_path / "reviews.json"
    reviews.write_text(
        json.dumps(
            [
                {"@type": "ClaimReview", "claimReviewed": "The harbour toll tripled", "author": "factcheck.org"},
                {"@type": "ClaimReview", "claimReviewed": "The harbour toll doubled", "author": {"name": "/x"}},
            ]
        ),
        encoding="utf-8",
    )
    db = str(tmp_path / "c.db")
    assert cli(capsys, "factchecks", "import", str(reviews), "--db", db)[0] == 0
    code, out, err = cli(capsys, "match", "The harbour toll tripled", "--db", db)
    assert code == 0, err
    assert "[factcheck.org ]" in out and "[/x ]" in out


def test_library_log_lines_are_not_printed_besides_the_error(tmp_path: Path) -> None:
    # trafilatura logged "ERROR parsed tree length: ..." and "ERROR empty HTML tree" above newsaudit's one line
    # (a subprocess: pytest's own log capture would hide them in-process)
    page = tmp_path / "catalog.html"
    page.write_text('<?xml version="1.0"?>\n<catalog><entry/></catalog>\n', encoding="utf-8")
    base = [sys.executable, "-m", "newsaudit.cli", "--no-models"]
    proc = subprocess.run([*base, "analyze", str(page)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("newsaudit: error: no article found"), proc.stderr
    debug = subprocess.run([*base, "--debug", "analyze", str(page)], capture_output=True, text=True, timeout=120)
    assert "empty HTML tree" in debug.stderr  # still there for --debug
