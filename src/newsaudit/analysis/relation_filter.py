"""Which attribution relations to keep: a learned filter that drops the ones unlikely to be attributions at all.

A linear model (`models/relation-filter/weights.json.gz`, fit by `python -m newsaudit.training.relation_filter`)
scores each relation the rules and the role tagger made, after its spans are settled, from its cue, source, content
and surroundings, and from how sure the role tagger is of each of its spans (also for a rule relation); a relation
whose probability falls under the model's threshold is dropped ('the plan, he said, would pass' keeps 'said'; a lone
'for' linking a headline's nouns goes).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from newsaudit.analysis.content_bounds import QUOTES, VERB_CLASSES, bucket, tokens, word_class
from newsaudit.analysis.role_probabilities import RoleProbabilities, tenths
from newsaudit.analysis.span_index import SpanIndex
from newsaudit.document import Attribution
from newsaudit.models.linear import LinearModel

WEIGHTS = Path(__file__).resolve().parent.parent / "models" / "relation-filter" / "weights.json.gz"

_NEGATIONS = frozenset(["not", "never", "didn’t", "didn't", "n’t", "n't"])
_TOPS = (1, 2, 3, 5, 8, 12, 20, 35, 60)  # count buckets
_CONTENT_FIRST = frozenset(["that", "to", "whether", "if", "how", "what", "the", "a"])


def _tagger_features(att: Attribution, probs: RoleProbabilities) -> list[str]:
    """How sure the role tagger is of the relation's source, cue and content (tenths of the mean and max)."""
    feats = []
    for name, role, span in (
        ("s", 0, att.source.span if att.source else None),
        ("c", 1, att.cue),
        ("t", 2, att.content),
    ):
        got = probs.over(span.start, span.end, role) if span is not None else None
        if got is None:
            feats.append(f"p{name}=none")
            continue
        mean, top = tenths(got[0]), tenths(got[1])
        feats += [f"p{name}={mean}", f"p{name}max={top}", f"op{name}={att.origin}|{mean}"]
    return feats


def _cue_features(text: str, att: Attribution) -> list[str]:
    """The cue's words and word classes, the word before it, and whether it sits inside a quotation."""
    o, cue = att.origin, att.cue
    if cue is None:
        return ["nocue"]
    words = cue.text.lower().split() or ["<none>"]
    head = words[-1]
    before = text[max(0, cue.start - 30) : cue.start].lower().split()
    prev = before[-1] if before else "<s>"
    line_start = text.rfind("\n", 0, cue.start) + 1
    quotes = sum(text.count(q, line_start, cue.start) for q in QUOTES) + text.count("''", line_start, cue.start)
    full = cue.text.lower()
    return [
        f"cue={head}",
        f"cue1={words[0]}",
        f"ocue={o}|{head}",
        f"ncue={min(len(words), 5)}",
        f"cuecls={word_class(head)}",
        f"ocuecls={o}|{word_class(head)}",
        f"cuecap={cue.text[:1].isupper()}",
        f"cuefull={full}",
        f"ocuefull={o}|{full}",
        f"prev={prev}",
        f"prevcls={word_class(prev)}",
        f"neg={prev in _NEGATIONS}",
        f"cue_in_quote={quotes % 2 == 1}",
    ]


def _source_features(att: Attribution) -> list[str]:
    """The source's kind, length and (for one or two words) its words, and its side of the cue."""
    o, src = att.origin, att.source
    if src is None:
        return ["nosrc", f"onosrc={o}"]
    words = src.span.text.lower().split()
    feats = [
        f"kind={src.kind}",
        f"sub={src.subtype}",
        f"okind={o}|{src.kind}",
        f"nsrc={bucket(len(words), _TOPS)}",
        f"srcref={src.refers_to is not None}",
        f"src1={words[0] if len(words) == 1 else '<multi>'}",
        f"srccap={src.span.text[:1].isupper()}",
    ]
    if len(words) <= 2:
        feats.append(f"srcw={' '.join(words)}")
    if att.cue is not None:
        feats.append(f"sside={'before' if src.span.end <= att.cue.start else 'after'}")
    return feats


def _content_features(text: str, att: Attribution) -> list[str]:
    """The content's length, first word, fragments, verbs, and where it lies against the cue and its line."""
    o, c = att.origin, att.content
    words = [t.text.lower() for t in tokens(text, c.start, c.end)]
    first = words[0] if words else ""
    first = first if first in _CONTENT_FIRST else ("Q" if first in QUOTES else "other")
    line_start = text.rfind("\n", 0, c.start) + 1
    feats = [
        f"nc={bucket(len(words), _TOPS)}",
        f"onc={o}|{bucket(len(words), _TOPS)}",
        f"frag={min(len(att.continuation) + 1, 3)}",
        f"c1={first}",
        f"cverb={any(word_class(w) in VERB_CLASSES for w in words)}",
        f"para_start={bucket(c.start - line_start, _TOPS)}",
        f"cq={any(q in text[max(0, c.start - 1) : c.start + 1] for q in QUOTES)}",
    ]
    if att.cue is not None:
        feats.append(f"cside={'before' if c.end <= att.cue.start else 'after'}")
        gap = c.start - att.cue.end if c.start >= att.cue.end else att.cue.start - c.end
        feats.append(f"gap={bucket(max(gap, 0), _TOPS)}")
    return feats


