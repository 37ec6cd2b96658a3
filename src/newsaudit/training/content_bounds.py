"""Fit the content-boundary model (`analysis.content_bounds`) on PolNeAR train, outside the tune split.

    python -m newsaudit.training.content_bounds --data ../shared/data --out src/newsaudit/models/content-bounds

The pipeline (rules and the shipped role tagger, without this step) runs over PolNeAR train; every word boundary
inside a predicted one-fragment content is an example, positive where a gold content overlapping it ends there.
A logistic regression scores them; the threshold is chosen by 4-fold cross-validation over the fit articles
and on the tune articles, which are never fit on (content exact F1). Dev is not read.
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newsaudit.analysis.content_bounds import ContentBounds, boundary_features, tokens
from newsaudit.analysis.role_probabilities import RoleProbabilities
from newsaudit.document import Attribution
from newsaudit.evaluation.brat import Article, load_split, relations_from_document
from newsaudit.evaluation.metrics import PRF, role_score
from newsaudit.evaluation.splits import polnear_is_tune
from newsaudit.models.linear import LinearModel

if TYPE_CHECKING:
    from newsaudit.analysis.pipeline import Pipeline

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
PIPELINE = ("newsaudit.segment.v1", "newsaudit.attribution_rules.v1", "newsaudit.attribution_model.v1")


@dataclass
class Candidate:
    """One boundary of one predicted content: where it would cut, its features and whether gold ends there."""

    article: int
    attribution: int
    cut: int
    features: list[str]
    label: int


def polnear_train(data: Path) -> tuple[list[Article], list[Article]]:
    """PolNeAR train's articles outside the tune split (to fit on) and inside it (to score)."""
    articles = load_split(data / "polnear" / "train")
    return [a for a in articles if not polnear_is_tune(a.name)], [a for a in articles if polnear_is_tune(a.name)]


def build_pipeline(model_dir: str | None, names: Sequence[str] = PIPELINE) -> Pipeline:
    """The pipeline made of the steps `names` (default: up to the model's), its model steps on `model_dir`."""
    from newsaudit.analysis.pipeline import Pipeline, create_step

    steps = [create_step(name) for name in names]
    for step in steps:
        if hasattr(step, "model_dir"):
            step.model_dir = model_dir  # type: ignore[attr-defined]
    return Pipeline(steps)


Split = tuple[list[Article], list[list[Attribution]], list[RoleProbabilities]]


def polnear_splits(data: Path, model_dir: str | None, names: Sequence[str] = PIPELINE) -> tuple[Split, Split]:
    """PolNeAR train outside the tune split (to fit on) and inside it (to score), each as (articles, the attributions
    of the pipeline made of the steps `names`, the role tagger's output)."""
    fit_articles, tune_articles = polnear_train(data)
    return (
        (fit_articles, *predict_with_roles(fit_articles, model_dir, names)),
        (tune_articles, *predict_with_roles(tune_articles, model_dir, names)),
    )


def predict_with_roles(
    articles: Sequence[Article], model_dir: str | None, names: Sequence[str] = PIPELINE
) -> tuple[list[list[Attribution]], list[RoleProbabilities]]:
    """The attributions of the pipeline made of the steps `names` and the role tagger's output, for each article."""
    from newsaudit.analysis.role_probabilities import role_probabilities
    from newsaudit.document import Document

    pipeline = build_pipeline(model_dir, names)
    predicted, roles = [], []
    for a in articles:
        doc = pipeline(Document(text=a.text))
        predicted.append(doc.attributions)
        roles.append(role_probabilities(doc, model_dir))
    return predicted, roles


def candidates(
    articles: Sequence[Article],
    predicted: Sequence[Sequence[Attribution]],
    roles: Sequence[RoleProbabilities | None] | None = None,
) -> list[Candidate]:
    """Every boundary inside every one-fragment predicted content, labelled from the gold contents (`roles`: the
    role tagger's output over each article, for its features)."""
    out = []
    roles = roles if roles is not None else [None] * len(articles)
    for ai, (article, attributions) in enumerate(zip(articles, predicted, strict=True)):
        gold = [frags[0] for rel in article.relations for frags in rel.content if len(frags) == 1]
        for ri, a in enumerate(attributions):
            if a.continuation:
                continue
            start, end = a.content.start, a.content.end
            toks = tokens(article.text, start, end)
            ends = [g for g in gold if g[0] < end and start < g[1] <= end]
            target = min(ends, key=lambda g: abs(g[0] - start))[1] if ends else None
            cue = (a.cue.start, a.cue.end) if a.cue else None
            other_cues = [o.cue.start for k, o in enumerate(attributions) if o.cue and k != ri]
            other_sources = [o.source.span.start for k, o in enumerate(attributions) if o.source and k != ri]
            feats_of = boundary_features(article.text, toks, cue, a.origin, other_cues, other_sources, roles[ai])
            for b, feats in feats_of:
                out.append(Candidate(ai, ri, b.cut, feats, int(b.cut == target)))
    return out


