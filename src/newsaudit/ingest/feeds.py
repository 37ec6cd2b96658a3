"""RSS and Atom feeds (via feedparser) to one Document per entry; link-only entries are fetched as articles."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from newsaudit.document import Document
from newsaudit.errors import InputError
from newsaudit.ingest.html import fragment_text
from newsaudit.ingest.records import SkippedRecord
from newsaudit.settings import Settings

LinkFetcher = Callable[[str, Settings], Document]


_FEED_ROOT = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:(?:<!--.*?-->|<\?[^>]*>|<!DOCTYPE[^>]*>)\s*)*<(?:rss|feed|rdf:RDF)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_feed(data: bytes) -> bool:
    """A cheap sniff: the document's root element (after any XML declaration and comments) is rss, feed or rdf:RDF."""
    return _FEED_ROOT.match(data[:4096]) is not None


# A numeric character reference; feedparser raises on one that names no character (a surrogate, past U+10FFFF).
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")


def _valid_char_ref(match: re.Match[bytes]) -> bytes:
    """The reference if it names a character, else one to U+FFFD (what HTML does with &#0;, &#xD800;, &#x110000;)."""
    hex_digits, digits = match.group(1), match.group(2)
    number = (hex_digits or digits).lstrip(b"0")
    if len(number) <= 8:
        value = int(number or b"0", 16 if hex_digits else 10)
        if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
            return match.group(0)
    return b"&#xFFFD;"


def parse_feed(data: bytes, name: str = "the feed") -> Any:
    """Parse feed bytes (never a URL or path: feedparser would fetch those itself); raise InputError if no feed."""
    import feedparser

    if b"&#" in data:
        data = _CHAR_REF.sub(_valid_char_ref, data)
    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # feedparser's fallback parser still raises on some broken markup
        raise InputError(f"{name} cannot be parsed as a feed ({type(exc).__name__}: {exc})") from None
    if not parsed.get("version") and not parsed.entries:
        raise InputError(f"{name} is not an RSS or Atom feed")
    if not parsed.entries:
        raise InputError(f"{name} is a feed with no entries")
    return parsed


def _entry_text(entry: Any) -> str | None:
    """The full text an entry carries (content, else summary), as plain text."""
    for item in sorted(entry.get("content") or [], key=lambda c: len(c.get("value") or ""), reverse=True):
        text = _as_text(item.get("value") or "", item.get("type") or "")
        if text:
            return text
    return None


def _summary(entry: Any) -> str | None:
    detail = entry.get("summary_detail") or {}
    return _as_text(entry.get("summary") or "", detail.get("type") or "") or None


def _as_text(value: str, media: str) -> str:
    if "html" in media or "<" in value:
        return fragment_text(value)
    return value.strip()


def _date(entry: Any) -> str | None:
    for key in ("published", "updated"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
        if entry.get(key):
            return str(entry[key])
    return None


def iter_feed(
    data: bytes,
    settings: Settings,
    *,
    name: str = "the feed",
    fetch_link: LinkFetcher | None = None,
) -> Iterator[Document | SkippedRecord]:
    """A Document (or SkippedRecord) per entry: its content if it has some, else its fetched link, else its summary.

    The feed is parsed at once (so a file that is not a feed raises here); entries are built lazily.
    """
    parsed = parse_feed(data, name)
    return _entries(parsed, settings, fetch_link)


def _entries(parsed: Any, settings: Settings, fetch_link: LinkFetcher | None) -> Iterator[Document | SkippedRecord]:
    outlet = (parsed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"entry {number}"
        link = entry.get("link") or None
        meta = {
            "title": (entry.get("title") or "").strip() or None,
            "url": link,
            "published": _date(entry),
            "outlet": outlet,
            "author": (entry.get("author") or "").strip() or None,
        }
        text = _entry_text(entry)
        if not text and link and fetch_link is not None:
            try:
                doc = fetch_link(link, settings)
            except InputError as exc:
                yield SkippedRecord(where, str(exc))
                continue
            for key, value in meta.items():
                if value is not None and (key != "url" or doc.url is None):
                    setattr(doc, key, value)
            doc.cache["ingest.where"] = where
            yield doc
            continue
        text = text or _summary(entry)
        if not text:
            yield SkippedRecord(where, "no content, no summary and no link to fetch")
            continue
        doc = Document(text=text, **meta)
        doc.cache["ingest.where"] = where
        yield doc
