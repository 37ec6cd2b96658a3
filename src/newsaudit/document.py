"""The typed Document: article text, metadata and analysis layers, all as character offsets."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA = "newsaudit/1"

SourceKind = Literal["named", "vague", "anonymous", "self"]
SourceSubtype = Literal["outlet", "person", "organisation", "other"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) into the article text, with the text it covers."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """Build a span by slicing `text`, so that `span.text == text[start:end]` holds by construction."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span [{start}, {end}) is outside a text of length {len(text)}")
        return cls(start, end, text[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence, with the index of the paragraph it belongs to."""

    start: int
    end: int
    paragraph: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "paragraph": self.paragraph}


@dataclass(frozen=True, slots=True)
class Source:
    """Who a claim is attributed to, typed by how identifiable it is."""

    span: Span
    kind: SourceKind
    subtype: SourceSubtype | None = None
    # What a pronoun source ("he", "who") stands for: its antecedent's span in the same text, when one was found.
    refers_to: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.span.to_dict(),
            "kind": self.kind,
            "subtype": self.subtype,
            "refers_to": self.refers_to.to_dict() if self.refers_to else None,
        }


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution relation: a source (or none: the article itself), a cue and the content."""

    content: Span
    source: Source | None = None
    cue: Span | None = None
    confidence: float = 1.0
    origin: str = "rules"
    # Later fragments of the content where its attribution interrupts it ('"A," she said. "B."'; 'A, she said, b').
    continuation: tuple[Span, ...] = ()

    @property
    def content_spans(self) -> tuple[Span, ...]:
        """Every fragment of the content, in text order."""
        return (self.content, *self.continuation)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict() if self.source else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "content": self.content.to_dict(),
            "continuation": [s.to_dict() for s in self.continuation],
            "confidence": round(self.confidence, 4),
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence-level checkable assertion, linked to the attribution that covers it, if any."""

    span: Span
    attribution: int | None = None
    checkworthy: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.span.to_dict(),
            "attribution": self.attribution,
            "checkworthy": None if self.checkworthy is None else round(self.checkworthy, 4),
        }


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit, rate and what it counts; `attribution` None means unsourced."""

    span: Span
    value: float
    unit: str | None = None
    per: str | None = None
    counts: str | None = None
    approximate: bool = False
    attribution: int | None = None

    @property
    def unsourced(self) -> bool:
        return self.attribution is None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.span.to_dict(),
            "value": self.value,
            "unit": self.unit,
            "per": self.per,
            "counts": self.counts,
            "approximate": self.approximate,
            "attribution": self.attribution,
            "unsourced": self.unsourced,
        }


@dataclass(frozen=True, slots=True)
class Technique:
    """A persuasion-technique span (SemEval-2020 PTC label set) with the model's score."""

    span: Span
    technique: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "technique": self.technique, "score": round(self.score, 4)}


@dataclass
class Document:
    """An article and every analysis layer added to it; outputs only read it."""

    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    relayed_from: list[str] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    # Per-step scratch space (e.g. encoder output shared by model heads); never serialised.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def span(self, start: int, end: int) -> Span:
        """A span of this document's text."""
        return Span.of(self.text, start, end)

    def sentence_index(self, offset: int) -> int:
        """The index of the last sentence starting at or before `offset`, or -1 if none does."""
        return bisect.bisect_right(self.sentences, offset, key=lambda s: s.start) - 1

    def iter_spans(self) -> Iterator[tuple[str, Span]]:
        """Every span in every layer, named by its layer and role."""
        for p in self.paragraphs:
            yield "paragraph", p
        for s in self.sentences:
            yield "sentence", Span.of(self.text, s.start, s.end)
        for a in self.attributions:
            if a.source:
                yield "source", a.source.span
                if a.source.refers_to is not None:
                    yield "refers_to", a.source.refers_to
            if a.cue:
                yield "cue", a.cue
            for span in a.content_spans:
                yield "content", span
        for c in self.claims:
            yield "claim", c.span
        for q in self.quantities:
            yield "quantity", q.span
        for t in self.techniques:
            yield "technique", t.span

    def check_offsets(self) -> None:
        """Raise ValueError if any span does not slice the text it claims to cover."""
        for role, span in self.iter_spans():
            if not 0 <= span.start <= span.end <= len(self.text):
                raise ValueError(f"{role} span [{span.start}, {span.end}) is out of range")
            if self.text[span.start : span.end] != span.text:
                raise ValueError(f"{role} span [{span.start}, {span.end}) text does not match the article")
        n = len(self.attributions)
        for layer in (self.claims, self.quantities):
            for item in layer:
                if item.attribution is not None and not 0 <= item.attribution < n:
                    raise ValueError(f"attribution index {item.attribution} out of range")

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (schema newsaudit/1)."""
        return {
            "schema": SCHEMA,
            "article": {
                "text": self.text,
                "title": self.title,
                "url": self.url,
                "published": self.published,
                "outlet": self.outlet,
                "author": self.author,
                "relayed_from": list(self.relayed_from),
            },
            "paragraphs": [{"start": p.start, "end": p.end} for p in self.paragraphs],
            "sentences": [s.to_dict() for s in self.sentences],
            "attributions": [a.to_dict() for a in self.attributions],
            "claims": [c.to_dict() for c in self.claims],
            "quantities": [q.to_dict() for q in self.quantities],
            "techniques": [t.to_dict() for t in self.techniques],
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a Document from its JSON contract (as stored in a corpus)."""
        art = data["article"]
        text = art["text"]

        def sp(d: dict[str, Any] | None) -> Span | None:
            return None if d is None else Span.of(text, d["start"], d["end"])

        def source(d: dict[str, Any] | None) -> Source | None:
            if d is None:
                return None
            ref = d.get("refers_to")
            refers_to = None if ref is None else Span.of(text, ref["start"], ref["end"])
            return Source(Span.of(text, d["start"], d["end"]), d["kind"], d.get("subtype"), refers_to)

        doc = cls(
            text=text,
            title=art.get("title"),
            url=art.get("url"),
            published=art.get("published"),
            outlet=art.get("outlet"),
            author=art.get("author"),
            relayed_from=list(art.get("relayed_from") or []),
        )
        doc.paragraphs = [Span.of(text, p["start"], p["end"]) for p in data.get("paragraphs", [])]
        doc.sentences = [Sentence(s["start"], s["end"], s.get("paragraph", 0)) for s in data.get("sentences", [])]
        doc.attributions = [
            Attribution(
                content=Span.of(text, a["content"]["start"], a["content"]["end"]),
                source=source(a.get("source")),
                cue=sp(a.get("cue")),
                confidence=a.get("confidence", 1.0),
                origin=a.get("origin", "rules"),
                continuation=tuple(Span.of(text, c["start"], c["end"]) for c in a.get("continuation") or []),
            )
            for a in data.get("attributions", [])
        ]
        doc.claims = [
            Claim(Span.of(text, c["start"], c["end"]), c.get("attribution"), c.get("checkworthy"))
            for c in data.get("claims", [])
        ]
        doc.quantities = [
            Quantity(
                Span.of(text, q["start"], q["end"]),
                q["value"],
                q.get("unit"),
                q.get("per"),
                q.get("counts"),
                q.get("approximate", False),
                q.get("attribution"),
            )
            for q in data.get("quantities", [])
        ]
        doc.techniques = [
            Technique(Span.of(text, t["start"], t["end"]), t["technique"], t["score"])
            for t in data.get("techniques", [])
        ]
        doc.summary = dict(data.get("summary", {}))
        return doc
