"""ClaimBuster check-worthiness: F1 of the check-worthy class on the kfold_25ncs folds the shipped model never saw.

Folds come from `splits.claimbuster_fold(sentence_id)`. The folds the shipped model was trained on are read from
its card (any `*.json` in a `newsaudit/models/<name>/` folder, e.g. config.json, with a top-level
`claimbuster_train_folds`, or `train_folds` under `claimbuster` or `checkworthiness`); with no such record, or when
every fold was used for training, the evaluation refuses. Reported: F1 at threshold 0.5, at the model's own
`checkworthy_threshold` if its card has one, and the best-threshold F1 tuned on the same held-out sentences
(optimistic, labelled so).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path
from typing import Any

from newsaudit.errors import InputError, ModelError
from newsaudit.evaluation.metrics import best_threshold, binary_f1
from newsaudit.evaluation.runner import progress
from newsaudit.evaluation.splits import claimbuster_fold
from newsaudit.settings import Settings

FOLDS = (0, 1, 2, 3)
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=0, help="score only the first N held-out sentences (0: all)")
    parser.add_argument("--batch", type=int, default=256, help="sentences per score_sentences call")


def read_kfold(path: Path) -> list[tuple[str, str, int]]:
    """(sentence_id, text, label) rows of kfold_25ncs.csv."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return [(r["sentence_id"], r["text"], int(r["label"])) for r in csv.DictReader(fh)]
    except (OSError, UnicodeDecodeError, KeyError, ValueError, csv.Error) as exc:
        raise InputError(f"cannot read ClaimBuster file {path}: {exc}") from exc


def _folds_in(card: Any) -> set[int] | None:
    """`claimbuster_train_folds` at the top level, or `train_folds` under `claimbuster` / `checkworthiness`."""
    if not isinstance(card, dict):
        return None
    value = card.get("claimbuster_train_folds")
    for key in ("claimbuster", "checkworthiness"):
        nested = card.get(key)
        if value is None and isinstance(nested, dict):
            value = nested.get("train_folds")
    if isinstance(value, list) and all(isinstance(v, int) and v in FOLDS for v in value):
        return set(value)
    return None


def trained_folds(models_dir: Path | None = None) -> tuple[set[int], Path, dict[str, Any]] | None:
    """The ClaimBuster folds a shipped model card records as training data, the card and its content; else None."""
    for card_path in sorted((models_dir or MODELS_DIR).glob("*/*.json")):
        if card_path.name in {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}:
            continue
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        folds = _folds_in(card)
        if folds is not None:
            return folds, card_path, card
    return None


def held_out_folds(models_dir: Path | None = None) -> tuple[list[int], Path, dict[str, Any]]:
    """The folds safe to score on (with the card that says so), or a ModelError saying why there are none."""
    found = trained_folds(models_dir)
    if found is None:
        raise ModelError(
            "no shipped model card records which ClaimBuster folds it was trained on "
            "(expected claimbuster_train_folds in the model's config.json); refusing to score on possibly seen data"
        )
    folds, card_path, card = found
    held = [f for f in FOLDS if f not in folds]
    if not held:
        raise ModelError(
            f"the shipped check-worthiness model was trained on every ClaimBuster fold ({card_path.parent.name}/"
            f"{card_path.name}), so there is no held-out data; see its model card for the cross-validated F1"
        )
    return held, card_path, card


def evaluate(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """Score `checkworthiness.score_sentences` on the held-out folds: F1 at 0.5 and the best-threshold F1."""
    if not settings.use_models:
        raise ModelError("check-worthiness is a trained model; drop --no-models")
    held, card_path, card = held_out_folds()
    try:
        from newsaudit.analysis.checkworthiness import score_sentences
    except ImportError as exc:
        raise ModelError(f"the check-worthiness model is not available: {exc}") from exc
    path = Path(args.data) / "claimbuster" / "two_class" / "kfold_25ncs.csv"
    rows = [r for r in read_kfold(path) if claimbuster_fold(r[0]) in held]
    if args.limit:
        rows = rows[: args.limit]
    if not rows:
        raise InputError("no held-out ClaimBuster sentences to score")
    texts = [text for _, text, _ in rows]
    gold = [label == 1 for _, _, label in rows]
    scores: list[float] = []
    t0 = time.perf_counter()
    starts = range(0, len(texts), max(1, args.batch))
    for start in progress(starts, "check-worthiness", len(starts)):
        scores.extend(float(s) for s in score_sentences(texts[start : start + args.batch]))
    seconds = time.perf_counter() - t0
    if len(scores) != len(texts):
        raise ModelError(f"score_sentences returned {len(scores)} scores for {len(texts)} sentences")
    at_half = binary_f1([s >= 0.5 for s in scores], gold)
    threshold, best = best_threshold(scores, gold)
    result: dict[str, Any] = {
        "held_out_folds": ",".join(map(str, held)),
        "model_card": f"{card_path.parent.name}/{card_path.name}",
        "sentences": len(rows),
        "check_worthy": sum(gold),
        "threshold_0.5": at_half.as_dict(),
        "best_threshold_tuned_on_this_data": {"threshold": threshold, **best.as_dict()},
        "sentences_per_second": round(len(rows) / seconds, 1) if seconds > 0 else 0.0,
    }
    model_threshold = card.get("checkworthy_threshold")
    if isinstance(model_threshold, int | float):  # the model's own threshold, chosen on its training folds
        at_model = binary_f1([s >= model_threshold for s in scores], gold)
        result["model_threshold"] = {"threshold": float(model_threshold), **at_model.as_dict()}
    return result
