"""Bytes to article text: size limits, binary detection, encoding detection, and the plain-text title rule."""

from __future__ import annotations

import codecs
import contextlib
import stat
import unicodedata
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from newsaudit.document import Document
from newsaudit.errors import InputError

TITLE_MAX_CHARS = 200
# Encoding detection looks at this much of a large non-UTF-8 input, then decodes all of it with the result.
DETECTION_SAMPLE_BYTES = 1_000_000

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Signatures of common binary formats, named in the error message.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")


def human_bytes(n: int) -> str:
    """A byte count for messages: 20 MB, 512 kB, 17 bytes."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} bytes"


def too_large(name: str, limit: int) -> InputError:
    return InputError(f"{name} is larger than the {human_bytes(limit)} input limit (raise it with --max-bytes)")


def read_limited(stream: BinaryIO, limit: int, name: str) -> bytes:
    """Read at most `limit` bytes from a stream, refusing (without reading further) anything larger."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(name, limit)
    return data


def read_file(path: str | Path, limit: int) -> bytes:
    """Read a file's bytes, refusing it before reading if it is larger than `limit`."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} is a directory, not a file")
    if stat.S_ISREG(info.st_mode) and info.st_size > limit:
        raise too_large(str(path), limit)
    try:
        with path.open("rb") as fh:
            return read_limited(fh, limit, str(path))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of `data` ("a PNG image", "binary data"), or None if it may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    if b"\x00" in data:
        return "binary data (it contains NUL bytes)"
    return None


def _too_many_controls(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    return controls > max(8, len(sample) // 20)


def decode(data: bytes, name: str = "the input", charset: str | None = None) -> str:
    """Decode article bytes to text: BOM, then a declared charset, then strict UTF-8, then charset detection.

    Nothing is normalised except removing a leading byte-order mark, so offsets index the text as given.
    Raises InputError for empty, binary or undecodable input.
    """
    if not data:
        raise InputError(f"{name} is empty")
    kind = binary_kind(data)
    if kind:
        raise InputError(f"{name} is {kind}, not text")
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(
                    f"{name} starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from None
            break
    if text is None and charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detected(data, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(f"{name} contains only whitespace")
    if _too_many_controls(text):
        raise InputError(f"{name} looks like binary data (too many control characters), not text")
    return text


def _detected(data: bytes, name: str) -> str:
    """Decode non-UTF-8 bytes with charset-normalizer; Windows-1252 wins when it decodes as cleanly as the best guess.

    (In mostly-ASCII text, the few accented letters decide little about language coherence, so charset-normalizer's
    ranking among cp1250/cp1252/cp1257 is noise; cp1252 is by far the most common legacy encoding of news text.)
    """
    if len(data) > DETECTION_SAMPLE_BYTES:
        # Detect on a sample (cut at a space, not inside a character), then decode everything with that guess.
        cut = data.rfind(b" ", 0, DETECTION_SAMPLE_BYTES)
        sample = data[: cut if cut > 0 else DETECTION_SAMPLE_BYTES]
        with contextlib.suppress(InputError, UnicodeDecodeError, LookupError):
            return data.decode(_best_encoding(sample, name))
    return data.decode(_best_encoding(data, name))


def _best_encoding(data: bytes, name: str) -> str:
    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise InputError(f"{name} is not valid UTF-8 and no other text encoding fits it")
    for match in results:
        if match.chaos <= best.chaos and "cp1252" in match.could_be_from_charset:
            with contextlib.suppress(UnicodeDecodeError):
                data.decode("cp1252")
                return "cp1252"
    return best.encoding


def plain_title(text: str) -> str | None:
    """The title of a plain-text article: a short first line followed by a blank line, else None."""
    first, sep, rest = text.partition("\n")
    if not sep:
        return None
    title = first.strip()
    if not title or len(title) > TITLE_MAX_CHARS:
        return None
    second = rest.split("\n", 1)[0]
    if second.strip():
        return None
    return title


def from_text(text: str, *, url: str | None = None) -> Document:
    """A Document for plain text; the whole text (title line included) is the article text."""
    return Document(text=text, title=plain_title(text), url=url)


def document_from_bytes(data: bytes, name: str = "the input", *, url: str | None = None) -> Document:
    """Decode plain-text bytes into a Document."""
    return from_text(decode(data, name), url=url)
