"""Relation-filter training: relations are labelled from the gold cues (or contents, without a cue), and the target
scores count a relation only while its probability reaches the threshold (synthetic articles)."""

from __future__ import annotations

import pytest

from newsaudit.document import Attribution, Span
from newsaudit.evaluation.brat import Article, Relation
from newsaudit.training.relation_filter import examples, fit, target_scores

TEXT = "Ana Diaz said the ferry plan would fail. Crowds for change gathered."


def _span(phrase: str) -> tuple[int, int]:
    s = TEXT.index(phrase)
    return s, s + len(phrase)


def _article() -> Article:
    gold = Relation(
        "E1",
        source=((_span("Ana Diaz"),),),
        cue=((_span("said"),),),
        content=((_span("the ferry plan would fail"),),),
    )
    return Article("a1", TEXT, "ann", [gold])


def _predicted() -> list[Attribution]:
    said = Attribution(Span.of(TEXT, *_span("the ferry plan would fail")), None, Span.of(TEXT, *_span("said")))
    crowds = Attribution(Span.of(TEXT, *_span("change")), None, Span.of(TEXT, *_span("for")), 0.7, "model")
    return [said, crowds]


def test_a_relation_is_positive_where_its_cue_overlaps_a_gold_cue() -> None:
    exs = examples([_article()], [_predicted()])
    assert [x.label for x in exs] == [1, 0]
    no_cue = Attribution(Span.of(TEXT, *_span("plan would")))
    assert [x.label for x in examples([_article()], [[no_cue]])] == [1]  # its content overlaps the gold content


def test_target_scores_drop_the_relations_under_the_threshold() -> None:
    article, predicted = _article(), _predicted()
    exs = examples([article], [predicted])
    probs = [0.9, 0.2]
    kept_one = target_scores([article], [predicted], exs, probs, 0.5)
    keep_all = target_scores([article], [predicted], exs, probs, 0.0)
    assert kept_one["cue_overlap"] == 1.0 and keep_all["cue_overlap"] == pytest.approx(2 / 3, abs=1e-4)
    assert kept_one["content_exact"] == 1.0 and kept_one["source_exact"] == 0.0  # the prediction has no source
    assert kept_one["mean"] == pytest.approx(2 / 3, abs=1e-4)


def test_fit_ranks_the_gold_relation_first() -> None:
    pytest.importorskip("sklearn")
    exs = examples([_article()], [_predicted()]) * 20
    model = fit(exs, c=10.0, min_weight=0.0)
    assert model.probability(exs[0].features) > 0.5 > model.probability(exs[1].features)
