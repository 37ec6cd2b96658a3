"""Fit the relation filter (`analysis.relation_filter`) on PolNeAR train, outside the tune split.

    python -m newsaudit.training.relation_filter --data ../shared/data --out src/newsaudit/models/relation-filter

The pipeline (rules, the shipped role tagger, content-bounds and source-bounds; run after both are refit) runs over
PolNeAR train; each predicted relation is an example (with the role tagger's probabilities over its spans), positive
where its cue overlaps a gold cue (a relation without a cue: where its content overlaps a gold content). A logistic
regression scores them; the threshold is chosen by 4-fold cross-validation over the fit articles and on the tune
articles, which are never fit on, on the mean of the three PolNeAR target figures (source exact, cue overlap and
content exact F1). Dev is not read.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsaudit.analysis.relation_filter import Neighbours, RelationFilter, relation_features
from newsaudit.analysis.role_probabilities import RoleProbabilities
from newsaudit.document import Attribution
from newsaudit.evaluation.brat import Article, relations_from_document
from newsaudit.evaluation.metrics import role_score
from newsaudit.training.content_bounds import (
    cv_probabilities,
    fit_weights,
    polnear_splits,
    save_trained,
    training_arguments,
)
from newsaudit.training.source_bounds import PIPELINE as SOURCE_PIPELINE

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
STEPS = (*SOURCE_PIPELINE, "newsaudit.source_bounds.v1")  # the steps whose relations it sees


@dataclass
class Example:
    """One predicted relation: its article, its index among the article's relations, features and label."""

    article: int
    relation: int
    features: list[str]
    label: int


def examples(
    articles: Sequence[Article],
    predicted: Sequence[Sequence[Attribution]],
    roles: Sequence[RoleProbabilities | None] | None = None,
) -> list[Example]:
    """Every predicted relation, labelled from the gold cues (or contents, for a relation without a cue); `roles`:
    the role tagger's output over each article, for its features."""
    out = []
    roles = roles if roles is not None else [None] * len(articles)
    for ai, (article, atts) in enumerate(zip(articles, predicted, strict=True)):
        cues = [frag for rel in article.relations for frags in rel.cue for frag in frags]
        contents = [frag for rel in article.relations for frags in rel.content for frag in frags]
        neighbours = Neighbours(atts)
        for ri, a in enumerate(atts):
            span = a.cue or a.content
            gold = cues if a.cue is not None else contents
            label = int(any(s < span.end and span.start < e for s, e in gold))
            out.append(Example(ai, ri, relation_features(article.text, a, neighbours, roles[ai]), label))
    return out


def target_scores(
    articles: Sequence[Article],
    predicted: Sequence[Sequence[Attribution]],
    exs: Sequence[Example],
    probs: Sequence[float],
    threshold: float,
) -> dict[str, float]:
    """Source exact, cue overlap and content exact F1 (and their mean) once the relations under `threshold` go."""
    dropped = {(x.article, x.relation) for x, p in zip(exs, probs, strict=True) if p < threshold}
    kept = {
        a.name: relations_from_document([r for ri, r in enumerate(atts) if (ai, ri) not in dropped])
        for ai, (a, atts) in enumerate(zip(articles, predicted, strict=True))
    }
    scores = {}
    for role, kind in (("Source", "exact"), ("Cue", "overlap"), ("Content", "exact")):
        pred = {name: [f for rel in rels for f in rel.role(role)] for name, rels in kept.items()}
        gold = {a.name: [f for rel in a.relations for f in rel.role(role)] for a in articles}
        scores[f"{role.lower()}_{kind}"] = round(role_score(pred, gold)[kind].f1, 4)
    scores["mean"] = round(sum(scores.values()) / 3, 4)
    return scores


def fit(exs: Sequence[Example], c: float, min_weight: float = 0.02) -> RelationFilter:
    """The relation scorer fit on the examples (threshold set later)."""
    return RelationFilter(*fit_weights(exs, c, min_weight), 0.5)


def cross_validate(
    articles: Sequence[Article], predicted: Sequence[Sequence[Attribution]], exs: Sequence[Example], c: float, k: int
) -> dict[float, dict[str, float]]:
    """Target figures per threshold, each article's relations scored by a model fit on the other folds."""
    probs = cv_probabilities(articles, exs, c, k)
    return {t: target_scores(articles, predicted, exs, probs, t) for t in (0.0, *THRESHOLDS)}


