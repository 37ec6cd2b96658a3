"""Attributions from the trained role tagger: Source / Cue / Content spans linked into relations by proximity.

Linking: every predicted cue takes the nearest content span and the nearest source span, preferring spans in the
cue's own sentence, then its paragraph; a cue without any content nearby is dropped. Sources are typed by the
rule engine's `classify_source`.

Re-anchoring (`reanchor`): the rule verb patterns run at every model cue, so a relation whose cue the lexicon lacks
still gets the rules' source and content boundaries; a model relation the rules cannot place keeps its own spans when
its confidence is at least `MIN_UNPLACED_CONFIDENCE`, unless its cue is only auxiliaries ("were", "has been").

Merging with the rule-based attributions (`merge`): rule relations come first (they are more exact on PolNeAR
dev); a model relation is added where its cue touches no rule cue or source and its content holds any it touches
whole, which raises recall.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from newsaudit.analysis.lexicons import AUXILIARIES
from newsaudit.analysis.span_index import SpanIndex
from newsaudit.document import Attribution, Document, Source, Span
from newsaudit.models.audit_model import AuditModel, document_output

RoleSpan = tuple[str, int, int, float]


def _locator(doc: Document):  # type: ignore[no-untyped-def]
    """A function char offset -> (paragraph index, sentence index), using the document's segmentation."""

    def locate(pos: int) -> tuple[int, int]:
        if not doc.sentences:
            return 0, 0
        i = max(0, doc.sentence_index(pos))
        return doc.sentences[i].paragraph, i

    return locate


def link_roles(doc: Document, spans: Sequence[RoleSpan]) -> list[Attribution]:
    """Relations from role spans: each cue with its nearest content and source (same sentence, then paragraph)."""
    from newsaudit.analysis.attribution import classify_source

    locate = _locator(doc)
    by_role: dict[str, list[RoleSpan]] = {"Source": [], "Cue": [], "Content": []}
    for span in spans:
        by_role[span[0]].append(span)

    # (span, paragraph, first sentence, last sentence) of every candidate, located once
    placed = {
        role: [(c, *locate(c[1]), locate(max(c[1], c[2] - 1))[1]) for c in cands] for role, cands in by_role.items()
    }
    # ... and listed under every sentence and every paragraph they reach, in that order: a cue looks only at its own
    # sentence's candidates, else its paragraph's, not at the whole article's (a long article took quadratic time)
    in_sentence: dict[str, dict[int, list[tuple[RoleSpan, int, int, int]]]] = {role: {} for role in placed}
    in_paragraph: dict[str, dict[int, list[tuple[RoleSpan, int, int, int]]]] = {role: {} for role in placed}
    for role, items in placed.items():
        for item in items:
            for sent in range(item[2], item[3] + 1):
                in_sentence[role].setdefault(sent, []).append(item)
            last = doc.sentences[item[3]].paragraph if doc.sentences else item[1]
            for par in range(item[1], last + 1):
                in_paragraph[role].setdefault(par, []).append(item)

    def nearest(cue: RoleSpan, role: str) -> RoleSpan | None:
        """The candidate closest to the cue in its sentence, else in its paragraph (ties: the first)."""
        cpar, csent = locate(cue[1])
        same_sentence = in_sentence[role].get(csent, [])
        pool = same_sentence or [c for c in in_paragraph[role].get(cpar, ()) if c[1] == cpar]
        best, best_gap = None, None
        for cand, _, _, _ in pool:
            gap = max(cand[1] - cue[2], cue[1] - cand[2], 0)
            if best_gap is None or gap < best_gap:
                best, best_gap = cand, gap
        return best

    out = []
    for cue in by_role["Cue"]:
        content = nearest(cue, "Content")
        if content is None:
            continue
        src = nearest(cue, "Source")
        source = None
        if src is not None:
            kind, subtype = classify_source(doc.text[src[1] : src[2]], outlet=doc.outlet)
            source = Source(doc.span(src[1], src[2]), kind, subtype)
        probs = [cue[3], content[3]] + ([src[3]] if src else [])
        out.append(
            Attribution(
                content=doc.span(content[1], content[2]),
                source=source,
                cue=doc.span(cue[1], cue[2]),
                confidence=round(sum(probs) / len(probs), 4),
                origin="model",
            )
        )
    out.sort(key=lambda a: (a.content.start, a.cue.start if a.cue else 0))
    return out


