"""Ingestion helpers: expand SOURCEs into documents, hash normalised text, MinHash near-duplicates, build records."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import numpy as np

from newsaudit.corpus.records import ArticleRecord, ClaimRecord
from newsaudit.document import Document
from newsaudit.errors import InputError, RecordError
from newsaudit.settings import Settings

# MinHash over word 3-shingles: 128 hash functions split into 32 LSH bands of 4 rows. A pair becomes a candidate
# with probability 1-(1-J^4)^32 (0.87 at Jaccard 0.5, 0.99 at 0.6); candidates are then kept when their estimated
# Jaccard is at least NEAR_DUPLICATE_JACCARD. See benchmarks/ingest.py for the measured curve.
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 3
NEAR_DUPLICATE_JACCARD = 0.5
_WORD = re.compile(r"\w+", re.UNICODE)
_SKIP_NAMES = re.compile(r"^[.~]|~$")


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace-collapsed text: what "the same article" is judged on."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text (hex)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Word n-grams of the normalised text (the whole text as one shingle when it is shorter than n)."""
    words = _WORD.findall(normalise(text))
    if len(words) < size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class Signature:
    """A MinHash signature and its LSH band keys (signed 64-bit, to fit an SQLite INTEGER)."""

    values: np.ndarray
    bands: tuple[int, ...]

    def to_bytes(self) -> bytes:
        return self.values.astype("<u8").tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> np.ndarray:
        return np.frombuffer(data, dtype="<u8")


_SEEDS = np.random.RandomState(1).randint(0, 2**63 - 1, size=(2, NUM_PERM), dtype=np.int64).astype(np.uint64)
_PERM_A, _PERM_B = _SEEDS[0] | np.uint64(1), _SEEDS[1]
_SHIFT = np.uint64(32)