def write_card(out: Path, report: dict, command: str) -> None:  # type: ignore[type-arg]
    """MODEL_CARD.md for the relation filter, from the training report."""
    cv, tune = report["cv"], report["tune"]

    def row(t: str, label: str) -> str:
        a, b = cv[t], tune[t]
        return (
            f"| {label} | {a['mean']:.4f} ({a['source_exact']:.4f} / {a['cue_overlap']:.4f} / "
            f"{a['content_exact']:.4f}) | {b['mean']:.4f} ({b['source_exact']:.4f} / {b['cue_overlap']:.4f} / "
            f"{b['content_exact']:.4f}) |{' **chosen**' if t == str(report['threshold']) else ''}"
        )

    rows = "\n".join([row("0.0", "none (keep all)"), *(row(str(t), str(t)) for t in THRESHOLDS)])
    text = f"""# relation-filter (`weights.json.gz`)

**What it is.** A logistic regression over binary features that decides whether an attribution relation is one
(`newsaudit.analysis.relation_filter`): every relation the rules and the role tagger made is scored once its spans
are settled, and dropped when its probability is under {report["threshold"]}. It runs after the source-boundary
step (`newsaudit.relation_filter.v1`); `--no-models` leaves it out with the other trained models.
{report["features"]} weights (|w| >= 0.02 kept, 4 decimals), pure Python at run time.

**Features** (`relation_features`): the relation's origin (rules / model) and the tagger's confidence; the cue's
words, word classes, the word before it, and whether it sits inside a quotation; the source's kind, length, words
(one or two) and side; the content's length, first word, fragments, verbs and distance from the cue; the length of
the line and whether it is the first; whether the relation is nested in another's content, or shares its cue or
content with another; how sure the role tagger is of the source, cue and content (tenths of the mean and the max of
its probability for that role over their word pieces, for rule relations too); with a few conjunctions with the
origin.

**Data.** PolNeAR train (`polnear/train`, first annotator per article), {report["fit_articles"]} articles outside the
tune split (`newsaudit.evaluation.splits.polnear_is_tune`) to fit, {report["tune_articles"]} tune articles to score.
Examples: the shipped pipeline's relations (rules + role tagger + content-bounds + source-bounds; the tagger's
encoder saw these articles in training, so its probabilities there are surer than on new text),
{report["examples"]} relations, {report["positives"]} positive (the cue
overlaps a gold cue; without a cue, the content overlaps a gold content). Dev is not read.

**Training.** `{command}` (scikit-learn, train extra; C={report["C"]}; {report["seconds"]} s on 2 CPU cores).
The threshold maximises the sum of two curves of the mean of the three PolNeAR target figures (source exact, cue
overlap, content exact F1): {report["folds"]}-fold cross-validation over the fit articles (folds by article-name
hash; each fold scored by a model fit on the others) and the tune articles (scored by the final model, never fit
on them):

| threshold | CV: mean (source / cue / content) | tune: mean (source / cue / content) |
| --- | --- | --- |
{rows}

End-to-end figures: `newsaudit eval polnear --data ../shared/data [--split tune|train]` (README).

**Limits.** It only drops relations, never adds one. Its positives count a relation whose cue overlaps a gold cue,
even when its source or content is wrong. PolNeAR leaves some plain speech verbs unannotated, so a few true
attributions score low.
"""
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")


def main() -> None:
    args = training_arguments(__doc__, "src/newsaudit/models/relation-filter").parse_args()
    t0 = time.perf_counter()
    (fit_articles, fit_pred, fit_roles), (tune_articles, tune_pred, tune_roles) = polnear_splits(
        args.data, args.model_dir, STEPS
    )
    exs = examples(fit_articles, fit_pred, fit_roles)
    cv = cross_validate(fit_articles, fit_pred, exs, args.c, args.folds)
    model = fit(exs, args.c)
    tune_exs = examples(tune_articles, tune_pred, tune_roles)
    tune_probs = [model.probability(x.features) for x in tune_exs]
    tune = {t: target_scores(tune_articles, tune_pred, tune_exs, tune_probs, t) for t in (0.0, *THRESHOLDS)}
    # the tune split decides, as for every PolNeAR choice; the CV over the 9x larger fit split steadies it
    threshold = max(THRESHOLDS, key=lambda t: cv[t]["mean"] + tune[t]["mean"])
    model = RelationFilter(model.weights, model.bias, threshold)
    report = {
        "C": args.c,
        "folds": args.folds,
        "threshold": threshold,
        "fit_articles": len(fit_articles),
        "tune_articles": len(tune_articles),
        "examples": len(exs),
        "positives": sum(x.label for x in exs),
        "features": len(model.weights),
        "cv": {str(t): s for t, s in cv.items()},
        "tune": {str(t): s for t, s in tune.items()},
    }
    save_trained(args, "relation_filter", model, report, write_card, t0)


if __name__ == "__main__":
    main()
