"""Turn API bodies and Audit-page forms into Documents, through the loaders of `newsaudit.ingest`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from newsaudit.document import Document
from newsaudit.errors import InputError
from newsaudit.ingest import fetch_document
from newsaudit.ingest.html import from_html
from newsaudit.ingest.text import document_from_bytes, from_text
from newsaudit.server.schemas import ArticleInput
from newsaudit.settings import Settings

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in data[:4096].lower()


def load(item: ArticleInput, settings: Settings) -> Document:
    """The Document for an API body: text, HTML or URL, with the caller's metadata laid over what was found."""
    if item.url is not None:
        if not item.url.strip():
            raise InputError("the URL is empty")
        doc = fetch_document(item.url.strip(), settings)
    elif item.html is not None:
        doc = from_html(item.html, "the HTML")
    else:
        assert item.text is not None
        if not item.text.strip():
            raise InputError("the article text is empty")
        doc = from_text(item.text)
    for name in ("title", "outlet", "published"):
        value = getattr(item, name)
        if value is not None and value.strip():
            setattr(doc, name, value.strip())
    return doc


def from_upload(data: bytes, filename: str, content_type: str | None) -> Document:
    """A Document from an uploaded file: HTML by name, type or content, else plain text (encoding detected)."""
    name = filename or "the uploaded file"
    is_html = (
        filename.lower().endswith(_HTML_SUFFIXES)
        or (content_type or "").split(";")[0].strip().lower() in _HTML_TYPES
        or _looks_like_html(data)
    )
    if is_html:
        return from_html(data, name)
    return document_from_bytes(data, name)


@dataclass
class Upload:
    """A file uploaded through the Audit page, not yet decoded: `load` (HTML extraction can take a while) is run in
    a worker thread, never on the event loop."""

    data: bytes
    filename: str
    content_type: str | None
    meta: dict[str, str | None] = field(default_factory=dict)

    def load(self) -> Document:
        doc = from_upload(self.data, self.filename, self.content_type)
        for name, value in self.meta.items():
            if value:
                setattr(doc, name, value)
        return doc


async def from_form(fields: dict[str, str], upload: Any) -> ArticleInput | Upload:
    """An ArticleInput (or an Upload, for an uploaded file) from the Audit page's form; InputError if unclear."""
    meta = {k: (fields.get(k) or "").strip() or None for k in ("title", "outlet")}
    data = b""
    filename = ""
    if upload is not None and not isinstance(upload, str):
        data = await upload.read()
        filename = upload.filename or ""
    text = fields.get("text") or ""
    url = (fields.get("url") or "").strip()
    given = [name for name, present in (("text", text.strip()), ("url", url), ("file", data or filename)) if present]
    if len(given) > 1:
        raise InputError(f"give only one of pasted text, a URL or a file (got {' and '.join(given)})")
    if not given:
        raise InputError("paste an article, give a URL or choose a file")
    if data or filename:
        if not data:
            raise InputError(f"{filename or 'the uploaded file'} is empty")
        return Upload(data, filename, getattr(upload, "content_type", None), meta)
    try:
        return ArticleInput(text=text if text.strip() else None, url=url or None, **meta)
    except ValidationError as exc:
        raise InputError(f"invalid form: {exc.errors()[0].get('msg', 'invalid')}") from None
