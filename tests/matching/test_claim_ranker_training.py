"""The claim-ranker training helpers on made-up candidate groups: duplicate sharing in MAP@5 and the views grid."""

from __future__ import annotations

import numpy as np

from newsaudit.matching.ranker import FEATURES
from newsaudit.training.claim_ranker import fit_fusion, fit_views, map5

COL = {f: i for i, f in enumerate(FEATURES)}


def group(qid: str, rows: list[dict[str, float]], gold: int, dup: list[int] | None = None) -> tuple:
    x = np.zeros((len(rows), len(FEATURES)))
    for i, row in enumerate(rows):
        for name, value in row.items():
            x[i, COL[name]] = value
    ids = [f"{qid}-{i}" for i in range(len(rows))]
    y = np.array([int(i == gold) for i in range(len(rows))])
    return (qid, ids, x, y, [f"claim {i}" for i in range(len(rows))], np.array(dup or list(range(len(rows)))))


def test_map5_lets_copies_share_their_best_score() -> None:
    rows = [{"dense_max": 0.9}, {"dense_max": 0.5}, {"dense_max": 0.1}]
    qrels = {"q": {"q-2"}}
    by_dense = lambda x: x[:, COL["dense_max"]]  # noqa: E731
    assert abs(map5([group("q", rows, 2)], by_dense, qrels) - 1 / 3) < 1e-9
    assert abs(map5([group("q", rows, 2, dup=[0, 1, 0])], by_dense, qrels) - 1 / 2) < 1e-9  # a copy of the top one


def test_views_grid_finds_the_date_and_sentence_signals() -> None:
    groups = []
    for i in range(10):  # gold differs from the first candidate only by its date
        same = {"bm25_norm": 0.5, "dense_max": 0.6, "dense_sent": 0.6}
        groups.append(group(f"d{i}", [same, {**same, "date_match": 1.0}], gold=1))
    ahead = {"bm25_norm": 0.5, "dense_max": 0.62, "dense_sent": 0.62}
    behind = {"bm25_norm": 0.5, "dense_max": 0.6, "dense_sent": 0.9}
    for i in range(10):  # gold is behind on the whole query but one of the query's sentences matches it well
        groups.append(group(f"s{i}", [ahead, behind], gold=1))
    qrels = {g[0]: {g[1][1]} for g in groups}
    w, _ = fit_views(groups)
    assert w[COL["date_match"]] > 0 and w[COL["dense_sent"]] > 0
    assert map5(groups, lambda x: x @ w, qrels) == 1.0
    plain, _ = fit_fusion(groups)
    assert map5(groups, lambda x: x @ plain, qrels) < 1.0  # the v2 fusion cannot see either signal
