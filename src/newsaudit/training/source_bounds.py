"""Fit the source edge scorers (`analysis.source_bounds`) on PolNeAR train, outside the tune split.

    python -m newsaudit.training.source_bounds --data ../shared/data --out src/newsaudit/models/source-bounds

The pipeline up to the content-boundary step runs over PolNeAR train. For every predicted source, each candidate
end (then each candidate start) is an example, positive where the gold source that overlaps it most ends (starts).
A logistic regression scores each edge; its margin (how much the best candidate must beat the current edge by) is
chosen on the sum of source exact F1 from 4-fold cross-validation over the fit articles and on the tune articles,
which are never fit on. The start model learns from sources whose ends the end model has moved. Dev is not read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsaudit.analysis.role_probabilities import RoleProbabilities
from newsaudit.analysis.source_bounds import edge_candidates, move_edge
from newsaudit.document import Attribution
from newsaudit.evaluation.brat import Article, relations_from_document
from newsaudit.evaluation.metrics import role_score
from newsaudit.models.linear import LinearModel
from newsaudit.training.content_bounds import PIPELINE as CONTENT_PIPELINE
from newsaudit.training.content_bounds import (
    Split,
    cv_probabilities,
    fit_weights,
    polnear_splits,
    training_arguments,
)

MARGINS = (0.0, 0.1, 0.2, 0.3)
PIPELINE = (*CONTENT_PIPELINE, "newsaudit.content_bounds.v1")  # the steps whose sources it sees


@dataclass
class EdgeCandidate:
    """One place a source edge could move to, with its features and whether the gold source's edge is there."""

    article: int
    attribution: int
    offset: int
    current: bool
    features: list[str]
    label: int


def candidates(
    articles: Sequence[Article],
    predicted: Sequence[Sequence[Attribution]],
    edge: str,
    roles: Sequence[RoleProbabilities | None] | None = None,
) -> list[EdgeCandidate]:
    """Every candidate `edge` ("start" or "end") of every predicted source, labelled from the gold sources (`roles`:
    the role tagger's output over each article, for its features)."""
    out = []
    roles = roles if roles is not None else [None] * len(articles)
    for ai, (article, attributions) in enumerate(zip(articles, predicted, strict=True)):
        gold = [frags[0] for rel in article.relations for frags in rel.source if len(frags) == 1]
        for ri, a in enumerate(attributions):
            if a.source is None:
                continue
            s, e = a.source.span.start, a.source.span.end
            overlapping = [g for g in gold if g[0] < e and s < g[1]]
            target = max(overlapping, key=lambda g: min(e, g[1]) - max(s, g[0])) if overlapping else None
            want = None if target is None else target[0 if edge == "start" else 1]
            for offset, current, feats in edge_candidates(article.text, a, edge, roles[ai]):
                out.append(EdgeCandidate(ai, ri, offset, current, feats, int(offset == want)))
    return out


def moves(cands: Sequence[EdgeCandidate], probs: Sequence[float], margin: float) -> dict[tuple[int, int], int]:
    """(article, attribution) -> where its edge moves: the best candidate, when it beats the current by `margin`."""
    best: dict[tuple[int, int], tuple[float, int, bool]] = {}
    current: dict[tuple[int, int], float] = {}
    for cand, p in zip(cands, probs, strict=True):
        key = (cand.article, cand.attribution)
        if cand.current:
            current[key] = p
        if key not in best or (p, cand.offset) > best[key][:2]:
            best[key] = (p, cand.offset, cand.current)
    return {k: off for k, (p, off, cur) in best.items() if not cur and p - current.get(k, 0.0) > margin}


def moved(
    articles: Sequence[Article], predicted: Sequence[Sequence[Attribution]], edge: str, to: dict[tuple[int, int], int]
) -> list[list[Attribution]]:
    """The attributions with the chosen source edges moved (as `SourceBounds.adjust` moves them)."""
    out = []
    for ai, (article, attributions) in enumerate(zip(articles, predicted, strict=True)):
        row = []
        for ri, a in enumerate(attributions):
            row.append(move_edge(article.text, a, edge, to[(ai, ri)]) if (ai, ri) in to else a)
        out.append(row)
    return out


def source_f1(articles: Sequence[Article], predicted: Sequence[Sequence[Attribution]]) -> float:
    """Source exact F1 of the predicted relations."""
    pred = {
        a.name: [f for r in relations_from_document(p) for f in r.source]
        for a, p in zip(articles, predicted, strict=True)
    }
    gold = {a.name: [f for r in a.relations for f in r.source] for a in articles}
    return role_score(pred, gold)["exact"].f1


