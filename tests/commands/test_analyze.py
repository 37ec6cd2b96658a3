"""`newsaudit analyze` in-process: outputs by format, and bad input as one line on stderr with exit code 2."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from newsaudit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--no-models", "analyze", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str, *parts: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("newsaudit: error: ")
    assert "Traceback" not in err
    for part in parts:
        assert part in lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ARTICLE = (
    "Harbour shut after storm\n\n"
    "The harbour at Kellmouth was closed on Tuesday after a storm damaged the main pier, the port authority said.\n\n"
    "About 300 fishing boats were unable to leave, according to the fishermen's association.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


# ---- outputs -----------------------------------------------------------------------------------------------


def test_bundled_example_to_html(capsys, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    code, out, err = run(capsys, "-o", str(report))
    assert code == 0, err
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "Varrow" in page
    assert out == ""
    assert err.strip() == f"newsaudit: wrote {report}"


def test_report_file_gets_the_usual_permissions(capsys, article: Path, tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        code, _, _ = run(capsys, str(article), "-o", str(tmp_path / "r.json"))
    finally:
        os.umask(mask)
    assert code == 0
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o644


def test_feed_gives_one_json_line_per_entry(capsys, tmp_path: Path) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Courier</title>'
        "<item><title>One</title><description>The pier was closed, officials said.</description></item>"
        "<item><title>Two</title><description>About 300 boats stayed in port.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    code, out, err = run(capsys, str(feed))
    assert code == 0, err
    titles = [json.loads(line)["article"]["title"] for line in out.splitlines()]
    assert titles == ["One", "Two"]


def test_json_output_keeps_the_exact_text(capsys, tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    text = ARTICLE.replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    out_path = tmp_path / "out.json"
    code, _, err = run(capsys, str(path), "-o", str(out_path))
    assert code == 0, err
    data = json.loads(out_path.read_text(encoding="utf-8"))
    assert data["schema"] == "newsaudit/1"
    assert data["article"]["text"] == text
    assert data["article"]["title"] == "Harbour shut after storm"
    for claim in data["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_format_flag_and_stdout(capsys, article: Path) -> None:
    code, out, _ = run(capsys, str(article), "--format", "json")
    assert code == 0
    assert json.loads(out)["article"]["text"] == ARTICLE
    code, out, _ = run(capsys, str(article))
    assert code == 0
    assert "Harbour shut after storm" in out  # the terminal summary


def test_text_output_file(capsys, article: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.txt"
    code, _, _ = run(capsys, str(article), "-o", str(summary))
    assert code == 0
    assert "Harbour shut after storm" in summary.read_text(encoding="utf-8")
    assert "\x1b[" not in summary.read_text(encoding="utf-8")  # no colour codes in a file


def test_unknown_output_suffix(capsys, article: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, str(article), "-o", str(tmp_path / "out.pdf"))
    assert code == 2
    one_error_line(err, "cannot tell the output format", "--format")


def test_stdin(capsys, monkeypatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    code, out, _ = run(capsys, "-", "--format", "json")
    assert code == 0
    assert json.loads(out)["article"]["text"] == ARTICLE


# ---- bad input: one line, exit 2, no traceback -------------------------------------------------------------


def test_empty_file(capsys, tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    one_error_line(err, "empty.txt is empty")


@pytest.mark.parametrize(
    ("data", "kind"), [(b"\x89PNG\r\n\x1a\n" + bytes(300), "a PNG image"), (b"abc\x00def" * 50, "NUL bytes")]
)
def test_binary_file(capsys, tmp_path: Path, data: bytes, kind: str) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(data)
    code, _, err = run(capsys, str(path))
    assert code == 2
    one_error_line(err, "photo.txt is", kind, "not text")


def test_50_mb_file_is_refused_above_the_limit(capsys, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse
    code, _, err = run(capsys, str(path))
    assert code == 2
    one_error_line(err, "huge.txt is larger than the 20 MB input limit", "--max-bytes")


def test_max_bytes_flag(capsys, article: Path) -> None:
    code, _, err = run(capsys, str(article), "--max-bytes", "100")
    assert code == 2
    one_error_line(err, "larger than the 100 bytes input limit")
    code, _, err = run(capsys, str(article), "--max-bytes", "1MB", "--format", "json")
    assert code == 0, err


def test_invalid_utf8_is_decoded_by_detection(capsys, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(ARTICLE.replace("fishermen's", "pêcheurs’").encode("cp1252"))
    code, out, err = run(capsys, str(path), "--format", "json")
    assert code == 0, err
    assert "pêcheurs’" in json.loads(out)["article"]["text"]


def test_undecodable_file(capsys, tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    code, _, err = run(capsys, str(path))
    assert code == 2
    one_error_line(err, "noise.txt is not valid UTF-8 and no other text encoding fits it")


def test_html_with_no_article(capsys, tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text("<html><body><nav><a href='/'>Home</a> <a href='/x'>World</a></nav></body></html>", "utf-8")
    code, _, err = run(capsys, str(path))
    assert code == 2
    one_error_line(err, "no article found in", "menu.html")


def test_unreachable_url(capsys) -> None:
    url = f"http://127.0.0.1:{closed_port()}/story"
    code, _, err = run(capsys, url, "--allow-private-urls")
    assert code == 2
    one_error_line(err, f"cannot fetch {url}", "connection failed")


def test_private_url_refused_without_the_flag(capsys) -> None:
    code, _, err = run(capsys, "http://127.0.0.1:9/story")
    assert code == 2
    one_error_line(err, "refused http://127.0.0.1:9/story", "loopback", "--allow-private-urls")
    code, _, err = run(capsys, "http://169.254.169.254/latest/meta-data/")
    assert code == 2
    one_error_line(err, "link-local")


def test_missing_file(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, str(tmp_path / "nope.txt"))
    assert code == 2
    one_error_line(err, "no such file")


# ---- JSONL batches ------------------------------------------------------------------------------------------


def test_jsonl_bad_line_is_skipped_and_the_rest_written(capsys, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"text": ARTICLE, "outlet": "Coast Courier"})
        + "\n{this is not json\n"
        + json.dumps({"text": "Officials said the ferry would run from Dunmore.", "title": "Ferry"})
        + "\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, str(batch))
    assert code == 0
    lines = out.strip().split("\n")
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["article"]["outlet"] == "Coast Courier"
    assert second["article"]["title"] == "Ferry"
    assert err.strip().splitlines() == [
        "newsaudit: skipped line 2: not valid JSON (Expecting property name enclosed in double quotes at column 2)"
    ]


def test_jsonl_to_file_and_all_bad(capsys, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"text": "One article, officials said."}\n[1]\n', encoding="utf-8")
    out_path = tmp_path / "results.jsonl"
    code, _, err = run(capsys, str(batch), "-o", str(out_path))
    assert code == 0
    assert len(out_path.read_text(encoding="utf-8").splitlines()) == 1
    assert "skipped line 2: a JSON array, not an object" in err

    bad = tmp_path / "bad.jsonl"
    bad.write_text("nope\n[2]\n", encoding="utf-8")
    code, _, err = run(capsys, str(bad), "-o", str(out_path))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[:2] == [
        "newsaudit: skipped line 1: not valid JSON (Expecting value at column 1)",
        "newsaudit: skipped line 2: a JSON array, not an object",
    ]
    assert lines[2] == f"newsaudit: error: no record of {bad} could be analysed (2 skipped)"
    # A failed run leaves the earlier output as it was, and no temporary file behind.
    assert len(out_path.read_text(encoding="utf-8").splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "batch.jsonl", "results.jsonl"]


def test_jsonl_lines_survive_unicode_line_separators(capsys, tmp_path: Path) -> None:
    text = "The mayor said\u2028the ferry would run.\u2029Officials agreed."
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"text": text}) + "\n" + json.dumps({"text": "Second one."}) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, str(batch))
    assert code == 0
    lines = out.splitlines()  # str.splitlines() breaks at U+2028 / U+2029 unless they are escaped
    assert [json.loads(line)["article"]["text"] for line in lines] == [text, "Second one."]


def test_batch_to_html_is_refused(capsys, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"text": "One."}\n', encoding="utf-8")
    code, _, err = run(capsys, str(batch), "-o", str(tmp_path / "r.html"))
    assert code == 2
    one_error_line(err, "HTML report holds one article")
