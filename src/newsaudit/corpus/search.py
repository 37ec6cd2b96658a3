"""Full-text search queries: parse user text into literal terms and phrases, validate filters."""

from __future__ import annotations

import re

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.corpus.ingest import parse_day
from newsaudit.corpus.records import Filters
from newsaudit.errors import QueryError
from newsaudit.unicode_text import unicode_problem

SOURCE_KINDS = ("named", "vague", "anonymous", "self")
MAX_TERMS = 32
_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def check_text(value: str, what: str) -> None:
    """QueryError when a query string is not valid Unicode text (a lone surrogate: a JSON "\\ud800" escape, or a
    command-line argument whose bytes are not UTF-8), which could be neither embedded nor bound as SQL text."""
    problem = unicode_problem(value)
    if problem:
        raise QueryError(f"{what} {problem} (is it in UTF-8?)")


def parse_query(query: str | None) -> list[str]:
    """Literal terms and "quoted phrases" of a user query; FTS5 operators and punctuation are not interpreted.

    Every returned term is a run of word characters (or a phrase of such runs), so any backend can quote it.
    Raises QueryError when nothing searchable is left.
    """
    if query is None or not query.strip():
        raise QueryError("empty search query: give one or more words")
    check_text(query, "the search query")
    terms: list[str] = []
    pos = 0
    for match in _PHRASE.finditer(query):
        terms.extend(_WORD.findall(query[pos : match.start()]))
        words = _WORD.findall(match.group(1))
        if words:
            terms.append(" ".join(words))
        pos = match.end()
    terms.extend(_WORD.findall(query[pos:].replace('"', " ")))
    if not terms:
        raise QueryError(f"search query {query.strip()[:60]!r} has no words to search for")
    if len(terms) > MAX_TERMS:
        raise QueryError(f"search query has {len(terms)} terms; at most {MAX_TERMS} are allowed")
    return terms


def _day(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    day = parse_day(value)
    if day is None:
        raise QueryError(f"--{name} {value!r} is not a date (use YYYY-MM-DD)")
    return day


def make_filters(
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    technique: str | None = None,
    source_kind: str | None = None,
) -> Filters:
    """Checked filters: dates read as days, technique and source kind checked against the known labels."""
    for name, value in (("outlet", outlet), ("since", since), ("until", until), ("technique", technique)):
        if value:
            check_text(value, f"the {name} filter")
    if technique:
        known = {t.lower(): t for t in PTC_TECHNIQUES}
        if technique.lower() not in known:
            raise QueryError(f"unknown technique {technique!r} (expected one of: {', '.join(PTC_TECHNIQUES)})")
        technique = known[technique.lower()]
    if source_kind:
        if source_kind.lower() not in SOURCE_KINDS:
            raise QueryError(f"unknown source kind {source_kind!r} (expected one of: {', '.join(SOURCE_KINDS)})")
        source_kind = source_kind.lower()
    start, end = _day(since, "since"), _day(until, "until")
    if start and end and start > end:
        raise QueryError(f"--since {start} is after --until {end}")
    return Filters(outlet=outlet or None, since=start, until=end, technique=technique or None, source_kind=source_kind)