class Labelled(Protocol):
    """A training example of the PolNeAR post-processing models: its article's index, binary features, a 0/1 label."""

    article: int
    features: list[str]
    label: int


def fit_weights(examples: Sequence[Labelled], c: float, min_weight: float = 0.02) -> tuple[dict[str, float], float]:
    """A logistic regression over the examples' binary features, as a weight table and an intercept.

    Weights under `min_weight` are dropped (on tune, 0.02 keeps a sixth of the content-bounds weights at the same
    F1)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(ex.features, 1) for ex in examples])
    clf = LogisticRegression(C=c, max_iter=3000).fit(x, [ex.label for ex in examples])
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= min_weight
    }
    return weights, float(clf.intercept_[0])


def cv_probabilities(articles: Sequence[Article], examples: Sequence[Labelled], c: float, k: int) -> list[float]:
    """Each example's probability from a model fit on the other folds (folds by article-name hash)."""
    fold = [zlib.crc32(articles[ex.article].name.encode()) % k for ex in examples]
    probs = [0.0] * len(examples)
    for f in range(k):
        model = LinearModel(*fit_weights([ex for ex, g in zip(examples, fold, strict=True) if g != f], c), 0.5)
        for i, ex in enumerate(examples):
            if fold[i] == f:
                probs[i] = model.probability(ex.features)
    return probs


def fit(cands: Sequence[Candidate], c: float, min_weight: float = 0.02) -> ContentBounds:
    """The boundary scorer fit on the candidates (threshold set later)."""
    return ContentBounds(*fit_weights(cands, c, min_weight), 0.5)


def training_arguments(description: str | None, out: str) -> argparse.ArgumentParser:
    """The command line the three PolNeAR post-processing trainers share (`out`: the default model folder)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path(out))
    parser.add_argument("--model-dir", help="model folder of the role tagger (default: the shipped one)")
    parser.add_argument("--c", type=float, default=0.3, help="inverse L2 strength of the logistic regression(s)")
    parser.add_argument("--folds", type=int, default=4)
    return parser


def save_trained(
    args: argparse.Namespace,
    module: str,
    model: LinearModel,
    report: dict,  # type: ignore[type-arg]
    write_card: Callable[[Path, dict, str], None],  # type: ignore[type-arg]
    t0: float,
) -> None:
    """A trainer's last steps: `weights.json.gz` (with the report), the model card with the command that trained it
    (`newsaudit.training.<module>`), the report on stdout."""
    report["seconds"] = round(time.perf_counter() - t0)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / "weights.json.gz", trained_with=report)
    command = f"python -m newsaudit.training.{module} --data {args.data} --out {args.out} --c {args.c}"
    write_card(args.out, report, command)
    print(json.dumps(report, indent=2))


def content_score(
    articles: Sequence[Article],
    predicted: Sequence[Sequence[Attribution]],
    cands: Sequence[Candidate],
    probs: Sequence[float],
    threshold: float,
) -> PRF:
    """Content exact P/R/F1 after cutting each content at its best candidate above `threshold`."""
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for cand, p in zip(cands, probs, strict=True):
        key = (cand.article, cand.attribution)
        if p > threshold and p > best.get(key, (0.0, 0))[0]:
            best[key] = (p, cand.cut)
    pred, gold = {}, {}
    for ai, (article, attributions) in enumerate(zip(articles, predicted, strict=True)):
        spans = []
        for ri, rel in enumerate(relations_from_document(attributions)):
            frags = rel.content[0]
            if (ai, ri) in best:
                frags = ((frags[0][0], best[(ai, ri)][1]),)
            spans.append(frags)
        pred[article.name] = spans
        gold[article.name] = [frags for rel in article.relations for frags in rel.content]
    return role_score(pred, gold)["exact"]


def cross_validate(
    articles: Sequence[Article],
    predicted: Sequence[Sequence[Attribution]],
    cands: Sequence[Candidate],
    c: float,
    k: int,
) -> dict[float, PRF]:
    """Content exact scores per threshold, each article's cuts made by a model fit on the other folds."""
    probs = cv_probabilities(articles, cands, c, k)
    return {t: content_score(articles, predicted, cands, probs, t) for t in THRESHOLDS}


