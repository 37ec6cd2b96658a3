"""Ingest: turn a SOURCE (path, URL or `-` for stdin) into Documents, one for an article or many for a batch.

`load(source, settings)` dispatches on the source: http(s) URLs by content type, files by suffix
(.html/.htm, .json, .jsonl/.ndjson, .xml/.rss/.atom, anything else as plain text, sniffed when it has no
known suffix), and stdin by content. Every failure is an InputError (FetchError, RecordError) with one line.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsaudit.document import Document
from newsaudit.errors import InputError
from newsaudit.ingest import feeds, html, records, text, url
from newsaudit.ingest.records import SkippedRecord
from newsaudit.settings import Settings

__all__ = ["Loaded", "SkippedRecord", "fetch_document", "load", "load_document"]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass
class Loaded:
    """What a SOURCE gave: one article (`batch` False) or a batch of records (JSONL, JSON array, feed)."""

    name: str
    batch: bool
    items: Iterator[Document | SkippedRecord]

    def __iter__(self) -> Iterator[Document | SkippedRecord]:
        return self.items


def _single(doc: Document) -> Iterator[Document | SkippedRecord]:
    yield doc


def _listed(items: list[Document | SkippedRecord]) -> Iterator[Document | SkippedRecord]:
    yield from items


def load(source: str, settings: Settings | None = None, *, stdin: BinaryIO | None = None) -> Loaded:
    """Read SOURCE: a file path, an http(s) URL, or "-" for standard input.

    Errors about the whole source raise InputError at once; in a batch, a bad record is yielded as a
    SkippedRecord (a RecordError with `.where` and `.reason`) and the other records still come.
    """
    settings = settings or Settings()
    if source == "-":
        if stdin is None and (sys.stdin is None or not hasattr(sys.stdin, "buffer")):
            raise InputError("there is no standard input to read")
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = text.read_limited(stream, settings.max_input_bytes, "standard input")
        return _from_bytes(data, "standard input", settings, kind=None)
    if _SCHEME.match(source):
        fetched = url.fetch(source, settings)
        return _from_bytes(fetched.body, source, settings, kind=_kind_of_media(fetched.content_type), fetched=fetched)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return Loaded(source, True, _jsonl_file(path, settings))
    data = text.read_file(path, settings.max_input_bytes)
    if suffix in HTML_SUFFIXES:
        kind: str | None = "html"
    elif suffix in FEED_SUFFIXES:
        kind = "feed"
    elif suffix == ".json":
        kind = "json"
    elif suffix in TEXT_SUFFIXES:
        kind = "text"
    else:
        kind = None
    return _from_bytes(data, source, settings, kind=kind)


def load_document(source: str, settings: Settings | None = None) -> Document:
    """Read SOURCE that must hold exactly one article; raises InputError otherwise."""
    loaded = load(source, settings)
    if loaded.batch:
        raise InputError(f"{source} holds a batch of records, not one article")
    item = next(iter(loaded))
    if isinstance(item, SkippedRecord):
        raise item
    return item


def fetch_document(link: str, settings: Settings) -> Document:
    """Fetch one article page (HTML or plain text) from a URL."""
    fetched = url.fetch(link, settings)
    kind = _kind_of_media(fetched.content_type) or _sniff(fetched.body)
    if kind == "html":
        return html.from_html(fetched.body, link, url=fetched.url, charset=fetched.charset)
    if kind == "text":
        return text.from_text(text.decode(fetched.body, link, fetched.charset), url=fetched.url)
    raise InputError(f"{link} is not an article page (content type {fetched.content_type or kind})")


def _kind_of_media(media: str) -> str | None:
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    if media in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml"):
        return "feed"
    if media == "application/json":
        return "json"
    if media in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        return "jsonl"
    if media == "text/plain":
        return "text"
    return None


def _sniff(data: bytes) -> str:
    """Guess the kind of untyped bytes: feed, html, json, jsonl or text."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if feeds.looks_like_feed(head):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "html"
    if head.startswith((b"[", b"{")):
        # Untyped bytes count as JSON only if they parse (JSONL: if the first line does); else they are text.
        try:
            json.loads(data.decode("utf-8-sig"))
            return "json"
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            pass
        lines = data.decode("utf-8-sig", errors="replace").lstrip().split("\n", 1)
        try:
            first = json.loads(lines[0])
        except RecursionError:  # nested too deeply to parse: reading it as JSON(L) reports that
            return "jsonl" if len(lines) > 1 and lines[1].strip() else "json"
        except json.JSONDecodeError:
            return "text"
        return "jsonl" if isinstance(first, dict) else "text"
    return "text"


def _from_bytes(
    data: bytes, name: str, settings: Settings, *, kind: str | None, fetched: url.Fetched | None = None
) -> Loaded:
    kind = kind or _sniff(data)
    source_url = fetched.url if fetched else None
    charset = fetched.charset if fetched else None
    if kind == "html" and feeds.looks_like_feed(data):
        kind = "feed"
    if kind == "html":
        return Loaded(name, False, _single(html.from_html(data, name, url=source_url, charset=charset)))
    if kind == "feed":
        return Loaded(name, True, feeds.iter_feed(data, settings, name=name, fetch_link=fetch_document))
    if kind == "json":
        result = records.documents_from_json(data, name)
        if isinstance(result, list):
            return Loaded(name, True, _listed(result))
        if source_url and result.url is None:
            result.url = source_url
        return Loaded(name, False, _single(result))
    if kind == "jsonl":
        if not data.strip():
            raise InputError(f"{name} is empty")
        return Loaded(name, True, records.iter_jsonl(io.BytesIO(data), settings.max_input_bytes))
    doc = text.from_text(text.decode(data, name, charset), url=source_url)
    return Loaded(name, False, _single(doc))


def _jsonl_file(path: Path, settings: Settings) -> Iterator[Document | SkippedRecord]:
    """Stream a JSONL file record by record (the file may exceed max_input_bytes; each record may not)."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    head = fh.read(1)
    if not head:
        fh.close()
        raise InputError(f"{path} is empty")
    fh.seek(0)

    def items() -> Iterator[Document | SkippedRecord]:
        with fh:
            yield from records.iter_jsonl(fh, settings.max_input_bytes)

    return items()
