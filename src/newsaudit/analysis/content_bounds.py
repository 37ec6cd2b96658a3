"""Where an attribution's content ends: a learned cut before a trailing adjunct, appositive or second clause.

A linear model (`models/content-bounds/weights.json.gz`, fit by `python -m newsaudit.training.content_bounds`) scores
each word boundary inside a one-fragment content ('criticised the NRA | in February', 'backed Ana Diaz |, a former
mayor') from the words around it and the role tagger's probabilities; the content ends at the best boundary when its
probability passes the model's threshold.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from newsaudit.analysis import lexicons
from newsaudit.analysis.role_probabilities import RoleProbabilities, tenths_or_none
from newsaudit.document import Attribution, Span
from newsaudit.models.linear import LinearModel

WEIGHTS = Path(__file__).resolve().parent.parent / "models" / "content-bounds" / "weights.json.gz"

# a number keeps its thousands separator and decimals ("1,200", "$3.5"); quotes and other marks stand alone
_TOKEN = re.compile(r"[$£€]?\d+(?:[.,]\d+)+%?|[\w'’$%.-]+|[“”\"]|[^\w\s]")
_WORD_START = re.compile(r"[\w$]")
# a sentence ends inside a content: '. The', '?" He'
_SENTENCE_END = re.compile(r"[.?!][\"”’]?\s+[A-Z“\"]")
# punctuation a content never ends on when it is cut before the next word
_SKIPPED = frozenset({",", ";", ":", "—", "–", "-", "(", "--"})
QUOTES = ('"', "“", "”")
_FIRST_WORDS = frozenset(
    ["that", "to", "whether", "if", "how", "what", "why", "when", "who", "a", "an", "the", "his", "her", "their", "its"]
)
_SPEECH = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "tells",
        "added",
        "wrote",
        "writes",
        "according",
        "asked",
        "stated",
        "noted",
        "explained",
        "argued",
        "declared",
        "insisted",
        "replied",
        "tweeted",
    ]
)
_CUE_FORMS = frozenset(lexicons.CUE_VERBS) | {f for forms in lexicons.CUE_VERBS.values() for f in forms}
_TIME_WORDS = frozenset(["last", "this", "next", "earlier", "later", "recently", "yesterday", "today"])
_DETERMINERS = frozenset(
    ["the", "a", "an", "his", "her", "their", "its", "our", "my", "this", "that", "these", "those"]
)
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you"])
VERB_CLASSES = frozenset(["aux", "past", "cue"])  # the word classes that count as a verb
CONTENT = 2  # the role index of Content in RoleProbabilities


class Token(NamedTuple):
    """A word or punctuation mark at text[start:end]."""

    start: int
    end: int
    text: str


class Boundary(NamedTuple):
    """A place to end a content: after token `kept` (at char `cut`), before word token `next`."""

    cut: int
    kept: int
    next: int


@lru_cache(maxsize=16384)
def word_class(word: str) -> str:
    """A coarse class of a lower-cased word from the package lexicons (auxiliary, past tense, time word, ...)."""
    if word in lexicons.AUXILIARIES:
        return "aux"
    if word in _CUE_FORMS:
        return "cue"
    if word in lexicons.PAST_VERBS or (word.endswith("ed") and len(word) > 4):
        return "past"
    if word in lexicons.MONTHS or word in lexicons.WEEKDAYS or word.isdigit() or word in _TIME_WORDS:
        return "time"
    if word in _DETERMINERS:
        return "det"
    if word in _PRONOUNS:
        return "pron"
    if word.endswith("ing"):
        return "ing"
    return "ly" if word.endswith("ly") else "other"


def _suffix(word: str) -> str:
    for end in ("ed", "ing", "s", "ly"):
        if word.endswith(end):
            return end
    return "-"


def bucket(n: int, tops: Sequence[int] = (1, 2, 3, 5, 8, 12, 20, 35)) -> str:
    """A count as a feature value: the first of `tops` it does not exceed, or "more"."""
    for top in tops:
        if n <= top:
            return str(top)
    return "more"


def tokens(text: str, start: int, end: int) -> list[Token]:
    """Words and punctuation marks of text[start:end], with absolute offsets."""
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


def boundaries(toks: Sequence[Token]) -> list[Boundary]:
    """Every place before a word (not the first) where a content could end, trailing ',;:-(' left out."""
    out = []
    for i in range(1, len(toks)):
        if not _WORD_START.match(toks[i].text):
            continue
        j = i - 1
        while j >= 0 and toks[j].text in _SKIPPED:
            j -= 1
        if j >= 0:
            out.append(Boundary(toks[j].end, j, i))
    return out


def boundary_features(
    text: str,
    toks: Sequence[Token],
    cue: tuple[int, int] | None,
    origin: str,
    other_cues: Sequence[int] = (),
    other_sources: Sequence[int] = (),
    probs: RoleProbabilities | None = None,
) -> list[tuple[Boundary, list[str]]]:
    """Each boundary of the content `toks` with the binary features of ending there, given the relation's cue and
    origin, where the other relations' cues and sources start, and the role tagger's output (`probs`; without it,
    those features are left out)."""
    found = boundaries(toks)
    if not found:
        return []
    start, end = toks[0].start, toks[-1].end
    cues_inside = [c for c in other_cues if start <= c < end]
    sources_inside = [c for c in other_sources if start <= c < end]
    last_sentence_end = max((m.start() for m in _SENTENCE_END.finditer(text, start, end)), default=-1)
    lower = [t.text.lower() for t in toks]
    verb = [word_class(w) in VERB_CLASSES for w in lower]
    verb_upto = list(itertools.accumulate(verb, operator.or_))  # a verb among toks[: i + 1]
    verb_from = list(itertools.accumulate(reversed(verb), operator.or_))[::-1]  # a verb among toks[i:]
    quotes_upto = list(itertools.accumulate(t.text in QUOTES for t in toks))
    first = lower[0]
    if first not in _FIRST_WORDS:
        first = "Q" if first in QUOTES else ("Cap" if toks[0].text[:1].isupper() else "other")
    cue_words = text[cue[0] : cue[1]].lower().split() if cue else []
    cue_head = cue_words[-1] if cue_words else "<none>"
    kind = "speech" if any(w in _SPEECH for w in cue_words) else "other"
    side = "none" if cue is None else ("cue_before" if cue[1] <= toks[0].start else "cue_after")
    n = len(toks)
    word_p: dict[int, str] = {}  # each token's tenth, computed when a boundary first needs it
    out = []
    for b in found:
        if quotes_upto[b.kept] % 2:
            continue  # inside a quotation (2 of 1,765 gold ends on PolNeAR train, a quarter of the boundaries)
        w1 = lower[b.next]
        w2 = lower[b.next + 1] if b.next + 1 < n else "<end>"
        punct = "".join(t.text for t in toks[b.kept + 1 : b.next])
        suffix = _suffix(w1)
        c1, c2 = word_class(w1), word_class(w2)
        verb_before = str(verb_upto[b.kept])
        verb_after = b.next + 1 < n and verb_from[b.next + 1]
        verb_near = str(any(verb[b.next + 1 : b.next + 6]))
        feats = [
            f"w1={w1}",
            f"w2={w2}",
            f"p={punct}",
            f"prev={punct or lower[b.kept]}",
            f"pw1={punct}|{w1}",
            f"suf={suffix}",
            f"psuf={punct}|{w1}|{suffix}",
            f"w1w2={w1}|{w2}",
            f"nb={bucket(b.kept + 1)}",
            f"na={bucket(n - b.next)}",
            f"first={first}",
            f"fw1={first}|{w1}",
            f"cue={cue_head}",
            f"kind={kind}",
            f"kw1={kind}|{w1}",
            f"kp={kind}|{punct}",
            f"side={side}",
            f"origin={origin}",
            f"ow1={origin}|{w1}",
            f"cuew1={cue_head}|{w1}",
            f"fp={first}|{punct}",
            f"c2={c2}",
            f"w1c2={punct}|{w1}|{c2}",
            f"c1={punct}|{c1}",
            f"bv={verb_before}",
            f"av={verb_after}",
            f"w1bv={punct}|{w1}|{verb_before}",
            f"w1av={punct}|{w1}|{verb_near}",
            f"kc2={kind}|{w1}|{c2}",
        ]
        cue_tail = any(b.cut < c for c in cues_inside)
        sentence_tail = last_sentence_end >= b.cut
        feats += [
            f"cue_tail={cue_tail}",
            f"cue_head={any(c < b.cut for c in cues_inside)}",
            f"source_tail={any(b.cut < c for c in sources_inside)}",
            f"cue_tail_pw1={cue_tail}|{punct}|{w1}",
            f"sentence_tail={sentence_tail}",
            f"sentence_tail_pw1={sentence_tail}|{punct}|{w1}",
        ]
        if probs is not None:
            feats += _tagger_features(toks, b, probs, word_p, punct)
        out.append((b, feats))
    return out


def _tagger_features(
    toks: Sequence[Token], b: Boundary, probs: RoleProbabilities, word_p: dict[int, str], punct: str
) -> list[str]:
    """How sure the role tagger is that the last kept word, the next word and the part cut off are content
    (`word_p`: the tokens' tenths so far, shared by the content's boundaries)."""
    for k in (b.kept, b.next):
        if k not in word_p:
            word_p[k] = tenths_or_none(probs.mean(toks[k].start, toks[k].end, CONTENT))
    pk, pn = word_p[b.kept], word_p[b.next]
    pt = tenths_or_none(probs.mean(toks[b.next].start, toks[-1].end, CONTENT))
    return [f"pk={pk}", f"pn={pn}", f"ptail={pt}", f"pkn={pk}|{pn}", f"ppn={punct}|{pn}"]


class RoleStarts:
    """Where an article's relations' cues and sources start, sorted: those inside one content are found by
    bisection (listing every relation's for each content took quadratic time)."""

    def __init__(self, atts: Sequence[Attribution]) -> None:
        self._atts = list(atts)
        self._cues = sorted((a.cue.start, k) for k, a in enumerate(self._atts) if a.cue)
        self._sources = sorted((a.source.span.start, k) for k, a in enumerate(self._atts) if a.source)

    def inside(self, span: Span, att: Attribution) -> tuple[list[int], list[int]]:
        """The cue starts and the source starts of the relations other than `att` within `span`."""
        return self._between(self._cues, span, att), self._between(self._sources, span, att)

    def _between(self, points: list[tuple[int, int]], span: Span, att: Attribution) -> list[int]:
        lo, hi = bisect.bisect_left(points, (span.start,)), bisect.bisect_left(points, (span.end,))
        return [pos for pos, k in points[lo:hi] if self._atts[k] is not att]


class ContentBounds(LinearModel):
    """The fitted boundary scorer: a cut is made where its probability passes `threshold`."""

    def best_cut(
        self,
        text: str,
        attribution: Attribution,
        starts: RoleStarts,
        probs: RoleProbabilities | None = None,
    ) -> int | None:
        """The char offset the content should end at, or None to keep it (`starts`: where the article's relations'
        cues and sources start; `probs`: the role tagger's output over `text`)."""
        content = attribution.content
        toks = tokens(text, content.start, content.end)
        cue = (attribution.cue.start, attribution.cue.end) if attribution.cue else None
        other_cues, other_sources = starts.inside(content, attribution)
        best, best_p = None, self.threshold
        for b, feats in boundary_features(text, toks, cue, attribution.origin, other_cues, other_sources, probs):
            p = self.probability(feats)
            if p > best_p:
                best, best_p = b.cut, p
        return best

    def trim(
        self, text: str, attributions: Sequence[Attribution], probs: RoleProbabilities | None = None
    ) -> list[Attribution]:
        """The attributions with each one-fragment content cut at its best boundary, if any passes."""
        out = []
        starts = RoleStarts(attributions)
        for a in attributions:
            cut = None if a.continuation else self.best_cut(text, a, starts, probs)
            if cut is not None:
                a = replace(a, content=Span.of(text, a.content.start, cut))
            out.append(a)
        return out


@lru_cache(maxsize=2)
def load_bounds(path: str | None = None) -> ContentBounds:
    """The shipped boundary model (or the one at `path`), loaded once."""
    return ContentBounds.load(Path(path) if path else WEIGHTS)
