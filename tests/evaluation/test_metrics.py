"""Metrics on hand-computed cases, plus properties of span merging."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsaudit.evaluation.metrics import (
    best_threshold,
    binary_f1,
    merge_spans,
    prf,
    role_score,
    si_score,
    tc_score,
)

approx = pytest.approx


def test_prf_empty_set_conventions() -> None:
    assert prf(0, 0, 0, 0).f1 == 1.0  # nothing predicted, nothing to find
    nothing_predicted = prf(0, 0, 0, 3)
    assert (nothing_predicted.precision, nothing_predicted.recall, nothing_predicted.f1) == (0.0, 0.0, 0.0)
    nothing_gold = prf(0, 2, 0, 0)
    assert (nothing_gold.precision, nothing_gold.recall, nothing_gold.f1) == (0.0, 0.0, 0.0)


def test_merge_spans_merges_overlaps_only() -> None:
    assert merge_spans([(5, 9), (0, 4), (2, 6)]) == [(0, 9)]
    assert merge_spans([(0, 5), (5, 9)]) == [(0, 5), (5, 9)]  # touching, no shared character
    assert merge_spans([(3, 3), (0, 2)]) == [(0, 2)]  # empty span dropped
    assert merge_spans([(0, 10), (2, 4)]) == [(0, 10)]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=12))
def test_merge_spans_keeps_the_character_set(raw: list[tuple[int, int]]) -> None:
    merged = merge_spans(raw)
    chars = {i for s, e in raw for i in range(s, e)}
    assert {i for s, e in merged for i in range(s, e)} == chars
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(merged))
    assert all(s < e for s, e in merged)


def test_si_partial_overlap() -> None:
    # |s ∩ t| = 5, |s| = |t| = 10: P = R = 0.5
    r = si_score({"1": [(5, 15)]}, {"1": [(0, 10)]})
    assert (r.precision, r.recall, r.f1) == (approx(0.5), approx(0.5), approx(0.5))


def test_si_merges_predictions_before_scoring() -> None:
    # predictions merge to s = [0, 6); gold t1 = [0, 3), t2 = [4, 8)
    # P = (3/6 + 2/6) / 1 = 5/6;  R = (3/3 + 2/4) / 2 = 0.75;  F1 = 2PR / (P + R) = 1.25 / (19/12) = 15/19
    r = si_score({"1": [(0, 4), (2, 6)]}, {"1": [(0, 3), (4, 8)]})
    assert r.precision == approx(5 / 6)
    assert r.recall == approx(0.75)
    assert r.f1 == approx(15 / 19)


def test_si_merges_gold_too() -> None:
    # gold [0,6) and [4,10) merge to [0,10): one gold span. Pred [0,10) matches fully.
    r = si_score({"1": [(0, 10)]}, {"1": [(0, 6), (4, 10)]})
    assert (r.precision, r.recall, r.p_den, r.r_den) == (approx(1.0), approx(1.0), 1, 1)


def test_si_touching_predictions_are_not_merged() -> None:
    # s1 = [0,5), s2 = [5,10), t = [0,10): P = (5/5 + 5/5) / 2 = 1; R = (5/10 + 5/10) / 1 = 1
    r = si_score({"1": [(0, 5), (5, 10)]}, {"1": [(0, 10)]})
    assert (r.precision, r.recall, r.f1) == (approx(1.0), approx(1.0), approx(1.0))


def test_si_spans_only_match_within_their_article() -> None:
    r = si_score({"1": [(0, 10)]}, {"2": [(0, 10)]})
    assert (r.precision, r.recall, r.f1) == (0.0, 0.0, 0.0)
    assert (r.p_den, r.r_den) == (1, 1)


def test_si_two_articles_pool_counts() -> None:
    # article 1: s=[0,4) in t=[0,8): P term 1, R term 0.5. article 2: s=[0,2) no gold; t=[10,12) missed.
    # P = 1/2, R = 0.5 / 2 = 0.25, F1 = 2 * 0.125 / 0.75 = 1/3
    r = si_score({"1": [(0, 4)], "2": [(0, 2)]}, {"1": [(0, 8)], "2": [(10, 12)]})
    assert (r.precision, r.recall, r.f1) == (approx(0.5), approx(0.25), approx(1 / 3))


def test_si_empty_cases() -> None:
    assert si_score({}, {}).f1 == 1.0
    assert si_score({"1": []}, {"1": [(0, 3)]}).f1 == 0.0
    assert si_score({"1": [(0, 3)]}, {"1": []}).precision == 0.0


def test_tc_micro_and_per_technique() -> None:
    gold = [("a", "Doubt"), ("b", "Slogans"), ("c", "Doubt")]
    pred = [("a", "Doubt"), ("b", "Doubt"), ("c", "Doubt")]
    r = tc_score(pred, gold)
    assert (r.micro.precision, r.micro.recall, r.micro.f1) == (approx(2 / 3), approx(2 / 3), approx(2 / 3))
    # Doubt: 2 correct of 3 predicted, 2 gold -> P 2/3, R 1, F1 0.8. Slogans: never predicted -> 0.
    assert r.per_label["Doubt"].f1 == approx(0.8)
    assert (r.per_label["Slogans"].precision, r.per_label["Slogans"].recall) == (0.0, 0.0)


def test_tc_missing_predictions_lower_recall_only() -> None:
    gold = [("a", "Doubt"), ("b", "Slogans"), ("c", "Doubt")]
    r = tc_score([("a", "Doubt")], gold)
    assert (r.micro.precision, r.micro.recall, r.micro.f1) == (approx(1.0), approx(1 / 3), approx(0.5))


def test_tc_span_with_two_gold_labels_is_a_multiset() -> None:
    # the same span carries two techniques in the gold; predicting one of them twice earns one hit only
    gold = [("a", "Doubt"), ("a", "Slogans")]
    r = tc_score([("a", "Slogans"), ("a", "Slogans")], gold)
    assert (r.micro.precision, r.micro.recall) == (approx(0.5), approx(0.5))
    r = tc_score([("a", "Slogans"), ("a", "Doubt")], gold)
    assert r.micro.f1 == approx(1.0)


def test_role_score_exact_and_overlap() -> None:
    gold = {"x": [((0, 5),), ((10, 20),), ((30, 35), (40, 45))]}
    pred = {"x": [((0, 5),), ((12, 15),), ((50, 60),), ((40, 45), (30, 35))]}  # fragment order does not matter
    r = role_score(pred, gold)
    # exact: 2 of 4 predicted, 2 of 3 gold -> F1 = 2 * (1/2 * 2/3) / (1/2 + 2/3) = 4/7
    assert (r["exact"].precision, r["exact"].recall, r["exact"].f1) == (approx(0.5), approx(2 / 3), approx(4 / 7))
    # overlap: 3 of 4 predicted touch a gold span; all 3 gold spans are touched -> F1 = 1.5 / 1.75 = 6/7
    assert (r["overlap"].precision, r["overlap"].recall, r["overlap"].f1) == (approx(0.75), 1.0, approx(6 / 7))


def test_role_score_overlap_is_not_one_to_one() -> None:
    # one long prediction covering two gold spans counts for both in recall
    r = role_score({"x": [((0, 20),)]}, {"x": [((0, 5),), ((10, 15),)]})
    assert (r["overlap"].precision, r["overlap"].recall) == (1.0, 1.0)
    assert r["exact"].f1 == 0.0


def test_role_score_by_article_and_duplicates() -> None:
    r = role_score({"x": [((0, 5),), ((0, 5),)], "y": [((0, 5),)]}, {"x": [((0, 5),)], "z": [((0, 5),)]})
    # x: one distinct prediction, exact hit; y: a false positive; z: a miss -> P = 1/2, R = 1/2
    assert (r["exact"].precision, r["exact"].recall) == (approx(0.5), approx(0.5))


def test_binary_f1() -> None:
    r = binary_f1([True, True, False, False, True], [True, False, True, False, True])
    assert (r.precision, r.recall, r.f1) == (approx(2 / 3), approx(2 / 3), approx(2 / 3))
    with pytest.raises(ValueError):
        binary_f1([True], [True, False])


def test_best_threshold() -> None:
    # t=0.9: F1 2/3; t=0.8: 1/2; t=0.4: P 2/3 R 1 -> 0.8; t=0.3: P 1/2 R 1 -> 2/3
    t, r = best_threshold([0.9, 0.8, 0.4, 0.3], [True, False, True, False])
    assert t == 0.4
    assert r.f1 == approx(0.8)


def test_best_threshold_ties_share_a_decision() -> None:
    # both 0.5 scores switch on together: t=0.5 -> P 1/2, R 1 -> F1 2/3
    t, r = best_threshold([0.5, 0.5], [True, False])
    assert (t, r.f1) == (0.5, approx(2 / 3))