class Neighbours:
    """An article's relations indexed by content and cue, for the counts `relation_features` takes of them (built
    once per article: scanning every relation for each one took quadratic time)."""

    def __init__(self, atts: Sequence[Attribution]) -> None:
        self._atts = list(atts)
        self._contents, self._cues = SpanIndex(), SpanIndex()
        for k, a in enumerate(self._atts):
            self._contents.add(a.content.start, a.content.end, k)
            if a.cue is not None:
                self._cues.add(a.cue.start, a.cue.end, k)

    def _count(self, index: SpanIndex, start: int, end: int, att: Attribution) -> int:
        """How many relations other than `att` have a span of `index` overlapping [start, end), up to 2."""
        n = 0
        for k in index.overlapping(start, end):
            if self._atts[k] is not att:
                n += 1
                if n == 2:
                    break
        return n

    def nested(self, att: Attribution, at: int) -> int:
        """Other relations whose content holds offset `at` (up to 2)."""
        return self._count(self._contents, at, at + 1, att)

    def same_cue(self, att: Attribution) -> int:
        """Other relations whose cue overlaps this one's (up to 2)."""
        return 0 if att.cue is None else self._count(self._cues, att.cue.start, att.cue.end, att)

    def shared_content(self, att: Attribution) -> int:
        """Other relations whose content overlaps this one's (up to 2)."""
        return self._count(self._contents, att.content.start, att.content.end, att)


def relation_features(
    text: str,
    att: Attribution,
    others: Sequence[Attribution] | Neighbours,
    probs: RoleProbabilities | None = None,
) -> list[str]:
    """Binary features of one relation, given the article's relations (`others`, which may include `att` itself, or
    their `Neighbours`) and the role tagger's output over the text (`probs`; without it, those features are left
    out)."""
    o = att.origin
    feats = [f"origin={o}"]
    if o == "model":
        feats.append(f"conf={tenths(att.confidence)}")
    feats += _cue_features(text, att) + _source_features(att) + _content_features(text, att)
    if probs is not None:
        feats += _tagger_features(att, probs)
    anchor = att.cue.start if att.cue is not None else att.content.start
    line_start = text.rfind("\n", 0, anchor) + 1
    line_end = text.find("\n", anchor)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    neighbours = others if isinstance(others, Neighbours) else Neighbours(others)
    nested = neighbours.nested(att, anchor)
    same_cue = neighbours.same_cue(att)
    shared = neighbours.shared_content(att)
    return [
        *feats,
        f"linelen={bucket(len(line.split()), _TOPS)}",
        f"firstline={line_start == 0}",
        f"nested={nested}",
        f"onested={o}|{nested}",
        f"samecue={same_cue}",
        f"contentdup={shared}",
        f"ocontentdup={o}|{shared}",
    ]


class RelationFilter(LinearModel):
    """The fitted relation scorer: a relation is kept when its probability reaches `threshold`."""

    def keep(self, text: str, atts: Sequence[Attribution], probs: RoleProbabilities | None = None) -> list[Attribution]:
        """The relations the model keeps, in their order (`probs`: the role tagger's output over `text`); of two with
        the same source and overlapping contents (never in PolNeAR's gold), only the more probable."""
        neighbours = Neighbours(atts)
        scored = [(self.probability(relation_features(text, a, neighbours, probs)), i) for i, a in enumerate(atts)]
        taken: dict[tuple[int, int] | None, list[Attribution]] = {}  # by source span: only those can be the same
        kept: set[int] = set()
        for p, i in sorted(scored, key=lambda pi: (-pi[0], pi[1])):
            a = atts[i]
            same_source = taken.setdefault((a.source.span.start, a.source.span.end) if a.source else None, [])
            if p >= self.threshold and not any(_same_claim(a, b) for b in same_source):
                same_source.append(a)
                kept.add(i)
        return [a for i, a in enumerate(atts) if i in kept]


def _same_claim(a: Attribution, b: Attribution) -> bool:
    """Same source span and overlapping contents: two cues for one claim."""
    if a.source is None or b.source is None or a.source.span != b.source.span:
        return False
    return any(x.overlaps(y) for x in a.content_spans for y in b.content_spans)


@lru_cache(maxsize=2)
def load_filter(path: str | None = None) -> RelationFilter:
    """The shipped relation filter (or the one at `path`), loaded once."""
    return RelationFilter.load(Path(path) if path else WEIGHTS)
