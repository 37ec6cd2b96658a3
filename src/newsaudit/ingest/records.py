"""JSON and JSONL article records ({"text", "title", "url", "published", "outlet"}, optional "html") to Documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from newsaudit.document import Document
from newsaudit.errors import InputError, RecordError
from newsaudit.ingest.text import decode, human_bytes
from newsaudit.unicode_text import unicode_problem

METADATA_FIELDS = ("title", "url", "published", "outlet", "author")
# json.loads recurses once per nesting level and raises RecursionError past the interpreter's limit (~1,000 levels).
TOO_DEEP = "arrays or objects nested too deeply"


class SkippedRecord(RecordError):
    """A record of a batch that could not be read; `where` says which ("line 3", "entry 2")."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def document_from_record(record: Any, *, where: str = "the record") -> Document:
    """A Document from one decoded JSON record; raises RecordError naming `where` and the problem.

    A newsaudit/1 result (as written by `newsaudit analyze --format json`) is accepted too: its article is used.
    """
    try:
        return _record(record)
    except RecordError as exc:
        raise RecordError(f"{where}: {exc}") from None


def _record(record: Any) -> Document:
    """The record checks; messages name the problem only (the caller adds where)."""
    if not isinstance(record, dict):
        raise RecordError(f"a JSON {_json_kind(record)}, not an object")
    if isinstance(record.get("article"), dict) and str(record.get("schema", "")).startswith("newsaudit/"):
        record = record["article"]
    meta: dict[str, str | None] = {}
    for name in METADATA_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise RecordError(f'"{name}" must be a string or null, not a JSON {_json_kind(value)}')
        meta[name] = value or None
    text = record.get("text")
    html = record.get("html")
    for name, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise RecordError(f'"{name}" must be a string, not a JSON {_json_kind(value)}')
    for name, value in (*meta.items(), ("text", text), ("html", html)):
        problem = unicode_problem(value) if value else None
        if problem:  # no encoding can write it, so the record could be neither stored nor printed
            raise RecordError(f'"{name}" {problem}')
    if text is not None and text.strip():
        return Document(text=text.removeprefix("\ufeff"), **meta)
    if html is not None and html.strip():
        from newsaudit.ingest.html import from_html

        try:
            doc = from_html(html, 'the "html" field', url=meta["url"])
        except InputError as exc:
            raise RecordError(str(exc)) from None
        for name, value in meta.items():
            if value is not None:
                setattr(doc, name, value)
        return doc
    if text is None and html is None:
        raise RecordError('no "text" (or "html") field')
    raise RecordError("the text is empty")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def parse_json(data: bytes, name: str = "the input") -> Any:
    """Decode and parse a whole JSON file; raises RecordError (with line and column) if it is not JSON."""
    text = decode(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise RecordError(f"{name} is not readable JSON: {TOO_DEEP}") from None


def documents_from_json(data: bytes, name: str = "the input") -> Document | list[Document | SkippedRecord]:
    """A JSON file: one object gives a Document; an array gives one Document (or SkippedRecord) per element."""
    value = parse_json(data, name)
    if isinstance(value, list):
        if not value:
            raise RecordError(f"{name} is an empty JSON array")
        items: list[Document | SkippedRecord] = []
        for i, record in enumerate(value, start=1):
            try:
                doc = _record(record)
                doc.cache["ingest.where"] = f"element {i}"
                items.append(doc)
            except RecordError as exc:
                items.append(SkippedRecord(f"element {i}", str(exc)))
        return items
    return document_from_record(value, where=name)


def parse_line(line: bytes, number: int) -> Document:
    """One JSONL line to a Document; raises SkippedRecord naming the line."""
    where = f"line {number}"
    try:
        text = line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise SkippedRecord(where, f"not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SkippedRecord(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise SkippedRecord(where, f"not readable JSON ({TOO_DEEP})") from None
    try:
        return _record(value)
    except RecordError as exc:
        raise SkippedRecord(where, str(exc)) from None


def iter_jsonl(stream: BinaryIO, max_record_bytes: int) -> Iterator[Document | SkippedRecord]:
    """Stream a JSONL file: a Document or a SkippedRecord per non-blank line; each line is capped in size.

    The file itself may be any size: only one line is held in memory at a time.
    """
    number = 0
    while True:
        line = stream.readline(max_record_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_record_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the oversized line without keeping it
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield SkippedRecord(f"line {number}", f"longer than the {human_bytes(max_record_bytes)} record limit")
            continue
        if not line.strip():
            continue
        try:
            doc = parse_line(line, number)
        except SkippedRecord as exc:
            yield exc
            continue
        doc.cache["ingest.where"] = f"line {number}"
        yield doc
