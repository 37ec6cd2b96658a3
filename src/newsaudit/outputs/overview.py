"""The at-a-glance sourcing figures that the HTML report and the terminal summary share."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from newsaudit.document import Attribution, Document, Source

KIND_ORDER: tuple[str, ...] = ("named", "vague", "anonymous", "self")
CLAIM_ORIGINS: tuple[str, ...] = (*KIND_ORDER, "article", "none")
"""How a claim is sourced: by a source of one kind, by the article's own voice (an attribution with no
source), or not covered by any attribution."""


@dataclass
class SourceEntry:
    """One distinct source and everything attributed to it."""

    name: str
    kind: str
    subtype: str | None
    attributions: list[int] = field(default_factory=list)
    claims: list[int] = field(default_factory=list)
    quantities: list[int] = field(default_factory=list)
    first_offset: int = 0
    named_by_pronoun: bool = False


@dataclass
class Overview:
    """Distinct sources, claim and quantity sourcing, and technique counts for one document."""

    sources: list[SourceEntry]
    article_voice: list[int]
    source_kinds: dict[str, int]
    claims_by_origin: dict[str, int]
    quantities_total: int
    quantities_unsourced: int
    techniques: list[tuple[str, int]]
    layer_counts: dict[str, int]

    @property
    def sources_total(self) -> int:
        return len(self.sources)


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().strip(".,;:\"'“”‘’").casefold()


def _strip_article(name: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", name)


def source_display(src: Source) -> str:
    """A source as a reader should see it: a pronoun with its antecedent ("he → Ana Diaz"), else its own text."""
    name = re.sub(r"\s+", " ", src.span.text).strip().rstrip(",;:")
    if src.refers_to is None:
        return name
    antecedent = re.sub(r"\s+", " ", src.refers_to.text).strip().rstrip(",;:")
    return f"{name} → {antecedent}"


def overview(doc: Document) -> Overview:
    """Group attributions by distinct source (a lone surname joins the named person who has it; a pronoun joins
    its antecedent) and count."""
    by_key: dict[tuple[str, str], SourceEntry] = {}
    article_voice: list[int] = []
    attr_entry: dict[int, SourceEntry] = {}
    for i, att in enumerate(doc.attributions):
        if att.source is None:
            article_voice.append(i)
            continue
        ref = att.source.refers_to
        key = (att.source.kind, _strip_article(_norm((ref or att.source.span).text)))
        entry = by_key.get(key)
        if entry is None:
            entry = SourceEntry(
                name=source_display(att.source),
                kind=att.source.kind,
                subtype=att.source.subtype,
                first_offset=att.source.span.start,
                named_by_pronoun=ref is not None,
            )
            by_key[key] = entry
        elif entry.named_by_pronoun and ref is None:  # the antecedent itself is a source: use its own name
            entry.name, entry.named_by_pronoun = source_display(att.source), False
        entry.attributions.append(i)
        attr_entry[i] = entry

    # A one-word named source ("Marsh") joins the single longer named source whose name (before any comma
    # apposition, as in "Tomas Reyes, head of the union") ends in that word.
    for (kind, key), entry in list(by_key.items()):
        if kind != "named" or " " in key:
            continue
        hosts = [
            e
            for (k, n), e in by_key.items()
            if k == "named" and e is not entry and n.split(",", 1)[0].strip().endswith(" " + key)
        ]
        if len(hosts) == 1:
            host = hosts[0]
            host.attributions = sorted(host.attributions + entry.attributions)
            for i in entry.attributions:
                attr_entry[i] = host
            del by_key[(kind, key)]

    claims_by_origin = dict.fromkeys(CLAIM_ORIGINS, 0)
    for ci, claim in enumerate(doc.claims):
        a = claim.attribution
        if a is None or not 0 <= a < len(doc.attributions):
            claims_by_origin["none"] += 1
        elif a in attr_entry:
            claims_by_origin[attr_entry[a].kind] = claims_by_origin.get(attr_entry[a].kind, 0) + 1
            attr_entry[a].claims.append(ci)
        else:
            claims_by_origin["article"] += 1
    unsourced = 0
    for qi, q in enumerate(doc.quantities):
        if q.attribution is None:
            unsourced += 1
        elif q.attribution in attr_entry:
            attr_entry[q.attribution].quantities.append(qi)

    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    sources = sorted(by_key.values(), key=lambda e: (rank.get(e.kind, len(rank)), e.first_offset))
    kinds = Counter(e.kind for e in sources)
    technique_counts = Counter(t.technique for t in doc.techniques).most_common()
    layer_counts = {
        "sentences": len(doc.sentences),
        "attributions": len(doc.attributions),
        "sources": len(sources),
        "claims": len(doc.claims),
        "quantities": len(doc.quantities),
        "techniques": len(doc.techniques),
    }
    return Overview(
        sources=sources,
        article_voice=article_voice,
        source_kinds={k: kinds.get(k, 0) for k in KIND_ORDER},
        claims_by_origin=claims_by_origin,
        quantities_total=len(doc.quantities),
        quantities_unsourced=unsourced,
        techniques=technique_counts,
        layer_counts=layer_counts,
    )


def shorten(text: str, limit: int = 160) -> str:
    """Collapse whitespace and cut a long text at a word boundary with an ellipsis."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:") + "…"


def format_value(value: float) -> str:
    """A quantity's value without a pointless `.0`, with thousands separators."""
    if not math.isfinite(value):  # only from a hand-made Document: the pipeline never reports one
        return f"{value:g}"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:g}"


def content_text(att: Attribution) -> str:
    """An attribution's content as read: its fragments joined by an ellipsis where the attribution interrupts it."""
    return " … ".join(c.text for c in att.content_spans)


def quoted(text: str) -> str:
    """Wrap attributed content in quotation marks unless it already is a quotation."""
    return text if text[:1] in "\"“‘«'" else f"“{text}”"


def display_title(doc: Document) -> str:
    """The article's title, else its first line when that looks like a headline, else a placeholder."""
    if doc.title and doc.title.strip():
        return doc.title.strip()
    first = (doc.text.strip().splitlines() or [""])[0].strip()  # any line break: "\r" alone, U+2028, ...
    if first and len(first) <= 160 and doc.text.strip() != first:
        return first
    return "Untitled article"
