"""PolNeAR attribution spans: P/R/F1 per role (Source, Cue, Content), exact and overlapping, on the dev split.

Gold: the first annotator in sorted file order per article (`brat.load_split`). Predictions: `doc.attributions`
of the pipeline (rules, or models unless --no-models). Exact: same fragments (a discontinuous gold span needs the
same fragments, so contiguous predictions cannot match it exactly). Overlap: a predicted span counts as correct if
it shares a character with any gold span of the same role in the article; a gold span counts as found if it
shares a character with any predicted span of that role (see `metrics.role_score`).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from newsaudit.errors import InputError
from newsaudit.evaluation.brat import ROLES, Fragments, Relation, load_split, relations_from_document
from newsaudit.evaluation.metrics import role_score
from newsaudit.evaluation.runner import analyse_all, progress
from newsaudit.evaluation.splits import polnear_is_tune
from newsaudit.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--split",
        choices=["dev", "tune", "train"],
        default="dev",
        help="dev/ (default); tune: the 10%% of train/ held out for tuning; train: all of train/",
    )
    parser.add_argument("--limit", type=int, default=0, help="score only the first N articles (0: all)")
    parser.add_argument(
        "--errors", type=Path, help="write a JSONL of each article's missed and spurious spans per role (exact)"
    )


def role_spans(relations: list[Relation], role: str) -> list[Fragments]:
    """Every span of one role in a list of relations."""
    return [frags for rel in relations for frags in rel.role(role)]


def span_errors(text: str, gold: list[Relation], predicted: list[Relation]) -> dict[str, dict[str, list[str]]]:
    """Per role, the gold spans no prediction matches exactly ("missed") and the unmatched predictions ("spurious")."""
    out = {}
    for role in ROLES:
        g, p = set(role_spans(gold, role)), set(role_spans(predicted, role))
        out[role.lower()] = {
            "missed": [" | ".join(text[s:e] for s, e in f) for f in sorted(g - p)],
            "spurious": [" | ".join(text[s:e] for s, e in f) for f in sorted(p - g)],
        }
    return out


def evaluate(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """Per-role exact and overlap P/R/F1 of the pipeline's attributions against PolNeAR gold."""
    folder = Path(args.data) / "polnear" / ("dev" if args.split == "dev" else "train")
    articles = load_split(folder)
    if args.split == "tune":
        articles = [a for a in articles if polnear_is_tune(a.name)]
    if args.limit:
        articles = articles[: args.limit]
    gold: dict[str, list[Relation]] = {}
    predicted: dict[str, list[Relation]] = {}
    origins: Counter[str] = Counter()
    t0 = time.perf_counter()
    shown = progress(articles, f"polnear {args.split}", len(articles))
    for article, doc in analyse_all(shown, lambda a: a.text, settings):
        attributions = doc.attributions
        origins.update(a.origin for a in attributions)
        gold[article.name] = article.relations
        predicted[article.name] = relations_from_document(attributions)
    seconds = time.perf_counter() - t0
    if args.errors:
        texts = {a.name: a.text for a in articles}
        lines = [
            json.dumps({"article": k, **span_errors(texts[k], gold[k], predicted[k])}, ensure_ascii=False) for k in gold
        ]
        try:
            args.errors.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.errors}: {exc}") from exc
    result: dict[str, Any] = {
        "split": args.split,
        "articles": len(articles),
        "gold_relations": sum(len(r) for r in gold.values()),
        "predicted_relations": sum(len(r) for r in predicted.values()),
        "use_models": settings.use_models,
        "predicted_by": ", ".join(f"{k}: {v}" for k, v in sorted(origins.items())) or "-",
    }
    for role in ROLES:
        scores = role_score(
            {k: role_spans(v, role) for k, v in predicted.items()},
            {k: role_spans(v, role) for k, v in gold.items()},
        )
        result[role.lower()] = {kind: prf.as_dict() for kind, prf in scores.items()}
    result["seconds"] = round(seconds, 2)
    return result
