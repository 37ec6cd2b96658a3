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

FORMATS = ("claimreview", "html", "checkthat", "csv")
CSV_COLUMNS = ("claim", "rating", "url", "publisher", "date", "title")


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
    return "fc-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


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
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a folder, not a fact-check file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not text.strip():
        raise InputError(f"{path} is empty")
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
    return FactCheck(
        id=given or factcheck_id(claim, url),
        claim=claim,
        title=_clean(node.get("name")) or _clean(node.get("headline")),
        rating=_rating(node.get("reviewRating")),
        url=url,
        publisher=_name(node.get("author")) or _name(node.get("publisher")),
        published=_clean(node.get("datePublished")) or _clean(node.get("dateCreated")),
    )


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
        yield FactCheck(
            id=factcheck_id(claim, url),
            claim=claim,
            title=_clean(review.get("title")),
            rating=_clean(review.get("textualRating")),
            url=url,
            publisher=_name(review.get("publisher")),
            published=_clean(review.get("reviewDate")) or _clean(node.get("claimDate")),
        )


def _walk(value: Any, where: str) -> Iterator[FactCheck | RecordError]:
    """Every ClaimReview in a JSON value: an object, a list, an `@graph`, or a Google API `claims` list."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if not isinstance(item, dict | list):
                yield RecordError(f"{where}[{i}]: expected an object, got {type(item).__name__}")
                continue
            yield from _walk(item, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        yield RecordError(f"{where}: expected an object, got {type(value).__name__}")
        return
    if "ClaimReview" in _types(value):
        yield _from_claimreview(value, where)
        return
    if "@graph" in value:
        yield from _walk(value["@graph"], f"{where}.@graph")
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
    return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"


def _read_json_text(text: str, name: str) -> Iterator[FactCheck | RecordError]:
    try:
        value = json.loads(text)
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
            value = json.loads(line)
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
            value = json.loads(block)
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
    for lineno, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        cols = line.split("\t")
        where = f"{name}:{lineno}"
        if len(cols) not in (2, 3):
            yield RecordError(f"{where}: expected 2 or 3 tab-separated columns, got {len(cols)}")
            continue
        cols = [unquote_field(c.strip()) for c in cols]
        vid, claim = _clean(cols[0]), _clean(cols[1])
        if vid is None:
            yield RecordError(f"{where}: empty vclaim id")
        elif claim is None:
            yield RecordError(f"{where}: vclaim {vid} has no text")
        else:
            yield FactCheck(id=vid, claim=claim, title=_clean(cols[2]) if len(cols) == 3 else None)


def _read_csv_text(text: str, name: str) -> Iterator[FactCheck | RecordError]:
    """Comma-separated rows with a header naming at least `claim` (also rating, url, publisher, date, title, id)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"{name}: cannot read the CSV header") from exc
    if "claim" not in header:
        raise InputError(f"{name}: CSV header has no 'claim' column (expected {','.join(CSV_COLUMNS)})")
    col = {h: i for i, h in enumerate(header)}
    while True:
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
