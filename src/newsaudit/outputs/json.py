"""JSON and JSONL serialisation of a Document's contract (schema newsaudit/1)."""

from __future__ import annotations

import json as _json
from collections.abc import Iterable

from newsaudit.document import Document
from newsaudit.unicode_text import SURROGATE


def escape_surrogates(text: str) -> str:
    """JSON text with each raw unpaired surrogate (which has no UTF-8 form) written as its `\\uXXXX` escape, which
    reads back to the same str."""
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dumps(doc: Document, indent: int | None = None) -> str:
    """The document's JSON contract as a string (UTF-8 characters kept as is, unpaired surrogates escaped)."""
    return escape_surrogates(_json.dumps(doc.to_dict(), ensure_ascii=False, indent=indent))


# Characters that str.splitlines() and some JSONL readers treat as line breaks but JSON leaves unescaped.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps_line(doc: Document) -> str:
    """One document as a single JSONL line (no trailing newline) that no line splitter can break."""
    return dumps(doc).translate(_LINE_BREAKS)


def dumps_lines(docs: Iterable[Document]) -> str:
    """Many documents as JSONL: one compact JSON object per line, each line ending in a newline."""
    return "".join(dumps_line(doc) + "\n" for doc in docs)
