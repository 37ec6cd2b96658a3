"""Query cleaning for claim matching: strip tweet furniture (links, handles, attribution line), split hashtags.

Also what a query carries besides its words: the date of its attribution line (`query_date`) and its sentences
(`query_sentences`), which the ranker's `date_match` and `dense_sent` features use."""

from __future__ import annotations

import html
import re

from newsaudit.analysis.lexicons import MONTH_NAMES

_DATE = r"[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}"
_ATTRIBUTION = re.compile(
    r"\s*[—–]\s*(?P<name>[^\n—–()]{0,80}?)\s*\(@\w{0,30}(?:\)\s*(?:" + _DATE + r"|[A-Z][a-z]{0,8}\s*$)?|\s*$)"
    r"|\s*[—–]\s*(?P<tail>[A-Z*][\w’'.*-]*(?: [A-Z*][\w’'.*-]*){0,3})\s*$"
)
_URL = re.compile(
    r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S*|\b[a-z0-9-]+\.(?:com|org|net|co|ly|gov|news)/\S*", re.I
)
_HANDLE = re.compile(r"(?<![\w@])@+(\w{1,30})")
_HASHTAG = re.compile(r"#+(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_SPACE = re.compile(r"\s+")
_ATTRIBUTION_DATE = re.compile(r"\(@\w{0,30}\)\s*([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})\s*$")
_TRAIL_PUNCT = re.compile(r"\s+([,.;:!?])")


def split_camel(word: str) -> str:
    """'FakeNews2020' -> 'Fake News 2020'; words with no inner capitals or digits are unchanged."""
    return _CAMEL.sub(" ", word.replace("_", " "))


def attribution_author(text: str) -> str | None:
    """The name in a trailing '— Name (@handle) Month D, YYYY' line (how CheckThat! tweets end), if any."""
    m = _ATTRIBUTION.search(text)
    name = (m.group("name") or m.group("tail") or "").strip() if m else ""
    return name or None


def _clean_once(text: str, *, keep_author: bool, handles: str) -> str:
    text = html.unescape(text)
    m = _ATTRIBUTION.search(text)
    if m:
        name = (m.group("name") or m.group("tail") or "").strip()
        text = text[: m.start()] + (f" {name} " if keep_author and name else " ") + text[m.end() :]
    text = _URL.sub(" ", text)
    if handles == "drop":
        text = _HANDLE.sub(" ", text)
    else:
        text = _HANDLE.sub(lambda h: " " + split_camel(h.group(1)) + " ", text)
    text = _HASHTAG.sub(lambda h: " " + split_camel(h.group(1)) + " ", text)
    text = _TRAIL_PUNCT.sub(r"\1", _SPACE.sub(" ", text))
    return text.strip()


def clean_query(text: str, *, keep_author: bool = True, handles: str = "split") -> str:
    """Tweet/query text without URLs, pic.twitter links and the attribution line; handles and hashtags as words.

    `handles` is "split" (@RealJohnDoe -> Real John Doe) or "drop". Applied until nothing changes, so cleaning
    twice gives the same result as cleaning once.
    """
    if handles not in ("split", "drop"):
        raise ValueError("handles must be 'split' or 'drop'")
    for _ in range(8):
        cleaned = _clean_once(text, keep_author=keep_author, handles=handles)
        if cleaned == text:
            break
        text = cleaned
    return text


def query_date(text: str) -> tuple[int, int] | None:
    """(year, month) of a trailing '— Name (@handle) Month D, YYYY' attribution line (CheckThat! tweets), if any."""
    m = _ATTRIBUTION_DATE.search(html.unescape(text).rstrip())
    if not m:
        return None
    name = m.group(1).lower()
    month = next((i for i, full in enumerate(MONTH_NAMES, 1) if full.startswith(name)), 0)  # "Sep", "Sept", "September"
    day, year = int(m.group(2)), int(m.group(3))
    if not month or not 1 <= day <= 31 or not 1900 <= year <= 2100:
        return None
    return year, month


def query_sentence_spans(cleaned: str, min_words: int = 3) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a cleaned query with at least `min_words` words: what `dense_sent` scores."""
    from newsaudit.analysis.segment import split_sentences

    return [(s, e) for s, e in split_sentences(cleaned) if len(cleaned[s:e].split()) >= min_words]


def query_sentences(cleaned: str, min_words: int = 3) -> list[str]:
    """The texts of `query_sentence_spans`."""
    return [cleaned[s:e] for s, e in query_sentence_spans(cleaned, min_words)]
