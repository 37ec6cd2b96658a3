"""Built-in analysis steps and their factories, registered by versioned name (all defaults live here)."""

from __future__ import annotations

from dataclasses import dataclass

from newsaudit.analysis import attribution, claims, quantities, segment, summary
from newsaudit.analysis.pipeline import register
from newsaudit.document import Document


@dataclass
class Segmenter:
    """Splits the text into paragraphs and sentences."""

    name: str = "newsaudit.segment.v1"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ("paragraphs", "sentences")

    def __call__(self, doc: Document) -> None:
        doc.paragraphs, doc.sentences = segment.segment(doc.text)


@dataclass
class RuleAttributor:
    """Finds source / cue / content relations and the article's relay chain with cue-word rules."""

    name: str = "newsaudit.attribution_rules.v1"
    requires: tuple[str, ...] = ("sentences", "metadata")
    assigns: tuple[str, ...] = ("attributions", "relayed_from")

    def __call__(self, doc: Document) -> None:
        doc.relayed_from = attribution.relay_chain(doc)
        doc.attributions = attribution.find_attributions(doc)


@dataclass
class QuantityFinder:
    """Finds numbers with unit, rate and counted noun, linked to covering attributions."""

    name: str = "newsaudit.quantities.v1"
    requires: tuple[str, ...] = ("sentences", "attributions")
    assigns: tuple[str, ...] = ("quantities",)

    def __call__(self, doc: Document) -> None:
        doc.quantities = quantities.find_quantities(doc)


@dataclass
class ClaimFinder:
    """Marks checkable sentences as claims, linked to covering attributions."""

    name: str = "newsaudit.claims.v1"
    requires: tuple[str, ...] = ("sentences", "attributions", "quantities")
    assigns: tuple[str, ...] = ("claims",)

    def __call__(self, doc: Document) -> None:
        doc.claims = claims.find_claims(doc)


@dataclass
class Summariser:
    """Computes the sourcing profile from the other layers."""

    name: str = "newsaudit.summary.v1"
    requires: tuple[str, ...] = ("attributions", "claims", "quantities")
    assigns: tuple[str, ...] = ("summary",)

    def __call__(self, doc: Document) -> None:
        doc.summary = summary.summarise(doc)


register("newsaudit.segment.v1")(Segmenter)
register("newsaudit.attribution_rules.v1")(RuleAttributor)
register("newsaudit.quantities.v1")(QuantityFinder)
register("newsaudit.claims.v1")(ClaimFinder)
register("newsaudit.summary.v1")(Summariser)

RULE_STEPS = [
    "newsaudit.segment.v1",
    "newsaudit.attribution_rules.v1",
    "newsaudit.quantities.v1",
    "newsaudit.claims.v1",
    "newsaudit.summary.v1",
]
