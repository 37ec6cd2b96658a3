"""Published fact-checks read from schema.org ClaimReview JSON/JSON-LD/HTML, the CheckThat! TSV, or a simple CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from newsaudit.errors import InputError, RecordError
from newsaudit.unicode_text import unicode_problem

FORMATS = ("claimreview", "html", "checkthat", "csv")
CSV_COLUMNS = ("claim", "rating", "url", "publisher", "date", "title")
TOO_DEEP = "arrays or objects nested too deeply to read"


@dataclass
class FactCheck:
    """One fact-checked claim: the claim text, the review's title, verdict, link, publisher and date."""

    id: str
    claim: str
    title: str | None = None
    rating: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def factcheck_id(claim: str, url: str | None) -> str:
    """A stable id from the whitespace-normalised claim and URL, so re-imports map to the same row."""
    key = " ".join(claim.split()) + "\n" + (url or "").strip()
    # surrogatepass: the same id for any valid text, and no UnicodeEncodeError before a lone surrogate is reported
    return "fc-" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _clean(value: Any) -> str | None:
    """A stripped non-empty string, or None."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def detect_format(path: Path, head: str) -> str:
    """Guess the file format from its suffix, then from its first characters."""
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonld", ".jsonl"):
        return "claimreview"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix == ".tsv":
        return "checkthat"
    if suffix == ".csv":
        return "csv"
    stripped = head.lstrip()
    if stripped[:1] in ("{", "["):
        return "claimreview"
    if stripped[:1] == "<":
        return "html"
    first_line = stripped.split("\n", 1)[0]
    return "checkthat" if "\t" in first_line else "csv"


def read_factchecks(path: str | Path, fmt: str | None = None) -> Iterator[FactCheck | RecordError]:
    """Yield each fact-check in `path`, or a RecordError (one line, naming the record) for each malformed one.

    Raises InputError when the file as a whole cannot be read or has no fact-checks of a known kind.
    """
    from newsaudit.ingest.text import decode  # imported here: the ingest package pulls in httpx

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a folder, not a fact-check file") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError(f"{path} is empty")
    # As article files are read: a UTF-8/16/32 byte-order mark is honoured (spreadsheets export UTF-16 text),
    # else UTF-8, else the detected legacy encoding; binary data is refused with a message naming it.
    text = decode(data, str(path))
    fmt = fmt or detect_format(path, text[:4096])
    if fmt not in FORMATS:
        raise InputError(f"unknown fact-check format {fmt!r} (expected one of {', '.join(FORMATS)})")
    readers = {
        "claimreview": _read_json_text,
        "html": _read_html_text,
        "checkthat": _read_checkthat_text,
        "csv": _read_csv_text,
    }
    yield from readers[fmt](text, str(path))


def parse_factchecks(text: str, fmt: str, name: str = "<text>") -> Iterator[FactCheck | RecordError]:
    """Like `read_factchecks` on a string already in memory, in the named format."""
    readers = {
        "claimreview": _read_json_text,
        "html": _read_html_text,
        "checkthat": _read_checkthat_text,
        "csv": _read_csv_text,
    }
    if fmt not in readers:
        raise InputError(f"unknown fact-check format {fmt!r} (expected one of {', '.join(FORMATS)})")
    yield from readers[fmt](text, name)


# ---------------------------------------------------------------- ClaimReview (JSON, JSON-LD, JSONL, HTML)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", node.get("type"))
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _name(value: Any) -> str | None:
    """The name of a schema.org Organization/Person (or a plain string); the first of a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _clean(value.get("name")) or _clean(value.get("url"))
    return _clean(value)


