"""Candidate features for claim matching and the linear ranker (weights in a small JSON file) that scores them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.analysis.lexicons import MONTH_NAMES
from newsaudit.errors import ModelError

RANKER_FILE = Path(__file__).resolve().parent.parent / "models" / "claim-ranker" / "ranker.json"
FEATURES = (
    "bm25_norm",
    "dense",
    "title_dense",
    "dense_max",
    "bm25_rr",
    "dense_rr",
    "overlap_q",
    "overlap_d",
    "num_overlap",
    "num_extra",
    "ent_overlap",
    "dense_sent",
    "date_match",
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ENTITY = re.compile(r"\b[A-Z][\w-]+")
# "May 2019", "May 3, 2019", "3 May 2019" (the day-first form through its "May 2019" tail), full month names only
_MONTH_YEAR = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\.?,? "
    r"(?:\d{1,2},? )?(\d{4})\b"
)


@dataclass
class Ranker:
    """Final score = intercept + sum(weight * feature); features not named have weight 0."""

    weights: dict[str, float]
    intercept: float = 0.0
    name: str = "fusion"
    meta: dict[str, Any] = field(default_factory=dict)

    def score(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        n = len(next(iter(feats.values()))) if feats else 0
        total = np.full(n, self.intercept, dtype=np.float64)
        for name, w in self.weights.items():
            if name not in feats:
                raise ModelError(f"ranker {self.name} uses unknown feature {name!r}")
            total += w * np.asarray(feats[name], dtype=np.float64)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "weights": self.weights, "intercept": self.intercept, "meta": self.meta}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ranker:
        try:
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            return cls(
                weights, float(data.get("intercept", 0.0)), str(data.get("name", "ranker")), data.get("meta", {})
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"malformed ranker definition: {exc}") from exc

    @classmethod
    def load(cls, path: str | Path) -> Ranker:
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"cannot read ranker {path}: {exc}") from exc

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


def fusion_ranker(weight: float = 0.3) -> Ranker:
    """Untrained hybrid: `weight` x normalised BM25 + (1 - weight) x best of text/title cosine."""
    return Ranker({"bm25_norm": weight, "dense_max": 1.0 - weight}, 0.0, f"fusion-{weight:g}")


def default_ranker() -> Ranker:
    """The shipped trained ranker if present, else the untrained fusion."""
    return Ranker.load(RANKER_FILE) if RANKER_FILE.exists() else fusion_ranker()


def _words(text: str) -> set[str]:
    from newsaudit.matching.index import tokenize

    return set(tokenize(text))


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _entities(text: str) -> set[str]:
    return {e.lower() for e in _ENTITY.findall(text)}


def month_years(text: str) -> set[tuple[int, int]]:
    """Every (year, month) a text names as 'Month YYYY' or 'Month D, YYYY'."""
    return {(int(y), MONTH_NAMES.index(m.lower()) + 1) for m, y in _MONTH_YEAR.findall(text)}


def _reciprocal_rank(values: np.ndarray) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(1, len(values) + 1)
    return 1.0 / ranks


def candidate_features(
    query: str,
    texts: Sequence[str],
    titles: Sequence[str | None],
    scores: dict[str, np.ndarray],
    *,
    query_date: tuple[int, int] | None = None,
) -> dict[str, np.ndarray]:
    """Every feature in FEATURES for each candidate of one query, from its channel scores and the texts.

    `scores` may hold "dense_sent" (best cosine of any query sentence); without it that feature is `dense_max`.
    `query_date` is the query's (year, month) (`clean.query_date`); without it `date_match` is 0."""
    n = len(texts)
    q_words, q_nums = _words(query), _numbers(query)
    q_lower = {w.lower() for w in _WORD.findall(query)}
    overlap_q = np.zeros(n)
    overlap_d = np.zeros(n)
    num_overlap = np.zeros(n)
    num_extra = np.zeros(n)
    ent_overlap = np.zeros(n)
    date_match = np.zeros(n)
    month_name = MONTH_NAMES[query_date[1] - 1].capitalize() if query_date is not None else ""
    for i, (text, title) in enumerate(zip(texts, titles, strict=True)):
        doc = text + " " + (title or "")
        d_words = _words(doc)
        t_words = _words(text)
        if q_words:
            overlap_q[i] = len(q_words & d_words) / len(q_words)
        if t_words:
            overlap_d[i] = len(t_words & q_words) / len(t_words)
        d_nums = _numbers(text)
        if d_nums:
            num_overlap[i] = len(d_nums & q_nums) / len(d_nums)
            num_extra[i] = len(d_nums - q_nums) / len(d_nums)
        ents = _entities(text)
        if ents:
            ent_overlap[i] = sum(1 for e in ents if all(p in q_lower for p in _WORD.findall(e))) / len(ents)
        if month_name and month_name in doc and query_date in month_years(doc):
            date_match[i] = 1.0
    dense = np.asarray(scores["dense"], dtype=np.float64)
    title_dense = np.asarray(scores["title_dense"], dtype=np.float64)
    bm25_norm = np.asarray(scores["bm25_norm"], dtype=np.float64)
    dense_max = np.maximum(dense, title_dense)
    dense_sent = np.asarray(scores["dense_sent"], dtype=np.float64) if "dense_sent" in scores else dense_max
    return {
        "bm25_norm": bm25_norm,
        "dense": dense,
        "title_dense": title_dense,
        "dense_max": dense_max,
        "bm25_rr": _reciprocal_rank(bm25_norm),
        "dense_rr": _reciprocal_rank(dense_max),
        "overlap_q": overlap_q,
        "overlap_d": overlap_d,
        "num_overlap": num_overlap,
        "num_extra": num_extra,
        "ent_overlap": ent_overlap,
        "dense_sent": dense_sent,
        "date_match": date_match,
    }
