"""Quantities: numbers in digits and words with unit, rate, counted noun and approximation, linked to attributions.

Years, dates, clock times, ordinals and label numbers ("Article 5", "COVID-19") are not quantities and are skipped.
A quantity's `attribution` is the attribution whose content covers it, or whose cue sits in the same sentence
(when the number does not come before all its spans); None means the number is unsourced. Only a relation held
with confidence >= `SOURCING_CONFIDENCE` (every rule relation; model relations from that probability up, and only
with a reporting cue: `sources_figures`) sources a number: a doubtful relation does not clear the flag.
"""

from __future__ import annotations

import math
import re

from newsaudit.analysis import lexicons as lx
from newsaudit.analysis.attribution import attribution_by_sentence, reporting_cue
from newsaudit.analysis.attribution_model import MIN_UNPLACED_CONFIDENCE
from newsaudit.document import Attribution, Document, Quantity, Sentence, Span

_NUM_WORDS = sorted((w for w in lx.NUMBER_WORDS if " " not in w), key=len, reverse=True)
_NW = "|".join(_NUM_WORDS)
_MAG = r"hundred|thousand|million|billion|trillion"
_BIG = r"thousand|million|billion|trillion"
# The tens and units after a magnitude: "a hundred (and) twenty", "two hundred and fifty thousand", "a thousand and
# one". After "hundred" they may go on to a larger magnitude, never to another "hundred" ("between two hundred and
# three hundred" is two numbers); after a larger magnitude they end the number ("two thousand and three thousand").
_TAIL = r"\s+(?:and\s+)?(?:" + _NW + r")(?:-(?:" + _NW + r"))?(?![\w-])"
_CUR = "|".join(re.escape(c) for c in lx.CURRENCY_SYMBOLS)
_CUR_WORDS = "|".join(sorted(lx.CURRENCY_WORDS, key=len, reverse=True))
_FRACTIONS = "|".join(re.escape(f) for f in sorted(lx.FRACTIONS, key=len, reverse=True))
_APPROX = "|".join(re.escape(a) for a in sorted(set(lx.APPROXIMATE_MARKERS), key=len, reverse=True))

