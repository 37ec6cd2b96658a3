"""Rule-based claims: one per sentence that asserts something checkable, linked to its attribution."""

from __future__ import annotations

import bisect
import re
import unicodedata

from newsaudit.analysis import lexicons as lx
from newsaudit.analysis.attribution import attribution_by_sentence
from newsaudit.document import Claim, Document, Sentence, Span

MIN_WORDS = 5
# Verbs of fact and change that make a sentence checkable even without numbers or names.
_FACTUAL = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|won|lost|killed|died|rose|fell|increased|decreased|doubled|"
    r"halved|grew|dropped|cost|costs|paid|pays|signed|voted|passed|approved|rejected|banned|arrested|"
    r"charged|convicted|launched|opened|closed|built|sold|bought|reported|announced|found|shows?|showed)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![\w’'-])[A-Z][\w’'&.-]+")
_URLISH = re.compile(r"https?://|www\.|@\w")


def find_claims(doc: Document) -> list[Claim]:
    """Sentences that state something checkable: with a quantity, a name, a cue or a factual verb."""
    text = doc.text
    att_of_sentence = attribution_by_sentence(doc)
    quantity_starts = sorted(q.span.start for q in doc.quantities)
    claims: list[Claim] = []
    relay_paras = {i for i, p in enumerate(doc.paragraphs[:6]) if p.text.rstrip().endswith(":")}
    for index, sent in enumerate(doc.sentences):
        stext = text[sent.start : sent.end]
        if not _is_candidate(doc, sent, stext, relay_paras):
            continue
        has_quantity = _any_between(quantity_starts, sent.start, sent.end)
        names = [m.group(0) for m in _CAPITALISED.finditer(stext, 1) if m.group(0).lower() not in _NOT_NAMES]
        attribution = att_of_sentence.get(index)
        if has_quantity or names or attribution is not None or _FACTUAL.search(stext):
            claims.append(Claim(Span.of(text, sent.start, sent.end), attribution))
    return claims


_NOT_NAMES = frozenset(["i", "i'm", "i’m", "i've", "i’ve"]) | lx.MONTHS


def _is_candidate(doc: Document, sent: Sentence, stext: str, relay_paras: set[int]) -> bool:
    """Excludes questions, short lines, titles and captions (paragraphs without final punctuation), relay lines."""
    if sent.paragraph in relay_paras or len(stext.split()) < MIN_WORDS:
        return False
    if stext.rstrip(' ”"’)').endswith("?") or _URLISH.search(stext):
        return False
    para = doc.paragraphs[sent.paragraph] if sent.paragraph < len(doc.paragraphs) else None
    # a title, caption or heading: a paragraph without final punctuation
    return para is None or _without_trailing_marks(para.text).endswith((".", "!", "…", "?"))


def _without_trailing_marks(text: str) -> str:
    """`text` without what may follow a sentence's final punctuation: spaces, closing quotes and brackets, emoji and
    other symbols, and invisible characters (a zero-width space, an emoji's variation selector)."""
    end = len(text)
    while end and (text[end - 1] in _CLOSERS or unicodedata.category(text[end - 1]) in _TRAILING):
        end -= 1
    return text[:end]


_CLOSERS = frozenset(' ”"’)]')
# white space, symbols (emoji), modifiers, format characters and combining marks
_TRAILING = frozenset({"Zs", "Zl", "Zp", "Cc", "So", "Sk", "Cf", "Mn", "Me"})


def _any_between(starts: list[int], a: int, b: int) -> bool:
    i = bisect.bisect_left(starts, a)
    return i < len(starts) and starts[i] < b