def minhash(text: str) -> Signature:
    """The MinHash of the text's shingles and its LSH band keys.

    Each shingle is hashed once (CRC32), then by 128 multiply-add-shift functions ((a*x + b) mod 2^64) >> 32, all
    in numpy. (datasketch computes the same kind of signature, but importing it pulls in scipy: seconds at every
    CLI start, and 3x slower per article here.)
    """
    words = _WORD.findall(normalise(text))
    if len(words) < SHINGLE:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    crc = zlib.crc32
    hashes = np.unique(np.fromiter((crc(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams)))
    with np.errstate(over="ignore"):
        permuted = (hashes[:, None] * _PERM_A[None, :] + _PERM_B[None, :]) >> _SHIFT
    values = permuted.min(axis=0)
    bands = []
    for b in range(BANDS):
        digest = hashlib.blake2b(values[b * ROWS : (b + 1) * ROWS].astype("<u8").tobytes(), digest_size=8).digest()
        bands.append(int.from_bytes(digest, "little", signed=True))
    return Signature(values, tuple(bands))


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The share of equal MinHash values: an unbiased estimate of the Jaccard similarity of the shingle sets."""
    if len(a) != len(b) or len(a) == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def parse_day(published: str | None) -> str | None:
    """The `YYYY-MM-DD` day of an ISO 8601 or RFC 2822 date, or None when it cannot be read."""
    if not published:
        return None
    value = published.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except (ValueError, OverflowError):
        pass
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year past the C int range
        pass
    match = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if match:
        year, month, day = match.group(1), match.group(2), match.group(3) or "01"
        try:
            return datetime(int(year), int(month), int(day)).date().isoformat()
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------------------------- sources


def _is_url(source: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


def _not_regular(path: Path) -> str | None:
    """What `path` is if it is a named pipe, socket or device (reading one may block forever), else None."""
    try:
        mode = path.stat().st_mode
    except OSError:  # a broken link or an unreadable entry: reading it reports the problem
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return None


def expand_sources(sources: Sequence[str], errors: list[str] | None = None) -> list[str]:
    """Sources with each folder replaced by its files (recursively, sorted, hidden and backup files skipped).

    Inside folders, subfolders that cannot be read and entries that are not files (named pipes, sockets, devices)
    are left out, each with a one-line message appended to `errors`.
    """
    out: list[str] = []
    for source in sources:
        if source == "-" or _is_url(source):
            out.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            found: list[str] = []
            problems: list[str] = []

            def unreadable(exc: OSError, problems: list[str] = problems) -> None:
                problems.append(f"cannot read folder {exc.filename}: {exc.strerror or exc}")

            for root, dirs, files in os.walk(path, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not _SKIP_NAMES.search(d))
                for name in sorted(files):
                    if _SKIP_NAMES.search(name):
                        continue
                    entry = Path(root) / name
                    kind = _not_regular(entry)
                    if kind:
                        problems.append(f"{entry} is {kind}, not a file")
                    else:
                        found.append(str(entry))
            if not found:
                raise InputError(f"folder {source} has no files to ingest" + (f" ({problems[0]})" if problems else ""))
            out.extend(found)
            if errors is not None:
                errors.extend(problems)
        elif not path.exists():
            raise InputError(f"no such file or folder: {source}")
        else:
            out.append(source)
    return out


def estimate_records(sources: Sequence[str]) -> int | None:
    """How many articles the (expanded) sources hold: one per file, one per non-empty JSONL line; None if unknown."""
    total = 0
    for source in sources:
        if source == "-" or _is_url(source):
            return None
        path = Path(source)
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            try:
                with path.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            except OSError:
                total += 1
        elif suffix in (".xml", ".rss", ".atom", ".json"):
            return None
        else:
            total += 1
    return total


@dataclass(frozen=True)
class Item:
    """One thing a source yielded: a Document, or the one-line reason a record was skipped."""

    where: str
    document: Document | None = None
    error: str | None = None


def iter_items(sources: Sequence[str], settings: Settings) -> Iterator[Item]:
    """Every document of every source, in order; unreadable sources and records come as errors, never raise."""
    from newsaudit.ingest import load

    for source in sources:
        try:
            loaded = load(source, settings)
            for n, thing in enumerate(loaded, 1):
                where = source if not loaded.batch else f"{source} record {n}"
                if isinstance(thing, RecordError):
                    yield Item(where, error=f"{source}: {thing}")
                else:
                    yield Item(where, document=thing)
        except InputError as exc:
            yield Item(source, error=str(exc) if source in str(exc) else f"{source}: {exc}")


# ---------------------------------------------------------------------------------------------- records


def outlet_of(url: str | None) -> str | None:
    """The host name of an article URL without `www.`, used as the outlet when the source names none."""
    if not url:
        return None
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build_record(
    doc: Document,
    digest: str,
    signature: Signature,
    *,
    near_duplicate_of: int | None,
    similarity: float | None,
    embeddings: np.ndarray | None = None,
) -> ArticleRecord:
    """The store record of an analysed Document: claims with their attribution source, techniques and sources."""
    claims = []
    for i, claim in enumerate(doc.claims):
        source = None
        if claim.attribution is not None and 0 <= claim.attribution < len(doc.attributions):
            source = doc.attributions[claim.attribution].source
        vector = None
        if embeddings is not None and i < len(embeddings):
            vector = np.asarray(embeddings[i], dtype="<f4").tobytes()
        claims.append(
            ClaimRecord(
                idx=i,
                start=claim.span.start,
                end=claim.span.end,
                text=claim.span.text,
                source_text=source.span.text if source else None,
                source_kind=source.kind if source else None,
                source_subtype=source.subtype if source else None,
                checkworthy=claim.checkworthy,
                embedding=vector,
            )
        )
    sources = tuple((a.source.kind, a.source.subtype, a.source.span.text) for a in doc.attributions if a.source)
    techniques = tuple((t.technique, t.span.start, t.span.end, float(t.score)) for t in doc.techniques)
    return ArticleRecord(
        hash=digest,
        text=doc.text,
        document=doc.to_dict(),
        words=word_count(doc.text),
        ingested_at=now_iso(),
        url=doc.url,
        title=doc.title,
        outlet=doc.outlet or outlet_of(doc.url),
        published=doc.published,
        day=parse_day(doc.published),
        near_duplicate_of=near_duplicate_of,
        similarity=similarity,
        minhash=signature.to_bytes(),
        bands=signature.bands,
        claims=tuple(claims),
        techniques=techniques,
        sources=sources,
    )
