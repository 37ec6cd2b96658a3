"""Cross-encoder re-ranker training helpers: negatives, groups and the hold-out grid (no model, no dataset)."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import pytest

from newsaudit.matching.index import ClaimItem
from newsaudit.training.claim_reranker import RerankerConfig, export_unscored, grid, negatives_for, sample_group

CLAIMS = {
    "g": ClaimItem("g", "Owls can see through walls."),
    "g2": ClaimItem("g2", "owls can see through walls"),  # a copy of the gold claim: never a negative
    "n1": ClaimItem("n1", "Owls hunt at night."),
    "n2": ClaimItem("n2", "Cats can see in the dark."),
    "n3": ClaimItem("n3", "Walls block radio waves."),
}


def test_negatives_skip_gold_and_its_copies() -> None:
    cands = [["n1", 0.9], ["g", 0.8], ["g2", 0.8], ["n2", 0.5], ["n3", 0.1]]
    assert negatives_for("q", cands, {"q": {"g"}}, CLAIMS) == ["n1", "n2", "n3"]


def test_group_keeps_the_best_negatives_and_samples_the_rest() -> None:
    cfg = RerankerConfig(negatives=4, top_negatives=2)
    negs = [f"n{i}" for i in range(10)]
    for seed in range(5):
        group = sample_group(negs, cfg, random.Random(seed))
        assert group[:2] == ["n0", "n1"] and len(group) == 4 and len(set(group)) == 4
    assert sample_group(["n0"], cfg, random.Random(0)) == ["n0"]


def test_grid_scores_fusion_ce_alone_and_mixes() -> None:
    stage = {"candidates": {"q1": [["n1", 0.9], ["g", 0.8], ["n2", 0.5]], "q2": [["g", 0.9], ["n1", 0.2]]}}
    qrels = {"q1": {"g"}, "q2": {"g"}}
    logits = {"q1": {"n1": -3.0, "g": 3.0, "n2": -3.0}, "q2": {"g": 2.0, "n1": -2.0}}
    out = grid(stage, logits, qrels, CLAIMS, {"q1", "q2"})
    assert out["queries"] == 2
    assert out["fusion"]["MAP@1"] == pytest.approx(0.5)  # q1's gold is second by fusion
    assert out["ce_alone@3"]["MAP@1"] == pytest.approx(1.0)
    assert out["mix"]["d3_w0.05"]["MAP@1"] == pytest.approx(0.5)  # too small a weight to overturn 0.1 of fusion
    assert out["mix"]["d3_w1"]["MAP@1"] == pytest.approx(1.0)
    assert out["best"]["MAP@5"] == pytest.approx(1.0)


def test_a_run_without_hold_out_exports_the_given_setting(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "tokenizer.json").write_text("{}")
    files = {name: tmp_path / f"model.{name}.onnx" for name in ("fp32", "int8", "fp16w")}
    for name, path in files.items():
        path.write_text(name)
    args = argparse.Namespace(
        setting=None, precision="auto", checkpoint=tmp_path / "ckpt", cache=tmp_path / "cache", out=tmp_path / "out"
    )
    with pytest.raises(SystemExit, match="no hold-out"):  # nothing to choose the mix or the precision on
        export_unscored(args, RerankerConfig(holdout=0.0), base, files)
    args.setting, args.precision = "d5_w1", "fp16w"
    record = export_unscored(args, RerankerConfig(holdout=0.0), base, files)
    assert (record["depth"], record["weight"], record["holdout"]) == (5, 1.0, None)
    assert (args.out / "model.onnx").read_text() == "fp16w"
    assert json.loads((args.out / "config.json").read_text())["training"]["holdout"] == 0.0
