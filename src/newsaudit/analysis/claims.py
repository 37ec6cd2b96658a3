"""Rule-based claims: one per sentence that asserts something checkable, linked to its attribution."""

from __future__ import annotations

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
    import bisect

    i = bisect.bisect_left(starts, a)
    return i < len(starts) and starts[i] < b


def _attribution_by_sentence(doc: Document) -> dict[int, int]:
    """Sentence index -> attribution index: the attribution whose content or cue lies in the sentence."""
    out: dict[int, int] = {}
    for i, sent in enumerate(doc.sentences):
        best = None
        best_overlap = 0
        for j, att in enumerate(doc.attributions):
            c = att.content
            overlap = min(c.end, sent.end) - max(c.start, sent.start)
            cue_in = att.cue is not None and sent.start <= att.cue.start < sent.end
            if overlap > best_overlap or (cue_in and best is None):
                best, best_overlap = j, max(overlap, best_overlap)
        if best is not None:
            out[i] = best
        elif (
            i > 0
            and (i - 1) in out
            and doc.sentences[i - 1].paragraph == sent.paragraph
            and doc.text[sent.start : sent.start + 1] in '“"'
        ):
            out[i] = out[i - 1]  # a quote continuing the previous sentence's attributed quote
    return out
