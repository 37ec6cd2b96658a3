"""Ranking metrics on hand-computed cases: MAP@k (CheckThat!/trec_eval definition), MRR, recall@k."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudit.errors import InputError
from newsaudit.evaluation.checkthat import average_precision_at, ranking_metrics, recall_at, reciprocal_rank
from newsaudit.matching.checkthat import read_qrels


def test_average_precision_by_hand() -> None:
    ranked = ["a", "x", "b", "y", "c"]
    rel = {"a", "b", "c"}
    assert average_precision_at(ranked, rel, 1) == pytest.approx(1 / 3)
    assert average_precision_at(ranked, rel, 3) == pytest.approx((1 + 2 / 3) / 3)
    assert average_precision_at(ranked, rel, 5) == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    assert average_precision_at(["x", "a"], {"a"}, 1) == 0.0
    assert average_precision_at(["x", "a"], {"a"}, 2) == pytest.approx(0.5)


def test_mrr_and_recall() -> None:
    assert reciprocal_rank(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], {"a"}) == 0.0
    assert recall_at(["a", "x", "b"], {"a", "b", "c", "d"}, 2) == pytest.approx(0.25)


def test_ranking_metrics_average_over_judged_queries() -> None:
    run = {"q1": ["a", "b"], "q2": ["x", "c"], "q9": ["a"]}
    qrels = {"q1": {"a"}, "q2": {"c"}, "q3": {"z"}}
    m = ranking_metrics(run, qrels, depths=(1, 5))
    assert m["MAP@1"] == pytest.approx((1 + 0 + 0) / 3)
    assert m["MAP@5"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert m["MRR"] == pytest.approx((1 + 0.5) / 3)
    assert m["recall@5"] == pytest.approx(2 / 3)
    with pytest.raises(InputError):
        ranking_metrics(run, {})


def test_qrels_with_a_bad_line_are_refused_on_one_line(tmp_path: Path) -> None:
    good = tmp_path / "good.qrels"
    good.write_text("q1 0 a 1\nq2 0 b 0\n\nq3 0 c 2\n")
    assert read_qrels(good) == {"q1": {"a"}, "q3": {"c"}}
    for line in ("q1 0 a yes", "q1 0 a", "q1 0 a 1.5"):
        bad = tmp_path / "bad.qrels"
        bad.write_text(line + "\n")
        with pytest.raises(InputError, match=r"bad.qrels:1: expected 'qid 0 docid relevance'"):
            read_qrels(bad)
