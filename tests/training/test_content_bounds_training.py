"""Content-boundary training: boundaries are labelled from the gold content that ends there, and the content score
counts a cut only where the chosen boundary passes the threshold (synthetic articles)."""

from __future__ import annotations

import pytest

from newsaudit.document import Attribution, Span
from newsaudit.evaluation.brat import Article, Relation
from newsaudit.training.content_bounds import candidates, content_score, fit

TEXT = "Ana Diaz praised the new ferry plan and made no mention of the closure."


def _article() -> Article:
    s = TEXT.index("the new")
    gold = Relation("E1", content=(((s, s + len("the new ferry plan")),),), cue=(((9, 16),),))
    return Article("a1", TEXT, "ann", [gold])


def _predicted() -> list[Attribution]:
    s, e = TEXT.index("the new"), TEXT.index(".")
    return [Attribution(Span.of(TEXT, s, e), None, Span.of(TEXT, 9, 16), origin="model")]


def test_the_boundary_where_gold_ends_is_the_one_positive() -> None:
    cands = candidates([_article()], [_predicted()])
    positive = [c for c in cands if c.label]
    assert len(positive) == 1 and TEXT[: positive[0].cut].endswith("the new ferry plan")
    assert len(cands) == 10  # a boundary before each of the 11 words but the first


def test_content_score_counts_the_cut_only_above_the_threshold() -> None:
    article, predicted = _article(), _predicted()
    cands = candidates([article], [predicted])
    probs = [0.9 if c.label else 0.1 for c in cands]
    assert content_score([article], [predicted], cands, probs, 0.5).f1 == 1.0
    assert content_score([article], [predicted], cands, probs, 0.95).f1 == 0.0


def test_fit_learns_the_positive_boundary() -> None:
    pytest.importorskip("sklearn")
    cands = candidates([_article()], [_predicted()]) * 20
    model = fit(cands, c=10.0, min_weight=0.0)
    best = max(cands, key=lambda c: model.probability(c.features))
    assert best.label == 1