def _spans(att: Attribution) -> list[Span]:
    return [s for s in (att.source.span if att.source else None, att.cue, att.content) if s is not None]


def _cuts(span: Span, anchor: Span) -> bool:
    """True when `span` overlaps `anchor` without holding all of it."""
    return span.overlaps(anchor) and not (span.start <= anchor.start and anchor.end <= span.end)


def merge(model_atts: Sequence[Attribution], rule_atts: Sequence[Attribution]) -> list[Attribution]:
    """Rule relations plus the model relations the rules lack, in text order.

    A model relation is added when its cue touches no rule cue or source and its content cuts into none: the content
    may hold a whole rule source or cue (a relation nested in the claim: "Officials said the mayor had denied it").
    Its cue may sit inside a rule's content (a second claim of the same speaker: "He said the vote was close and
    noted that turnout fell"). Its source may not touch a rule cue or content, and becomes the rule's source where
    the two overlap (one speaker, two relations). A model relation without a cue is added only where none of its
    spans touches a rule span."""
    sources = [r.source for r in rule_atts if r.source is not None]
    source_spans = [s.span for s in sources]
    cues = [r.cue for r in rule_atts if r.cue is not None]
    contents = [c for r in rule_atts for c in r.content_spans]
    by_source, by_cue, by_content = SpanIndex.of(source_spans), SpanIndex.of(cues), SpanIndex.of(contents)

    def touches(span: Span, *indexes: SpanIndex) -> bool:
        return any(index.overlaps(span.start, span.end) for index in indexes)

    def cuts_an_anchor(content: Span) -> bool:  # the anchors: rule sources and cues
        return any(
            _cuts(content, spans[k])
            for spans, index in ((source_spans, by_source), (cues, by_cue))
            for k in index.overlapping(content.start, content.end)
        )

    added = []
    for m in model_atts:
        if m.cue is None:
            if not any(touches(s, by_source, by_cue, by_content) for s in _spans(m)):
                added.append(m)
            continue
        if touches(m.cue, by_source, by_cue) or cuts_an_anchor(m.content):
            continue
        source = m.source
        if source is not None:
            if touches(source.span, by_cue, by_content):
                continue
            first = min(by_source.overlapping(source.span.start, source.span.end), default=None)
            source = sources[first] if first is not None else source
        added.append(replace(m, source=source))
    return sorted([*rule_atts, *added], key=lambda a: (a.content.start, a.content.end))


# A model relation the rules cannot place is kept only from this confidence up (chosen on the PolNeAR tune split:
# 0.6 raised every exact F1 over keeping all of them and cost no overlap F1 but 0.002 on sources).
MIN_UNPLACED_CONFIDENCE = 0.6


def reanchor(
    doc: Document, atts: Sequence[Attribution], *, min_unplaced_confidence: float = MIN_UNPLACED_CONFIDENCE
) -> list[Attribution]:
    """Model relations with the rules' source and content boundaries: for each model cue, the rule verb patterns run
    at that cue (`attribution.attribution_at_cue`); a relation they cannot place keeps its own spans if the model is
    confident enough and its cue is more than auxiliaries, else it is dropped. The tagger finds cues the lexicon
    lacks; the rules place the spans."""
    from newsaudit.analysis.attribution import attribution_at_cue

    out = []
    for att in atts:
        rule = attribution_at_cue(doc, att.cue.start, att.cue.end) if att.cue is not None else None
        if rule is not None:
            out.append(Attribution(rule.content, rule.source, rule.cue, att.confidence, att.origin))
        elif att.confidence >= min_unplaced_confidence and not _auxiliaries_only(att.cue):
            out.append(att)
    return out


def _auxiliaries_only(cue: Span | None) -> bool:
    """True for a cue made only of auxiliary verbs ("were", "has been"): no PolNeAR tune cue is one."""
    words = re.findall(r"[\w']+", cue.text.lower()) if cue is not None else []
    return bool(words) and all(w in AUXILIARIES for w in words)


def find_attributions(doc: Document, model: AuditModel) -> list[Attribution]:
    """Model-made attributions of a Document (not merged with the rules), with rule-placed spans where possible."""
    out = document_output(doc, model)
    return reanchor(doc, link_roles(doc, model.role_spans(out)))