def _rating(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _clean(value.get("alternateName")) or _clean(value.get("name")) or _clean(value.get("ratingValue"))
    return _clean(value)


def _from_claimreview(node: dict[str, Any], where: str) -> FactCheck | RecordError:
    claim = _clean(node.get("claimReviewed"))
    item = node.get("itemReviewed")
    if claim is None and isinstance(item, dict):
        claim = _clean(item.get("name")) or _clean(item.get("text"))
    if claim is None:
        return RecordError(f"{where}: ClaimReview has no claimReviewed text")
    url = _clean(node.get("url"))
    given = _clean(node.get("identifier")) or _clean(node.get("@id"))
    fc = FactCheck(
        id=given or factcheck_id(claim, url),
        claim=claim,
        title=_clean(node.get("name")) or _clean(node.get("headline")),
        rating=_rating(node.get("reviewRating")),
        url=url,
        publisher=_name(node.get("author")) or _name(node.get("publisher")),
        published=_clean(node.get("datePublished")) or _clean(node.get("dateCreated")),
    )
    return _valid(fc, where)


def _from_google_claim(node: dict[str, Any], where: str) -> Iterator[FactCheck | RecordError]:
    """A Google Fact Check Tools API claim: {"text", "claimant", "claimReview": [{publisher, url, title, ...}]}."""
    claim = _clean(node.get("text"))
    reviews = node.get("claimReview")
    if claim is None:
        yield RecordError(f"{where}: claim has no text")
        return
    if not isinstance(reviews, list) or not reviews:
        yield RecordError(f"{where}: claim has no claimReview list")
        return
    for j, review in enumerate(reviews):
        if not isinstance(review, dict):
            yield RecordError(f"{where}.claimReview[{j}]: expected an object, got {type(review).__name__}")
            continue
        url = _clean(review.get("url"))
        fc = FactCheck(
            id=factcheck_id(claim, url),
            claim=claim,
            title=_clean(review.get("title")),
            rating=_clean(review.get("textualRating")),
            url=url,
            publisher=_name(review.get("publisher")),
            published=_clean(review.get("reviewDate")) or _clean(node.get("claimDate")),
        )
        yield _valid(fc, f"{where}.claimReview[{j}]")


def _valid(record: FactCheck, where: str) -> FactCheck | RecordError:
    """The record, or a RecordError if a field is not valid Unicode text (could be neither stored nor printed)."""
    for name, value in asdict(record).items():
        problem = unicode_problem(value) if isinstance(value, str) else None
        if problem:
            return RecordError(f"{where}: {'the claim' if name == 'claim' else name} {problem}")
    return record


def _walk(value: Any, where: str) -> Iterator[FactCheck | RecordError]:
    """Every ClaimReview in a JSON value (see `_nodes`); a value nested too deeply to walk is one RecordError."""
    try:
        yield from _nodes(value, where)
    except RecursionError:
        yield RecordError(f"{where}: {TOO_DEEP}")


def _nodes(value: Any, where: str) -> Iterator[FactCheck | RecordError]:
    """Every ClaimReview in a JSON value: an object, a list, an `@graph`, or a Google API `claims` list."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if not isinstance(item, dict | list):
                yield RecordError(f"{where}[{i}]: expected an object, got {type(item).__name__}")
                continue
            yield from _nodes(item, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        yield RecordError(f"{where}: expected an object, got {type(value).__name__}")
        return
    if "ClaimReview" in _types(value):
        yield _from_claimreview(value, where)
        return
    if "@graph" in value:
        yield from _nodes(value["@graph"], f"{where}.@graph")
        return
    if isinstance(value.get("claims"), list):
        for i, item in enumerate(value["claims"]):
            if isinstance(item, dict):
                yield from _from_google_claim(item, f"{where}.claims[{i}]")
            else:
                yield RecordError(f"{where}.claims[{i}]: expected an object, got {type(item).__name__}")
        return
    if "claimReview" in value and "text" in value:
        yield from _from_google_claim(value, where)
        return
    if "claimReviewed" in value:  # a ClaimReview that forgot its @type
        yield _from_claimreview(value, where)
    # any other node (WebPage, Organization, ...) is not a fact-check and is skipped


def _json_error(exc: json.JSONDecodeError) -> str:
    if exc.msg == TOO_DEEP:
        return f"JSON {TOO_DEEP}"
    return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"


def _loads(text: str) -> Any:
    """json.loads, with JSON nested too deeply for it (RecursionError) as a JSONDecodeError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError(TOO_DEEP, text, 0) from None


def _read_json_text(text: str, name: str) -> Iterator[FactCheck | RecordError]:
    try:
        value = _loads(text)
    except json.JSONDecodeError as exc:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith("{"):  # JSON Lines: one record per line
            yield from _read_jsonl_text(text, name)
            return
        raise InputError(f"{name}: {_json_error(exc)}") from exc
    found = False
    for record in _walk(value, name):
        found = True
        yield record
    if not found:
        raise InputError(f"{name}: no ClaimReview records found")


def _read_jsonl_text(text: str, name: str) -> Iterator[FactCheck | RecordError]:
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        try:
            value = _loads(line)
        except json.JSONDecodeError as exc:
            yield RecordError(f"{where}: {_json_error(exc)}")
            continue
        records = list(_walk(value, where))
        yield from records or [RecordError(f"{where}: not a ClaimReview record")]


class _LdJsonScripts(HTMLParser):
    """Collects the bodies of `<script type="application/ld+json">` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._inside = kind == "application/ld+json"
            if self._inside:
                self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def _read_html_text(text: str, name: str) -> Iterator[FactCheck | RecordError]:
    parser = _LdJsonScripts()
    parser.feed(text)
    parser.close()
    found = False
    for i, block in enumerate(parser.blocks):
        where = f"{name} ld+json block {i + 1}"
        try:
            value = _loads(block)
        except json.JSONDecodeError as exc:
            found = True
            yield RecordError(f"{where}: {_json_error(exc)}")
            continue
        for record in _walk(value, where):
            found = True
            yield record
    if not found:
        raise InputError(f'{name}: no ClaimReview found in any <script type="application/ld+json"> element')


# ---------------------------------------------------------------- CheckThat! TSV and simple CSV


def unquote_field(value: str) -> str:
    """A CSV-quoted cell as its text (outer quotes dropped, doubled quotes single); others unchanged."""
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        inner = value[1:-1]
        if '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    return value


def _read_checkthat_text(text: str, name: str) -> Iterator[FactCheck | RecordError]:
    """`id \\t vclaim \\t title` rows after a header row (quotes are literal text, as in the organisers' files)."""
    lines = text.splitlines()
    header = [c.strip().lower() for c in lines[0].split("\t")]
    if len(header) < 2 or "vclaim" not in header[1]:
        raise InputError(f"{name}: not a CheckThat! verified-claims TSV (header should be 'id<TAB>vclaim<TAB>title')")
    widest = max(3, len(header))  # columns the header names after the title are allowed (and ignored)
    for lineno, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        cols = line.split("\t")
        where = f"{name}:{lineno}"
        if not 2 <= len(cols) <= widest:
            yield RecordError(f"{where}: expected 2 to {widest} tab-separated columns, got {len(cols)}")
            continue
        cols = [unquote_field(c.strip()) for c in cols]
        vid, claim = _clean(cols[0]), _clean(cols[1])
        if vid is None:
            yield RecordError(f"{where}: empty vclaim id")
        elif claim is None:
            yield RecordError(f"{where}: vclaim {vid} has no text")
        else:
            yield FactCheck(id=vid, claim=claim, title=_clean(cols[2]) if len(cols) >= 3 else None)


def _unclosed_quote_line(text: str) -> int | None:
    """The line on which a CSV row opens a quoted field that the file never closes, or None.

    Python's csv reader (not strict) would silently read everything after such a quote, rows included, as one field.
    """
    reader = csv.reader(io.StringIO(text), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:  # strict mode's other complaints ('"a"b') are read leniently: not this problem
            if "unexpected end of data" in str(exc):
                return start


def _read_csv_text(text: str, name: str) -> Iterator[FactCheck | RecordError]:
    """Comma-separated rows with a header naming at least `claim` (also rating, url, publisher, date, title, id)."""
    unclosed = _unclosed_quote_line(text)
    if unclosed == 1:
        raise InputError(f"{name}: a quoted field opened in the CSV header is never closed")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"{name}: cannot read the CSV header") from exc
    if "claim" not in header:
        raise InputError(f"{name}: CSV header has no 'claim' column (expected {','.join(CSV_COLUMNS)})")
    col = {h: i for i, h in enumerate(header)}
    while True:
        start = reader.line_num + 1
        if start == unclosed:
            yield RecordError(
                f"{name}:{start}: a quoted field opened on this line is never closed, so the rest of the file "
                "would be read as one value; nothing from this line on was imported"
            )
            return
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RecordError(f"{name}:{reader.line_num}: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name}:{reader.line_num}"
        if len(row) > len(header):
            yield RecordError(f"{where}: {len(row)} columns but the header has {len(header)}")
            continue

        def get(key: str, row: list[str] = row) -> str | None:
            i = col.get(key)
            return _clean(row[i]) if i is not None and i < len(row) else None

        claim = get("claim")
        if claim is None:
            yield RecordError(f"{where}: empty claim")
            continue
        url = get("url")
        yield FactCheck(
            id=get("id") or factcheck_id(claim, url),
            claim=claim,
            title=get("title"),
            rating=get("rating"),
            url=url,
            publisher=get("publisher"),
            published=get("date") or get("published"),
        )
