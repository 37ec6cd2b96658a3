"""Where an attribution's source starts and ends: two learned boundary scorers that may move either edge.

Each edge's candidates are the token edges of the source's line within 200 characters, never crossing its cue or
content. Two linear models (`models/source-bounds/`, fit by `python -m newsaudit.training.source_bounds`) score
them from the tokens around them and the role tagger's probabilities; an edge moves to the best candidate when it
beats the current edge by more than the model's threshold ('a court document filed by | state attorney Ana Diaz';
'Tomas Berg |, a former dock worker,'). The end moves first, then the start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from newsaudit.analysis.content_bounds import VERB_CLASSES, Token, tokens, word_class
from newsaudit.analysis.role_probabilities import RoleProbabilities, tenths_or_none
from newsaudit.document import Attribution, Span
from newsaudit.models.linear import LinearModel

FOLDER = Path(__file__).resolve().parent.parent / "models" / "source-bounds"
REACH = 200  # characters either side of the source that a candidate edge may lie in
# tokens either side of the current start that a new start may lie at (25 of 629 gold moves on PolNeAR train are
# farther; the start candidates were three quarters of the work)
START_REACH = 12

_START_TOKEN = re.compile(r"[\w$“\"']")
# an existential "there" never starts a source ("There's a growing number of reports saying ..."; 1 of 17,949 gold
# sources on PolNeAR train)
_NEVER_START = frozenset(["there", "there's", "there’s"])
SOURCE = 0  # the role index of Source in RoleProbabilities


def _shape(token: str) -> str:
    if token[:1].isupper():
        return "Cap"
    if token[:1].isdigit():
        return "Num"
    return "low" if token[:1].isalpha() else token[:1]


def _delta(d: int) -> str:
    return str(d) if abs(d) <= 3 else ("+4" if d > 0 else "-4")


def window(text: str, att: Attribution) -> list[Token]:
    """The tokens a moved source edge may reach: its line, within REACH characters, short of its cue and content."""
    assert att.source is not None
    s, e = att.source.span.start, att.source.span.end
    lo = max(text.rfind("\n", 0, s) + 1, s - REACH)
    line_end = text.find("\n", e)
    hi = min(len(text) if line_end < 0 else line_end, e + REACH)
    for span in (att.cue, *att.content_spans):
        if span is None:
            continue
        if span.end <= s:
            lo = max(lo, span.end)
        elif span.start >= e:
            hi = min(hi, span.start)
    return tokens(text, lo, hi)


def _context(att: Attribution) -> tuple[str, str]:
    """The cue's last word and which side of the source the cue is on."""
    if att.cue is None or att.source is None:
        return "<none>", "none"
    words = att.cue.text.lower().split()
    return (words[-1] if words else "<none>"), ("cue_after" if att.cue.start >= att.source.span.end else "cue_before")


def _between_features(between: Sequence[str], d: str, cue_head: str, side: str, origin: str) -> list[str]:
    """The features both edges share: distance to the current edge, a comma or verb in between, cue and origin."""
    comma, verb = "," in between, any(word_class(w) in VERB_CLASSES for w in between)
    return [
        f"d={d}",
        f"bc={comma}",
        f"bv={verb}",
        f"dbc={d}|{comma}",
        f"side={side}",
        f"origin={origin}",
        f"od={origin}|{d}",
        f"sd={side}|{d}",
        f"cue={cue_head}",
    ]


def start_features(toks: Sequence[Token], i: int, current: int, cue_head: str, side: str, origin: str) -> list[str]:
    """Features of starting the source at token `i` when it now starts at token `current`."""
    t, p = toks[i].text.lower(), (toks[i - 1].text.lower() if i > 0 else "<bol>")
    lo, hi = sorted((i, current))
    between = [u.text.lower() for u in toks[lo:hi]]
    d = _delta(i - current)
    shape_t, shape_p = _shape(toks[i].text), (_shape(toks[i - 1].text) if i > 0 else "-")
    return [
        *_between_features(between, d, cue_head, side, origin),
        f"t={t}",
        f"p={p}",
        f"ts={shape_t}",
        f"ps={shape_p}",
        f"pt={p}|{t}",
        f"pst={shape_p}|{shape_t}",
        f"dt={d}|{t}",
        f"dp={d}|{p}",
        f"bw={'|'.join(between[:2]) if i < current else ''}",
        f"wc={word_class(t)}",
        f"pwc={word_class(p)}|{shape_t}",
    ]


def end_features(toks: Sequence[Token], j: int, current: int, cue_head: str, side: str, origin: str) -> list[str]:
    """Features of ending the source after token `j` when it now ends after token `current`."""
    n = len(toks)
    t = toks[j].text.lower()
    nxt = toks[j + 1].text.lower() if j + 1 < n else "<eol>"
    nxt2 = toks[j + 2].text.lower() if j + 2 < n else "<eol>"
    lo, hi = sorted((j, current))
    between = [u.text.lower() for u in toks[lo + 1 : hi + 1]]
    d = _delta(j - current)
    shape_t, shape_n = _shape(toks[j].text), (_shape(toks[j + 1].text) if j + 1 < n else "-")
    return [
        *_between_features(between, d, cue_head, side, origin),
        f"t={t}",
        f"n={nxt}",
        f"n2={nxt2}",
        f"ts={shape_t}",
        f"ns={shape_n}",
        f"tn={t}|{nxt}",
        f"tsn={shape_t}|{shape_n}",
        f"dt={d}|{t}",
        f"dn={d}|{nxt}",
        f"bwho={'who' in between}",
        f"wc={word_class(t)}",
        f"nwc={word_class(nxt)}|{shape_t}",
        f"nn2={nxt}|{nxt2}",
    ]


