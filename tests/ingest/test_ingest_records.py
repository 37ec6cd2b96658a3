"""JSON and JSONL records: fields, errors per record with line numbers, exact text round trips."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.document import Document
from newsaudit.errors import RecordError
from newsaudit.ingest.records import SkippedRecord, document_from_record, documents_from_json, iter_jsonl

LIMIT = 1_000_000


def jsonl(*lines: str) -> io.BytesIO:
    return io.BytesIO("\n".join(lines).encode("utf-8") + b"\n")


def test_record_fields() -> None:
    doc = document_from_record(
        {
            "text": "Harbour shut.\r\nThe pier broke.",
            "title": "Harbour",
            "url": "https://news.example/a",
            "published": "2024-03-05",
            "outlet": "Coast Courier",
            "extra": [1, 2],
        }
    )
    assert (doc.text, doc.title, doc.url, doc.published, doc.outlet) == (
        "Harbour shut.\r\nThe pier broke.",
        "Harbour",
        "https://news.example/a",
        "2024-03-05",
        "Coast Courier",
    )


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "line 7: a JSON array, not an object"),
        ("text", "line 7: a JSON string, not an object"),
        ({"title": "x"}, 'line 7: no "text" (or "html") field'),
        ({"text": 42}, 'line 7: "text" must be a string, not a JSON number'),
        ({"text": "ok", "title": ["a"]}, 'line 7: "title" must be a string or null, not a JSON array'),
        ({"text": "  \n "}, "line 7: the text is empty"),
        ({"html": "<html><body><nav>menu</nav></body></html>"}, 'line 7: no article found in the "html" field'),
    ],
)
def test_bad_records_name_the_problem(record: object, message: str) -> None:
    with pytest.raises(RecordError) as info:
        document_from_record(record, where="line 7")
    assert str(info.value).startswith(message)


def test_html_record_uses_trafilatura_and_record_metadata_wins() -> None:
    html = (
        "<html><head><title>Page title</title></head><body><article>"
        "<p>The harbour at Kellmouth was closed on Tuesday after a storm damaged the main pier, officials said.</p>"
        "</article></body></html>"
    )
    doc = document_from_record({"html": html, "title": "Record title", "outlet": "Coast Courier"})
    assert doc.title == "Record title"
    assert doc.outlet == "Coast Courier"
    assert "closed on Tuesday" in doc.text


def test_a_newsaudit_result_is_accepted_as_input() -> None:
    result = Document(text="Harbour shut.", title="T", outlet="O").to_dict()
    doc = document_from_record(result)
    assert (doc.text, doc.title, doc.outlet) == ("Harbour shut.", "T", "O")


def test_jsonl_bad_line_is_reported_and_the_rest_kept() -> None:
    stream = jsonl(
        json.dumps({"text": "First article."}),
        "{not json",
        "",
        json.dumps({"text": "Third article.", "title": "Third"}),
        json.dumps({"title": "no text"}),
    )
    items = list(iter_jsonl(stream, LIMIT))
    assert [type(i).__name__ for i in items] == ["Document", "SkippedRecord", "Document", "SkippedRecord"]
    assert items[0].text == "First article."
    assert items[0].cache["ingest.where"] == "line 1"
    assert items[1].where == "line 2"
    assert items[1].reason.startswith("not valid JSON")
    assert items[2].title == "Third"
    assert items[2].cache["ingest.where"] == "line 4"
    assert items[3].where == "line 5"
    assert isinstance(items[3], RecordError)


def test_jsonl_oversized_line_is_skipped_without_losing_the_next() -> None:
    stream = jsonl(json.dumps({"text": "x" * 5000}), json.dumps({"text": "small"}))
    items = list(iter_jsonl(stream, 1000))
    assert isinstance(items[0], SkippedRecord)
    assert items[0].reason == "longer than the 1 kB record limit"
    assert isinstance(items[1], Document)
    assert items[1].text == "small"


def test_jsonl_bad_utf8_line() -> None:
    stream = io.BytesIO(b'{"text": "caf\xe9"}\n{"text": "ok"}\n')
    items = list(iter_jsonl(stream, LIMIT))
    assert isinstance(items[0], SkippedRecord)
    assert "not valid UTF-8" in items[0].reason
    assert isinstance(items[1], Document)


def test_jsonl_utf8_bom_on_first_line() -> None:
    items = list(iter_jsonl(io.BytesIO(b'\xef\xbb\xbf{"text": "ok"}\n'), LIMIT))
    assert isinstance(items[0], Document)


def test_json_object_and_array() -> None:
    single = documents_from_json(b'{"text": "One article."}', "a.json")
    assert isinstance(single, Document)
    many = documents_from_json(b'[{"text": "One."}, 3, {"text": "Two."}]', "a.json")
    assert isinstance(many, list)
    assert [type(i).__name__ for i in many] == ["Document", "SkippedRecord", "Document"]
    assert many[1].where == "element 2"


def test_invalid_json_file() -> None:
    with pytest.raises(RecordError, match=r"a.json is not valid JSON: Expecting .* at line 1 column"):
        documents_from_json(b'{"text": }', "a.json")


text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1).filter(
    lambda t: bool(t.strip()) and not t.startswith("\ufeff")
)
meta_values = st.none() | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1)


@settings(max_examples=60)
@given(
    st.lists(
        st.fixed_dictionaries({"text": text_values, "title": meta_values, "outlet": meta_values}),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
)
def test_jsonl_round_trips_arbitrary_text(records: list[dict], ascii_only: bool) -> None:
    data = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in records).encode("utf-8")
    docs = list(iter_jsonl(io.BytesIO(data), LIMIT))
    assert len(docs) == len(records)
    for doc, record in zip(docs, records, strict=True):
        assert isinstance(doc, Document)
        assert doc.text == record["text"]
        assert doc.title == (record["title"] or None)
        assert doc.outlet == (record["outlet"] or None)
        doc.check_offsets()


@settings(max_examples=60)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_escape_as_other_errors(data: bytes) -> None:
    for item in iter_jsonl(io.BytesIO(data), 100):
        assert isinstance(item, Document | SkippedRecord)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (r'{"text": "Officials said \ud800 the pier shut."}', '"text"'),
        (r'{"text": "Officials said the pier shut.", "title": "\udfff"}', '"title"'),
        (r'{"html": "<p>\ud83d</p>"}', '"html"'),
    ],
)
def test_unpaired_surrogate_escape_is_a_record_error_naming_the_field(line: str, field: str) -> None:
    # json.loads turns "\ud800" into a str that no encoding can write: it used to crash hashing, storing and output
    items = list(iter_jsonl(jsonl(line, json.dumps({"text": "The ferry runs again."})), LIMIT))
    assert isinstance(items[0], SkippedRecord)
    assert items[0].reason.startswith(f"{field} has an unpaired UTF-16 surrogate")
    assert isinstance(items[1], Document)
    with pytest.raises(RecordError, match="unpaired UTF-16 surrogate"):
        documents_from_json(line.encode(), "a.json")


def test_a_paired_surrogate_escape_is_one_character() -> None:
    doc = document_from_record(json.loads(r'{"text": "Harbour \ud83d\ude00 shut."}'))
    assert doc.text == "Harbour \U0001f600 shut."


def test_json_nested_too_deeply_is_a_record_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(RecordError, match=r"a\.json is not readable JSON: arrays or objects nested too deeply"):
        documents_from_json(deep, "a.json")
    items = list(iter_jsonl(io.BytesIO(deep + b'\n{"text": "Still read."}\n'), 10_000_000))
    assert isinstance(items[0], SkippedRecord) and "nested too deeply" in items[0].reason
    assert isinstance(items[1], Document) and items[1].text == "Still read."
