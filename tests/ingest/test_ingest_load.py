"""`ingest.load`: dispatch by URL, suffix and content; single articles versus batches."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ingest_http import ARTICLE_HTML, Route

from newsaudit.api import analyze
from newsaudit.document import Document
from newsaudit.errors import FetchError, InputError, RecordError
from newsaudit.ingest import SkippedRecord, load, load_document
from newsaudit.settings import Settings

TEXT = "Harbour shut\n\nThe harbour was closed on Tuesday, officials said.\n"


def test_text_file(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode())
    loaded = load(str(path))
    assert not loaded.batch
    (doc,) = list(loaded)
    assert doc.text == TEXT
    assert doc.title == "Harbour shut"


def test_html_file(tmp_path) -> None:
    path = tmp_path / "a.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    doc = load_document(str(path))
    assert doc.title == "Harbour shut after storm"


def test_unknown_suffix_is_sniffed(tmp_path) -> None:
    page = tmp_path / "page"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    assert load_document(str(page)).outlet == "Coast Courier"
    notes = tmp_path / "notes.log"
    notes.write_text(TEXT, encoding="utf-8")
    assert load_document(str(notes)).text == TEXT


def test_json_and_jsonl_files(tmp_path) -> None:
    single = tmp_path / "a.json"
    single.write_text(json.dumps({"text": "One article.", "outlet": "O"}), encoding="utf-8")
    assert load_document(str(single)).outlet == "O"
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"text": "One."}\nnot json\n{"text": "Two."}\n', encoding="utf-8")
    loaded = load(str(batch))
    assert loaded.batch
    assert [type(i).__name__ for i in loaded] == ["Document", "SkippedRecord", "Document"]


def test_jsonl_files_are_streamed_past_the_input_limit(tmp_path) -> None:
    batch = tmp_path / "big.jsonl"
    batch.write_text("".join(json.dumps({"text": f"Article {i}."}) + "\n" for i in range(200)), encoding="utf-8")
    assert batch.stat().st_size > 1000
    items = list(load(str(batch), Settings(max_input_bytes=1000)))
    assert len(items) == 200
    assert all(isinstance(i, Document) for i in items)


@pytest.mark.parametrize(
    ("data", "batch", "kind"),
    [
        (TEXT.encode(), False, "text"),
        (ARTICLE_HTML.encode(), False, "html"),
        (b'{"text": "From stdin."}', False, "json"),
        (b'{"text": "One."}\n{"text": "Two."}\n', True, "jsonl"),
        (b'[{"text": "One."}]', True, "json array"),
    ],
)
def test_stdin_is_sniffed(data: bytes, batch: bool, kind: str) -> None:
    loaded = load("-", stdin=io.BytesIO(data))
    assert loaded.batch is batch, kind
    assert all(isinstance(i, Document) for i in loaded)


def test_stdin_json_nested_too_deeply() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(RecordError, match="standard input is not readable JSON: arrays or objects nested too deeply"):
        list(load("-", stdin=io.BytesIO(deep)))
    loaded = load("-", stdin=io.BytesIO(deep + b'\n{"text": "The second line."}\n'))  # JSONL: only line 1 is bad
    items = list(loaded)
    assert loaded.batch and [type(i).__name__ for i in items] == ["SkippedRecord", "Document"]


def test_stdin_limit() -> None:
    with pytest.raises(InputError, match="standard input is larger than the 10 bytes input limit"):
        load("-", Settings(max_input_bytes=10), stdin=io.BytesIO(b"x" * 11))


def test_whole_source_errors_raise_at_once(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(str(tmp_path / "missing.txt"))
    with pytest.raises(InputError, match="no such file"):
        load(str(tmp_path / "missing.jsonl"))
    with pytest.raises(InputError, match="is a directory"):
        load(str(tmp_path))
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        load(str(empty))
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(RecordError, match="not valid JSON"):
        load(str(bad))
    feed = tmp_path / "feed.xml"
    feed.write_text("plain words", encoding="utf-8")
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        load(str(feed))


def test_urls(local_server) -> None:
    local_server.routes["/a.html"] = Route(body=ARTICLE_HTML.encode())
    local_server.routes["/a.txt"] = Route(headers={"Content-Type": "text/plain"}, body=TEXT.encode())
    local_server.routes["/b.jsonl"] = Route(headers={"Content-Type": "application/x-ndjson"}, body=b'{"text": "A."}\n')
    settings = Settings(allow_private_urls=True)
    html_doc = load_document(local_server.url("/a.html"), settings)
    assert html_doc.url == local_server.url("/a.html")
    assert html_doc.outlet == "Coast Courier"
    assert load_document(local_server.url("/a.txt"), settings).text == TEXT
    assert load(local_server.url("/b.jsonl"), settings).batch
    with pytest.raises(FetchError, match="loopback"):
        load(local_server.url("/a.html"))
    with pytest.raises(FetchError, match="only http and https"):
        load("file:///etc/passwd")


def test_load_document_refuses_a_batch(tmp_path) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"text": "One."}\n', encoding="utf-8")
    with pytest.raises(InputError, match="holds a batch"):
        load_document(str(batch))


def test_skipped_record_is_a_record_error() -> None:
    assert issubclass(SkippedRecord, RecordError)


news_like = st.lists(
    st.one_of(
        st.sampled_from(
            ["The harbour", " was closed", ", officials said", ". ", "\n\n", "\r\n", " 300 boats", "“", "”"]
        ),
        st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=8),
    ),
    min_size=1,
    max_size=30,
).map("".join)


@settings(max_examples=40, deadline=None)
@given(news_like)
def test_stdin_text_through_analysis_keeps_offsets(text: str) -> None:
    if not text.strip() or text.startswith("\ufeff"):
        return
    loaded = load("-", stdin=io.BytesIO(text.encode("utf-8")))
    (doc,) = list(loaded)
    assert isinstance(doc, Document)
    assert doc.text == text
    result = analyze(doc, settings=Settings(use_models=False))
    assert result.text == text
    result.check_offsets()


def test_feed_sniffing(tmp_path) -> None:
    page = tmp_path / "page"
    page.write_text(ARTICLE_HTML.replace("<body>", "<body><feedback-widget></feedback-widget>"), encoding="utf-8")
    assert not load(str(page)).batch
    feed = tmp_path / "feed"
    feed.write_text(
        '<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"><channel><title>C</title>'
        "<item><title>One</title><description>The pier was closed, officials said.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    loaded = load(str(feed))
    assert loaded.batch
    assert [d.title for d in loaded] == ["One"]
