"""Benchmark metrics implemented from their definitions: PTC SI and TC, PolNeAR role spans, binary F1.

Conventions (mirroring the SemEval-2020 Task 11 scorer, `compute_prec_rec_f1`): P is 0 when there are no
predictions, R is 0 when there is no gold; F1 is 1.0 when there are neither, else 0 unless both P and R are > 0.
Spans are half-open [start, end) character ranges; empty spans (start >= end) are ignored (the official format
checker rejects them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1, with the numerators and denominators they came from."""

    precision: float
    recall: float
    f1: float
    p_num: float = 0.0
    p_den: float = 0.0
    r_num: float = 0.0
    r_den: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def prf(p_num: float, p_den: float, r_num: float, r_den: float) -> PRF:
    """P = p_num / p_den and R = r_num / r_den with the scorer's conventions for empty sets (module docstring)."""
    p = p_num / p_den if p_den > 0 else 0.0
    r = r_num / r_den if r_den > 0 else 0.0
    if p_den == 0 and r_den == 0:
        f1 = 1.0
    elif p > 0 and r > 0:
        f1 = 2 * p * r / (p + r)
    else:
        f1 = 0.0
    return PRF(p, r, f1, p_num, p_den, r_num, r_den)


def merge_spans(spans: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping spans (sharing at least one character); touching spans like [0,5) and [5,9) stay apart."""
    out: list[list[int]] = []
    for start, end in sorted((s, e) for s, e in spans if e > s):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _overlap(a: Interval, b: Interval) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def si_score(predicted: Mapping[str, Iterable[Interval]], gold: Mapping[str, Iterable[Interval]]) -> PRF:
    """PTC span identification (Da San Martino et al., EMNLP 2019), spans merged per article on both sides."""
    # P = sum over predicted s and gold t in the same article of |s∩t|/|s|, divided by |S|;
    # R = the same sum with |s∩t|/|t|, divided by |T|. Articles missing from one side count as having no spans.
    p_num = r_num = 0.0
    n_pred = n_gold = 0
    for article in set(predicted) | set(gold):
        pred = merge_spans(predicted.get(article, ()))
        ref = merge_spans(gold.get(article, ()))
        n_pred += len(pred)
        n_gold += len(ref)
        for s in pred:
            for t in ref:
                inter = _overlap(s, t)
                if inter:
                    p_num += inter / (s[1] - s[0])
                    r_num += inter / (t[1] - t[0])
    return prf(p_num, n_pred, r_num, n_gold)


@dataclass(frozen=True, slots=True)
class LabelScores:
    """Micro P/R/F1 over labelled items, and P/R/F1 per label."""

    micro: PRF
    per_label: dict[str, PRF]


def tc_score(predicted: Iterable[tuple[Hashable, str]], gold: Iterable[tuple[Hashable, str]]) -> LabelScores:
    """PTC technique classification: micro P/R/F1 over (span key, technique) pairs, as multisets."""
    # A prediction is correct if the same span key carries that technique in the gold (each gold pair matches at
    # most one prediction). With exactly one prediction per gold line, P = R = F1 = accuracy; spans left without a
    # prediction lower only recall. Per technique: P = correct / predicted with it, R = correct / gold with it.
    # The official scorer aligns a span's duplicate lines by position after sorting; this multiset match is the
    # same except that it does not depend on the order of a duplicated span's labels.
    pred = Counter(predicted)
    ref = Counter(gold)
    hits = pred & ref
    micro = prf(sum(hits.values()), sum(pred.values()), sum(hits.values()), sum(ref.values()))
    labels = sorted({label for _, label in pred} | {label for _, label in ref})
    per_label = {}
    for label in labels:
        tp = sum(n for (_, lab), n in hits.items() if lab == label)
        n_pred = sum(n for (_, lab), n in pred.items() if lab == label)
        n_gold = sum(n for (_, lab), n in ref.items() if lab == label)
        per_label[label] = prf(tp, n_pred, tp, n_gold)
    return LabelScores(micro, per_label)


def _spans_overlap(a: Sequence[Interval], b: Sequence[Interval]) -> bool:
    return any(_overlap(x, y) for x in a for y in b)


def _fragment_set(spans: Iterable[Sequence[Interval]]) -> set[tuple[Interval, ...]]:
    """Each span as its sorted non-empty fragments; spans with no fragment left are dropped."""
    return {tuple(sorted(f for f in s if f[1] > f[0])) for s in spans} - {()}


def role_score(
    predicted: Mapping[str, Iterable[Sequence[Interval]]], gold: Mapping[str, Iterable[Sequence[Interval]]]
) -> dict[str, PRF]:
    """P/R/F1 for one attribution role (e.g. Source) over articles; each span is a tuple of fragments."""
    # - exact: a predicted span is correct if a gold span of the same article has exactly the same fragments
    #   (multiset matching: each gold span matches at most one prediction).
    # - overlap: precision counts the predicted spans that share at least one character with some gold span of the
    #   same article; recall counts the gold spans that share at least one character with some predicted span
    #   (no one-to-one constraint, as in citron's overlap scores).
    # Duplicate spans on one side (the same fragments twice) are counted once.
    exact_hits = n_pred = n_gold = 0
    ov_p = ov_r = 0
    for article in set(predicted) | set(gold):
        pred = _fragment_set(predicted.get(article, ()))
        ref = _fragment_set(gold.get(article, ()))
        n_pred += len(pred)
        n_gold += len(ref)
        exact_hits += len(pred & ref)
        ov_p += sum(1 for s in pred if any(_spans_overlap(s, t) for t in ref))
        ov_r += sum(1 for t in ref if any(_spans_overlap(s, t) for s in pred))
    return {"exact": prf(exact_hits, n_pred, exact_hits, n_gold), "overlap": prf(ov_p, n_pred, ov_r, n_gold)}


def binary_f1(predicted: Sequence[bool], gold: Sequence[bool]) -> PRF:
    """P/R/F1 of the positive class (e.g. check-worthy) for aligned boolean predictions and labels."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} labels")
    tp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and g)
    return prf(tp, sum(map(bool, predicted)), tp, sum(map(bool, gold)))


def best_threshold(scores: Sequence[float], gold: Sequence[bool]) -> tuple[float, PRF]:
    """The threshold t (predict positive when score >= t) that maximises positive-class F1, and that F1."""
    # Candidates are the distinct scores; ties go to the highest threshold. This is tuned on the data it is
    # reported on, so it is an upper bound, not a held-out figure.
    if len(scores) != len(gold):
        raise ValueError(f"{len(scores)} scores for {len(gold)} labels")
    n_gold = sum(map(bool, gold))
    best = (float("inf"), prf(0, 0, 0, n_gold))  # no threshold reached: nothing predicted
    order = sorted(zip(scores, gold, strict=True), key=lambda x: -x[0])
    tp = n_pred = 0
    for i, (score, label) in enumerate(order):
        tp += bool(label)
        n_pred += 1
        if i + 1 < len(order) and order[i + 1][0] == score:
            continue  # all items with this score are predicted positive together
        result = prf(tp, n_pred, tp, n_gold)
        if result.f1 > best[1].f1:
            best = (float(score), result)
    return best
