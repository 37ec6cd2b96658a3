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


# -- trained-model steps (issue 3): one encoder pass per document, shared through doc.cache ------------------------


@dataclass
class ModelStep:
    """A step that reads the trained model's output; `prepare` computes that output ahead (see Pipeline.ahead)."""

    model_dir: str | None = None

    def prepare(self, doc: Document) -> None:
        """Run the encoder and token heads on `doc` into its cache; reads only `doc.text` (safe on a worker thread)."""
        from newsaudit.models.audit_model import document_output, load_model

        document_output(doc, load_model(self.model_dir))


@dataclass
class TechniqueTagger(ModelStep):
    """Persuasion-technique spans (SemEval-2020 PTC labels) from the trained model."""

    name: str = "newsaudit.techniques.v1"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ("techniques",)

    def __call__(self, doc: Document) -> None:
        from newsaudit.analysis import techniques
        from newsaudit.models.audit_model import load_model

        doc.techniques = techniques.find_techniques(doc, load_model(self.model_dir))


@dataclass
class ModelAttributor(ModelStep):
    """Source / cue / content relations from the trained role tagger, merged with the rule relations."""

    name: str = "newsaudit.attribution_model.v1"
    requires: tuple[str, ...] = ("sentences", "attributions")
    assigns: tuple[str, ...] = ("attributions",)

    def __call__(self, doc: Document) -> None:
        from newsaudit.analysis import attribution_model
        from newsaudit.analysis.attribution import mute_thing, relay_paragraphs, resolve_pronouns, settle_spans
        from newsaudit.models.audit_model import load_model

        # every linked relation goes to the merge, also one without a source or spread over two sentences (until
        # session 13 only complete one-sentence relations did: PolNeAR tune source exact 0.7446 -> 0.7475, cue
        # overlap 0.8048 -> 0.8132, content exact 0.5692 -> 0.5716; dev 0.7343 -> 0.7347, 0.7954 -> 0.7987,
        # 0.5461 -> 0.5456)
        found = attribution_model.find_attributions(doc, load_model(self.model_dir))
        if relay := relay_paragraphs(doc):  # "X reports:" relays the article; nothing inside it is attributed
            paragraph_of = [s.paragraph for s in doc.sentences]
            found = [a for a in found if paragraph_of[max(doc.sentence_index(a.content.start), 0)] not in relay]
        # the model's relations get their pronoun sources typed as the rules' do
        merged = resolve_pronouns(doc.text, attribution_model.merge(found, doc.attributions))
        # typed again on the final spans: settling can make a pronoun source ("He’s" -> "He") or move an antecedent
        settled = settle_spans(doc.text, [a for a in merged if not mute_thing(a)])
        doc.attributions = resolve_pronouns(doc.text, settled)


@dataclass
class ContentBounder(ModelStep):
    """Ends each one-fragment attribution content where the trained boundary model says it ends."""

    name: str = "newsaudit.content_bounds.v1"
    requires: tuple[str, ...] = ("attributions",)
    assigns: tuple[str, ...] = ("attributions",)
    weights: str | None = None

    def __call__(self, doc: Document) -> None:
        from newsaudit.analysis.content_bounds import load_bounds
        from newsaudit.analysis.role_probabilities import role_probabilities

        probs = role_probabilities(doc, self.model_dir)
        doc.attributions = load_bounds(self.weights).trim(doc.text, doc.attributions, probs)


@dataclass
class SourceBounder(ModelStep):
    """Moves each attribution's source edges where the trained edge scorers say they are."""

    name: str = "newsaudit.source_bounds.v1"
    requires: tuple[str, ...] = ("attributions", "metadata")
    assigns: tuple[str, ...] = ("attributions",)
    folder: str | None = None

    def __call__(self, doc: Document) -> None:
        from newsaudit.analysis.role_probabilities import role_probabilities
        from newsaudit.analysis.source_bounds import load_source_bounds

        probs = role_probabilities(doc, self.model_dir)
        doc.attributions = load_source_bounds(self.folder).apply(doc.text, doc.attributions, doc.outlet, probs)


@dataclass
class RelationFilterStep(ModelStep):
    """Drops the attribution relations the trained relation filter scores under its threshold."""

    name: str = "newsaudit.relation_filter.v1"
    requires: tuple[str, ...] = ("attributions",)
    assigns: tuple[str, ...] = ("attributions",)
    weights: str | None = None

    def __call__(self, doc: Document) -> None:
        from newsaudit.analysis.relation_filter import load_filter
        from newsaudit.analysis.role_probabilities import role_probabilities

        probs = role_probabilities(doc, self.model_dir)
        doc.attributions = load_filter(self.weights).keep(doc.text, doc.attributions, probs)


@dataclass
class CheckworthinessScorer(ModelStep):
    """Fills `claims[i].checkworthy` with the trained check-worthiness head."""

    name: str = "newsaudit.checkworthiness.v1"
    requires: tuple[str, ...] = ("claims",)
    assigns: tuple[str, ...] = ("claims",)

    def __call__(self, doc: Document) -> None:
        from newsaudit.analysis import checkworthiness
        from newsaudit.models.audit_model import load_model

        doc.claims = checkworthiness.score_claims(doc, load_model(self.model_dir))


register("newsaudit.techniques.v1")(TechniqueTagger)
register("newsaudit.attribution_model.v1")(ModelAttributor)
register("newsaudit.content_bounds.v1")(ContentBounder)
register("newsaudit.source_bounds.v1")(SourceBounder)
register("newsaudit.relation_filter.v1")(RelationFilterStep)
register("newsaudit.checkworthiness.v1")(CheckworthinessScorer)

# Each model step runs right after the step named here.
MODEL_STEPS = {
    "newsaudit.attribution_model.v1": "newsaudit.attribution_rules.v1",
    "newsaudit.content_bounds.v1": "newsaudit.attribution_model.v1",
    "newsaudit.source_bounds.v1": "newsaudit.content_bounds.v1",
    "newsaudit.relation_filter.v1": "newsaudit.source_bounds.v1",
    "newsaudit.checkworthiness.v1": "newsaudit.claims.v1",
    "newsaudit.techniques.v1": "newsaudit.claims.v1",
}


def with_model_steps(names: list[str]) -> list[str]:
    """`names` with the model steps inserted after their anchors (anchors missing: the step is left out)."""
    out = list(names)
    for step, anchor in MODEL_STEPS.items():
        if anchor in out and step not in out:
            out.insert(out.index(anchor) + 1, step)
    return out
