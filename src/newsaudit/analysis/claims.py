"""Rule-based claims: one per sentence that asserts something checkable, linked to its attribution."""

from __future__ import annotations

import bisect
import re

from newsaudit.analysis import lexicons as lx
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
    att_of_sentence = _attribution_by_sentence(doc)
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
    return para is None or para.text.rstrip(' ”"’)]').endswith((".", "!", "…", "?"))


def _any_between(starts: list[int], a: int, b: int) -> bool:
    i = bisect.bisect_left(starts, a)
    return i < len(starts) and starts[i] < b


def _attribution_by_sentence(doc: Document) -> dict[int, int]:
    """Sentence index -> attribution index: the attribution whose content overlaps the sentence most, else the one
    whose cue lies in it; a quote that continues an attributed quote in the same paragraph inherits it."""
    starts = [s.start for s in doc.sentences]
    best: dict[int, tuple[int, int]] = {}  # sentence -> (overlap, attribution)
    for j, att in enumerate(doc.attributions):
        spans = [(att.content, True)] + ([(att.cue, False)] if att.cue else [])
        for span, is_content in spans:
            i = max(bisect.bisect_right(starts, span.start) - 1, 0)
            while i < len(doc.sentences) and doc.sentences[i].start < max(span.end, span.start + 1):
                sent = doc.sentences[i]
                overlap = min(span.end, sent.end) - max(span.start, sent.start) if is_content else 0
                if (overlap > 0 or not is_content) and (i not in best or overlap > best[i][0]):
                    best[i] = (overlap, j)
                i += 1
    out = {i: j for i, (_, j) in best.items()}
    for i, sent in enumerate(doc.sentences):
        if (
            i not in out
            and (i - 1) in out
            and doc.sentences[i - 1].paragraph == sent.paragraph
            and doc.text[sent.start : sent.start + 1] in '“"'
        ):
            out[i] = out[i - 1]  # a quote continuing the previous sentence's attributed quote
    return out