def write_card(out: Path, report: dict, command: str) -> None:  # type: ignore[type-arg]
    """MODEL_CARD.md for the boundary model, from the training report."""
    cv, tune = report["cv_f1"], report["tune_f1"]
    rows = "\n".join(
        f"| {t} | {cv[str(t)]:.4f} | {tune[str(t)]:.4f} |{' **chosen**' if t == report['threshold'] else ''}"
        for t in THRESHOLDS
    )
    text = f"""# content-bounds (`weights.json.gz`)

**What it is.** A logistic regression over binary features that decides where an attribution's content ends
(`newsaudit.analysis.content_bounds`): every word boundary inside a one-fragment content, outside quotation
marks, is scored ('criticised the NRA | in February', 'backed Ana Diaz |, a former mayor', 'praised his rhetoric |
and made no mention of ...'), and the content ends at the best one when its probability passes
{report["threshold"]}. It runs after the model
attribution step (`newsaudit.content_bounds.v1`); `--no-models` leaves it out with the other trained models.
{report["features"]} weights (|w| >= 0.02 kept, 4 decimals), pure Python at run time.

**Features** (`boundary_features`): the next two words, the punctuation between, the last kept word, word classes
from the package lexicons (auxiliary, past tense, reporting verb, time word, determiner, pronoun), whether a verb
comes before / after, lengths before / after (bucketed), the content's first word, the cue's last word and whether
it is a speech verb, the cue's side, whether another relation's cue
or source starts in the part cut off, whether a sentence ends there, the relation's origin (rules / model), and how
sure the role tagger is that the last kept word, the next word and the part cut off are content (tenths of its mean
probability; `analysis.role_probabilities`), with a few conjunctions of these.

**Data.** PolNeAR train (`polnear/train`, first annotator per article), {report["fit_articles"]} articles outside the
tune split (`newsaudit.evaluation.splits.polnear_is_tune`) to fit, {report["tune_articles"]} tune articles to score.
Examples: the shipped pipeline's predicted contents (rules + role tagger; the tagger's encoder saw these articles
in training), {report["candidates"]} boundaries, {report["positives"]} positive (a gold content overlapping the
prediction ends there). Dev is not read.

**Training.** `{command}` (scikit-learn, train extra; C={report["C"]}; {report["seconds"]} s on 2 CPU cores).
The threshold maximises the sum of two content exact F1 curves: {report["folds"]}-fold cross-validation over the
fit articles (folds by article-name hash; each fold cut by a model fit on the others) and the tune articles (cut
by the final model, never fit on them):

| threshold | CV (fit articles) | tune |
| --- | --- | --- |
| none (no cut) | {report["cv_base_f1"]:.4f} | {report["tune_base_f1"]:.4f} |
{rows}

End-to-end figures: `newsaudit eval polnear --data ../shared/data [--split tune|train]` (README).

**Limits.** It only shortens contents (never extends, never moves a start) and leaves multi-fragment contents
alone. PolNeAR's annotators are not consistent about trailing adjuncts and appositives, so many cuts are
probabilities near the threshold.
"""
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")


def main() -> None:
    args = training_arguments(__doc__, "src/newsaudit/models/content-bounds").parse_args()
    t0 = time.perf_counter()
    (fit_articles, fit_pred, fit_roles), (tune_articles, tune_pred, tune_roles) = polnear_splits(
        args.data, args.model_dir
    )
    cands = candidates(fit_articles, fit_pred, fit_roles)
    cv = cross_validate(fit_articles, fit_pred, cands, args.c, args.folds)
    model = fit(cands, args.c)
    tune_cands = candidates(tune_articles, tune_pred, tune_roles)
    tune_probs = [model.probability(c.features) for c in tune_cands]
    tune = {t: content_score(tune_articles, tune_pred, tune_cands, tune_probs, t) for t in THRESHOLDS}
    # the tune split decides, as for every PolNeAR choice; the CV over the 9x larger fit split steadies it
    threshold = max(THRESHOLDS, key=lambda t: cv[t].f1 + tune[t].f1)
    model = ContentBounds(model.weights, model.bias, threshold)
    report = {
        "C": args.c,
        "folds": args.folds,
        "threshold": threshold,
        "fit_articles": len(fit_articles),
        "tune_articles": len(tune_articles),
        "candidates": len(cands),
        "positives": sum(c.label for c in cands),
        "features": len(model.weights),
        "cv_base_f1": content_score(fit_articles, fit_pred, cands, [0.0] * len(cands), 1.0).f1,
        "cv_f1": {str(t): s.f1 for t, s in cv.items()},
        "tune_base_f1": content_score(tune_articles, tune_pred, tune_cands, tune_probs, 1.0).f1,
        "tune_f1": {str(t): s.f1 for t, s in tune.items()},
    }
    save_trained(args, "content_bounds", model, report, write_card, t0)


if __name__ == "__main__":
    main()