_QUANTITY = re.compile(
    r"(?<![\w.,/:-])"
    r"(?:"
    r"(?P<cur>" + _CUR + r")\s?(?P<cnum>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<cmag>" + _MAG + r"|bn|mn|m|k)\b)?"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w-]|[.,/:]\d)"
    r"(?:\s?(?P<mag>" + _MAG + r"|bn|mn)\b)?"
    r"|(?P<frac>" + _FRACTIONS + r")(?![\w-])"
    r"|(?P<words>(?:a|(?:" + _NW + r")(?:[- ](?:" + _NW + r"))?)"
    r"(?:\s+(?:and\s+)?hundred(?![\w-])(?:" + _TAIL + r"(?!\s+hundred\b))?"
    r"|\s+(?:and\s+)?(?:" + _BIG + r"|dozen)(?![\w-])(?:" + _TAIL + r"(?!\s+(?:" + _MAG + r"|dozen)\b))?)+"
    r"|(?:" + _NW + r")(?:-(?:" + _NW + r"))?)(?![\w-])"
    r")",
    re.IGNORECASE,
)
# Quantities start at a digit, a currency sign or one of these words; the full pattern is only tried there.
_STARTERS = frozenset(w.split()[0].split("-")[0] for w in [*lx.NUMBER_WORDS, *lx.FRACTIONS, "a"])
_TOKEN_START = re.compile(r"(?<![\w.,/:-])[$€£¥₽₹\d]|(?<![\w’'-])[A-Za-z]+")
_APPROX_BEFORE = re.compile(r"(?<![\w-])(?:" + _APPROX + r")\s+$", re.IGNORECASE)
_PERCENT = re.compile(r"\s?(?:%|per\s?cent\b|percent\b|percentage points?\b)", re.IGNORECASE)
_CUR_AFTER = re.compile(r"\s+(?:(?:US|U\.S\.|Hong Kong|Australian|Canadian)\s+)?(" + _CUR_WORDS + r")\b", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"\s+(" + "|".join(re.escape(u) for u in sorted(lx.MEASURE_UNITS, key=len, reverse=True)) + r")\b"
)
_PER = re.compile(r"\s+(?:a|an|per|each|every|/)\s*(" + "|".join(sorted(lx.RATE_PERIODS)) + r")\b", re.IGNORECASE)
_PER_SLASH = re.compile(r"/(" + "|".join(sorted(lx.RATE_PERIODS)) + r")\b", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+(?:of\s+(?:the\s+)?)?([A-Za-z][\w’'-]*)")
_WORD_BEFORE = re.compile(r"([\w’'.-]+)\s*$")
_AFTER_FRACTION = re.compile(
    r"\s*(?:$|[.,;:!?)”\"]|of\b|the\b|a\b|an\b|his\b|her\b|their\b|its\b|our\b|percent\b|per\s?cent\b|"
    r"as\b|that\b|again\b)",
    re.IGNORECASE,
)
_RATE_ADJECTIVES = {
    "hourly": "hour",
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "annual": "year",
    "yearly": "year",
}
_RATE_ADJECTIVE = re.compile(r"\b(" + "|".join(_RATE_ADJECTIVES) + r")\b", re.IGNORECASE)
_CLOCK = re.compile(r"^\s?(?::\d\d|\s?(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC|BST|EST|EDT|CET|o'clock))", re.IGNORECASE)
_ORDINAL = re.compile(r"^(?:st|nd|rd|th)\b")

_NOT_COUNTED = frozenset(
    [
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "of",
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "than",
        "per",
        "that",
        "which",
        "who",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "what",
        "who",
        "whom",
        "whose",
        "it",
        "they",
        "we",
        "he",
        "she",
        "percent",
        "per",
        "cent",
        "million",
        "billion",
        "thousand",
        "hundred",
        "more",
        "less",
        "times",
    ]
)
_YEAR_CONTEXT = frozenset(
    [
        "in",
        "since",
        "by",
        "until",
        "till",
        "from",
        "during",
        "year",
        "of",
        "before",
        "after",
        "early",
        "late",
        "mid",
        "summer",
        "winter",
    ]
)
_WORD_ONLY_SKIP = frozenset({"one", "a"})


def _parse_number(s: str) -> float:
    return float(s.replace(",", ""))


def _word_value(phrase: str) -> float | None:
    """Value of a spelled-out number such as "a thousand", "twenty-five", "two hundred thousand"."""
    total = 0.0
    current = 0.0
    for tok in re.split(r"[\s-]+", phrase.lower()):
        if tok in ("and", ""):
            continue
        if tok == "a":
            current = 1.0  # a float, as `total` is: "a hundred hundred ..." overflows to inf, not to a huge int
        elif tok == "dozen":  # before NUMBER_WORDS, which holds it too: "two dozen" is 24, not 2 + 12
            current = (current or 1) * 12
        elif tok in lx.NUMBER_WORDS:
            current += lx.NUMBER_WORDS[tok]
        elif tok in lx.MAGNITUDES:
            mag = lx.MAGNITUDES[tok]
            if mag == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * mag
                current = 0
        else:
            return None
    return total + current


# A relation sources a number from the bar a model relation the rules cannot place must clear to be kept at all.
SOURCING_CONFIDENCE = MIN_UNPLACED_CONFIDENCE


def sources_figures(att: Attribution) -> bool:
    """Whether a relation can source the figures it covers: every rule relation; a model relation from
    `SOURCING_CONFIDENCE` up whose cue reports speech or evidence ("has issued a decree to cut pay to 100 dollars"
    is the writer's claim about a decree, not a cited figure)."""
    if att.confidence < SOURCING_CONFIDENCE:
        return False
    return att.origin != "model" or (att.cue is not None and reporting_cue(att.cue.text))


def find_quantities(doc: Document) -> list[Quantity]:
    """Every quantity in the text, in order, linked to the attribution covering it (None: unsourced)."""
    text = doc.text
    sentences = doc.sentences or [Sentence(0, len(text))]
    by_sentence = attribution_by_sentence(doc) if doc.sentences else {}
    by_sentence = {i: j for i, j in by_sentence.items() if sources_figures(doc.attributions[j])}
    out: list[Quantity] = []
    for index, sent in enumerate(sentences):
        for q in _sentence_quantities(text, sent.start, sent.end):
            out.append(_link(q, by_sentence.get(index), doc.attributions))
    return out


def _link(q: Quantity, sentence_attribution: int | None, attributions: list[Attribution]) -> Quantity:
    """The attribution whose content covers the quantity, else the one that covers its sentence, unless the
    quantity comes before all of that one's spans ("1,200 jobs went, in what unions call a betrayal": the writer's)."""
    for i, att in enumerate(attributions):
        if sources_figures(att) and any(c.contains(q.span) for c in att.content_spans):
            return _with_attribution(q, i)
    if sentence_attribution is None:
        return q
    att = attributions[sentence_attribution]
    spans = [s for s in (att.source.span if att.source else None, att.cue, att.content) if s is not None]
    return q if q.span.end <= min(s.start for s in spans) else _with_attribution(q, sentence_attribution)


def _with_attribution(q: Quantity, index: int) -> Quantity:
    return Quantity(q.span, q.value, q.unit, q.per, q.counts, q.approximate, index)


def _sentence_quantities(text: str, s0: int, s1: int) -> list[Quantity]:
    found: list[Quantity] = []
    last = s0
    for tok in _TOKEN_START.finditer(text, s0, s1):
        if tok.start() < last:
            continue
        word = tok.group(0)
        if word[0].isalpha() and word.lower() not in _STARTERS:
            continue
        m = _QUANTITY.match(text, tok.start(), s1)
        if m is None:
            continue
        q = _quantity(text, m, s0, s1)
        if q is not None:
            found.append(q)
            last = q.span.end
    return found


def _quantity(text: str, m: re.Match[str], s0: int, s1: int) -> Quantity | None:
    start, end = m.start(), m.end()
    unit: str | None = None
    if m.group("cur"):
        value = _parse_number(m.group("cnum")) * lx.MAGNITUDES.get((m.group("cmag") or "").lower(), 1)
        unit = lx.CURRENCY_SYMBOLS[m.group("cur")]
    elif m.group("num"):
        raw = m.group("num")
        value = _parse_number(raw) * lx.MAGNITUDES.get((m.group("mag") or "").lower(), 1)
        if _is_not_quantity(text, m.start("num"), m.end("num"), raw, bool(m.group("mag")), s0, s1):
            return None
    elif m.group("frac"):
        value = lx.FRACTIONS[m.group("frac").lower()]
        unit = "fraction"
        if not _AFTER_FRACTION.match(text, end, s1):
            return None  # "a third rate lawyer", "a quarter century"
    else:
        phrase = m.group("words")
        if phrase.lower() in _WORD_ONLY_SKIP:
            return None
        parsed = _word_value(phrase)
        if parsed is None:
            return None
        value = parsed
        if phrase.lower() in ("two", "three") and not _APPROX_BEFORE.search(text, max(s0, start - 24), start):
            nxt = _NEXT_WORD.match(text, end, s1)
            if not nxt or nxt.group(1).lower() in _NOT_COUNTED:
                return None
    approx = _APPROX_BEFORE.search(text, max(s0, start - 24), start)
    approximate = approx is not None
    if approx:
        start = approx.start()
    # unit after the number: %, currency words, measures
    rest_end = end
    if unit is None:
        if pm := _PERCENT.match(text, rest_end, s1):
            unit, rest_end = "%", pm.end()
        elif cm := _CUR_AFTER.match(text, rest_end, s1):
            unit, rest_end = lx.CURRENCY_WORDS[cm.group(1).lower()], cm.end()
        elif um := _UNIT_AFTER.match(text, rest_end, s1):
            unit, rest_end = um.group(1).lower(), um.end()
    per = None
    if unit is not None and unit != "fraction":
        if pr := _PER.match(text, rest_end, s1) or _PER_SLASH.match(text, rest_end, s1):
            per, rest_end = pr.group(1).lower(), pr.end()
        elif adj := _RATE_ADJECTIVE.search(text, max(s0, start - 40), start):
            per = _RATE_ADJECTIVES[adj.group(1).lower()]  # "the monthly payment of 100 dollars"
    if not math.isfinite(value):
        return None  # a few hundred digits (or "a hundred hundred ...") overflow a float: no figure to report
    counts = None
    if unit in (None, "fraction"):
        counts = _counted_noun(text, rest_end, s1)
    span = Span.of(text, start, rest_end)
    return Quantity(span, float(value), unit, per, counts, approximate)


def _counted_noun(text: str, pos: int, s1: int) -> str | None:
    """The noun a number counts: the first plural-looking word among the next three, else the next word."""
    words = []
    p = pos
    for _ in range(3):
        nm = _NEXT_WORD.match(text, p, s1)
        if not nm:
            break
        words.append(nm.group(1))
        p = nm.end()
        if text[p : p + 1] in ",.;:!?)":
            break
    for w in words:
        if w.lower() in _NOT_COUNTED:
            break
        if w.endswith(("’s", "'s")):
            continue
        if w.endswith("s") and not w[:1].isupper() and len(w) > 2:
            return w
    for w in words:
        if w.lower() in _NOT_COUNTED or not w.islower():
            return None
        if not w.endswith(("’s", "'s")):
            return w
    return None


def _is_not_quantity(text: str, a: int, b: int, raw: str, has_mag: bool, s0: int, s1: int) -> bool:
    """Years, dates, times, ordinals and label numbers ("Article 5")."""
    after = text[b : min(s1, b + 12)]
    if _CLOCK.match(after) or _ORDINAL.match(after):
        return True
    before_m = _WORD_BEFORE.search(text, max(s0, a - 30), a)
    before = before_m.group(1).lower().rstrip(".") if before_m else ""
    nxt = _NEXT_WORD.match(text, b, s1)
    next_word = nxt.group(1).lower() if nxt else ""
    if before in lx.MONTHS or next_word in lx.MONTHS:
        return True
    if before in lx.LABEL_NOUNS or before.endswith("#"):
        return True
    if has_mag:
        return False
    if re.fullmatch(r"1\d\d\d|20\d\d", raw):
        # a four-digit number from 1000 to 2099 is a year unless it counts something ("2000 troops", "1500 km")
        if before in _YEAR_CONTEXT or not nxt or nxt.start(1) > b + 1:
            return True
        counted = next_word.endswith("s") and not next_word.endswith(("’s", "'s", "ss")) and nxt.group(1).islower()
        return not (counted or _UNIT_AFTER.match(text, b, s1) or _CUR_AFTER.match(text, b, s1))
    if a > 0 and text[a - 1] == "(" and text[b : b + 1] == ")":
        return True  # "(7)": a list marker or a count in a table of contents
    return bool(a > 0 and text[a - 1] in "#")