def _tagger_features(toks: Sequence[Token], inner: int, outer: int, probs: RoleProbabilities) -> list[str]:
    """How sure the role tagger is that the edge token `inner` (kept in the source) and its neighbour `outer` (left
    out) are source, in tenths."""

    def p(k: int) -> str:
        return tenths_or_none(probs.mean(toks[k].start, toks[k].end, SOURCE) if 0 <= k < len(toks) else None)

    pi, po = p(inner), p(outer)
    return [f"pin={pi}", f"pout={po}", f"pio={pi}|{po}"]


def edge_candidates(
    text: str, att: Attribution, edge: str, probs: RoleProbabilities | None = None
) -> list[tuple[int, bool, list[str]]]:
    """(char offset, is the current edge, features) for each place the source's `edge` ("start" or "end") could be
    (`probs`: the role tagger's output over `text`; without it, those features are left out)."""
    if att.source is None:
        return []
    toks = window(text, att)
    s, e = att.source.span.start, att.source.span.end
    at = (lambda t: t.start) if edge == "start" else (lambda t: t.end)
    current = next((k for k, t in enumerate(toks) if at(t) == (s if edge == "start" else e)), None)
    if current is None:
        return []
    cue_head, side = _context(att)
    if edge == "start":
        out = [
            (t.start, i == current, start_features(toks, i, current, cue_head, side, att.origin), i)
            for i, t in enumerate(toks)
            if t.start < e
            and abs(i - current) <= START_REACH
            and _START_TOKEN.match(t.text)
            and t.text.lower() not in _NEVER_START
        ]
    else:
        out = [
            (t.end, j == current, end_features(toks, j, current, cue_head, side, att.origin), j)
            for j, t in enumerate(toks)
            if t.end > s
        ]
    if probs is not None:
        step = -1 if edge == "start" else 1  # the neighbour left out of the source
        for _, _, feats, k in out:
            feats += _tagger_features(toks, k, k + step, probs)
    return [(offset, is_current, feats) for offset, is_current, feats, _ in out]


def best_edge(model: LinearModel, candidates: Sequence[tuple[int, bool, list[str]]]) -> int | None:
    """The offset to move the edge to, or None when no candidate beats the current edge by `model.threshold`."""
    if not candidates:
        return None
    scored = [(model.probability(f), offset, is_current) for offset, is_current, f in candidates]
    current = max((p for p, _, is_current in scored if is_current), default=0.0)
    p, offset, is_current = max(scored)
    return None if is_current or p - current <= model.threshold else offset


def move_edge(text: str, att: Attribution, edge: str, offset: int) -> Attribution:
    """The attribution with its source's `edge` at `offset`, unless that empties the source or runs it into its cue
    or content."""
    if att.source is None:
        return att
    s, e = att.source.span.start, att.source.span.end
    s, e = (offset, e) if edge == "start" else (s, offset)
    if s >= e or not text[s:e].strip():
        return att
    span = Span.of(text, s, e)
    if any(
        span.overlaps(other) and not att.source.span.overlaps(other) for other in (att.cue, *att.content_spans) if other
    ):
        return att
    return replace(att, source=replace(att.source, span=span, refers_to=None))


@dataclass(frozen=True)
class SourceBounds:
    """The two fitted edge scorers."""

    start: LinearModel
    end: LinearModel

    def adjust(self, text: str, att: Attribution, probs: RoleProbabilities | None = None) -> Attribution:
        """The attribution with its source's end, then its start, moved where the models say (or unchanged)."""
        for edge, model in (("end", self.end), ("start", self.start)):
            if att.source is None:
                return att
            offset = best_edge(model, edge_candidates(text, att, edge, probs))
            if offset is not None:
                att = move_edge(text, att, edge, offset)
        return att

    def apply(
        self,
        text: str,
        atts: Sequence[Attribution],
        outlet: str | None = None,
        probs: RoleProbabilities | None = None,
    ) -> list[Attribution]:
        """Every attribution adjusted; a moved source is typed again (pronouns by what they stand for)."""
        from newsaudit.analysis.attribution import classify_source, resolve_pronouns

        out, any_moved = [], False
        for att in atts:
            moved = self.adjust(text, att, probs)
            if moved.source is not None and att.source is not None and moved.source.span != att.source.span:
                kind, subtype = classify_source(moved.source.span.text, outlet=outlet)
                moved = replace(moved, source=replace(moved.source, kind=kind, subtype=subtype))
                any_moved = True
            out.append(moved)
        # the model step resolved the pronouns already; only a moved source can change what one stands for
        return resolve_pronouns(text, out) if any_moved else out


@lru_cache(maxsize=2)
def load_source_bounds(folder: str | None = None) -> SourceBounds:
    """The shipped edge scorers (or those in `folder`), loaded once."""
    root = Path(folder) if folder else FOLDER
    return SourceBounds(LinearModel.load(root / "start.json.gz"), LinearModel.load(root / "end.json.gz"))