def train_edge(
    edge: str, fit_set: Split, tune_set: Split, c: float, k: int
) -> tuple[LinearModel, dict, list[list[Attribution]], list[list[Attribution]]]:  # type: ignore[type-arg]
    """Fit one edge's scorer, choose its margin, and return it with its report and both sets' moved attributions
    (each set: its articles, their predicted attributions and the role tagger's output over them)."""
    (fa, fp, fr), (ta, tp, tr) = fit_set, tune_set
    cands, tune_cands = candidates(fa, fp, edge, fr), candidates(ta, tp, edge, tr)
    cv_probs = cv_probabilities(fa, cands, c, k)
    model = LinearModel(*fit_weights(cands, c), 0.5)
    tune_probs = [model.probability(cand.features) for cand in tune_cands]
    cv = {m: source_f1(fa, moved(fa, fp, edge, moves(cands, cv_probs, m))) for m in MARGINS}
    tune = {m: source_f1(ta, moved(ta, tp, edge, moves(tune_cands, tune_probs, m))) for m in MARGINS}
    margin = max(MARGINS, key=lambda m: cv[m] + tune[m])
    report = {
        "margin": margin,
        "candidates": len(cands),
        "positives": sum(cand.label for cand in cands),
        "features": len(model.weights),
        "cv_base_f1": source_f1(fa, fp),
        "tune_base_f1": source_f1(ta, tp),
        "cv_f1": {str(m): v for m, v in cv.items()},
        "tune_f1": {str(m): v for m, v in tune.items()},
    }
    final = LinearModel(model.weights, model.bias, margin)
    return (
        final,
        report,
        moved(fa, fp, edge, moves(cands, cv_probs, margin)),
        moved(ta, tp, edge, moves(tune_cands, tune_probs, margin)),
    )


def write_card(out: Path, reports: dict, command: str, seconds: int) -> None:  # type: ignore[type-arg]
    """MODEL_CARD.md for the two edge scorers, from the training reports."""
    sections = []
    for edge in ("end", "start"):
        r = reports[edge]
        rows = "\n".join(
            f"| {m} | {r['cv_f1'][str(m)]:.4f} | {r['tune_f1'][str(m)]:.4f} |"
            f"{' **chosen**' if m == r['margin'] else ''}"
            for m in MARGINS
        )
        sections.append(
            f"""### `{edge}.json.gz`: where the source {edge}s

{r["features"]} weights; {r["candidates"]} candidate {edge}s, {r["positives"]} positive.

| margin | CV source exact F1 (fit articles) | tune |
| --- | --- | --- |
| none (no move) | {r["cv_base_f1"]:.4f} | {r["tune_base_f1"]:.4f} |
{rows}
"""
        )
    text = f"""# source-bounds (`end.json.gz`, `start.json.gz`)

**What it is.** Two logistic regressions over binary features that move an attribution's source edges
(`newsaudit.analysis.source_bounds`, step `newsaudit.source_bounds.v1`, after the content-boundary step;
`--no-models` leaves it out). Candidates are the token edges of the source's line within 200 characters that do
not cross its cue or content; an edge moves to the best-scoring candidate when it beats the current edge by more
than the chosen margin. The end moves first, then the start ('calculations by | Ana Diaz of the port authority';
'Tomas Berg |, a former dock worker, |'). A moved source is typed again (`classify_source`, pronouns by
`resolve_pronouns`). Pure Python at run time.

**Features** (`start_features`, `end_features`): the token at the edge and its neighbours, their shapes and word
classes, how far the candidate is from the current edge, whether a comma or a verb lies in between, the cue's last
word and side, the relation's origin (rules / model), and how sure the role tagger is that the edge token and its
outside neighbour are source (tenths of its mean probability; `analysis.role_probabilities`), with a few
conjunctions. An existential "there" never starts a source.

**Data.** PolNeAR train (first annotator per article): the articles outside the tune split
(`newsaudit.evaluation.splits.polnear_is_tune`) to fit, the tune articles to score. Examples are the shipped
pipeline's sources (rules + role tagger, contents already cut by `content-bounds`; the tagger's encoder saw these
articles in training); the label is the edge of the gold source that overlaps the prediction most. Dev is not read.

**Training.** `{command}` (scikit-learn, train extra; {seconds} s on 2 CPU cores). Each margin is chosen on the sum
of two source exact F1 curves: 4-fold cross-validation over the fit articles (folds by article-name hash) and the
tune articles (moved by the final model). The start model is fit on sources whose ends the end model moved (by
the cross-validated model on the fit articles).

{chr(10).join(sections)}
End-to-end figures: `newsaudit eval polnear --data ../shared/data [--split tune|train]` (README).
"""
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")


def main() -> None:
    args = training_arguments(__doc__, "src/newsaudit/models/source-bounds").parse_args()
    t0 = time.perf_counter()
    fit_set, tune_set = polnear_splits(args.data, args.model_dir, PIPELINE)
    (fit_articles, _, fit_roles), (tune_articles, _, tune_roles) = fit_set, tune_set
    end, end_report, fit_moved, tune_moved = train_edge("end", fit_set, tune_set, args.c, args.folds)
    start, start_report, _, _ = train_edge(
        "start", (fit_articles, fit_moved, fit_roles), (tune_articles, tune_moved, tune_roles), args.c, args.folds
    )
    seconds = round(time.perf_counter() - t0)
    reports = {"end": end_report, "start": start_report}
    args.out.mkdir(parents=True, exist_ok=True)
    end.save(args.out / "end.json.gz", trained_with=end_report)
    start.save(args.out / "start.json.gz", trained_with=start_report)
    command = f"python -m newsaudit.training.source_bounds --data {args.data} --out {args.out} --c {args.c}"
    write_card(args.out, reports, command, seconds)
    print(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
