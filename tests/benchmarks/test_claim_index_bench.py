"""The claim-index benchmark's synthetic corpus and its hybrid harness, on a tiny index (no data set, no encoder)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "claim_index.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("claim_index_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pool(bench):
    return bench.BasePool(
        ["The port lost 1,200 jobs last year.", "Fuel prices rose by 8% in March.", "Ferries stopped for a week."],
        bench.unit(np.random.default_rng(1).standard_normal((3, 16), dtype=np.float32)),
        "test",
        np.random.default_rng(2),
        made_up=500,
    )


def test_perturbed_keeps_originals_and_is_deterministic(bench, pool) -> None:
    bases = np.array([0, 1, 2, 0, 1, 2, 0])
    a = pool.perturbed(bases, np.random.default_rng(5), (0.3, 0.3, 0.1), keep=3)
    b = pool.perturbed(bases, np.random.default_rng(5), (0.3, 0.3, 0.1), keep=3)
    assert a == b
    assert a[:3] == [
        "The port lost 1,200 jobs last year.",
        "Fuel prices rose by 8% in March.",
        "Ferries stopped for a week.",
    ]
    assert all(text.strip() for text in a)
    originals = {w for i in range(3) for w in a[i].split()}
    made_up = {w for text in a[3:] for w in text.split()} - originals
    assert made_up <= set(pool.words[pool.n_real :])  # new words come only from the made-up vocabulary


def test_noisy_vectors_are_unit_and_keep_originals(bench, pool) -> None:
    vecs = pool.noisy_vectors(np.array([0, 1, 2, 0]), 0.6, np.random.default_rng(3), keep=3)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vecs[:3], pool.vectors, atol=1e-6)
    assert 0.5 < float(vecs[3] @ pool.vectors[0]) < 0.999


@pytest.mark.parametrize("exact_limit", [10_000, 100])
def test_hybrid_build_and_query_phases(bench, tmp_path, exact_limit) -> None:
    args = argparse.Namespace(
        seed=0, noise=0.6, exact_limit=exact_limit, queries=30, recall_queries=10, embed_queries=0, k=10
    )
    pool = bench.base_pool(tmp_path / "no-data", tmp_path / "no-cache", 0, made_up=2000)  # the bundled-example fallback
    folder = tmp_path / "idx"
    built = bench.build_phase(400, pool, folder, args)
    assert built["claims"] == 400 and built["dense"] == ("ann" if exact_limit < 400 else "exact")
    assert (folder / "manifest.json").exists() and built["disk_mb"] > 0
    row = bench.query_phase(400, pool, folder, args)
    assert row["claims"] == 400 and row["queries"] == 30
    assert 0.0 < row["p50_ms"] <= row["p95_ms"]
    assert 0.0 <= row["recall@10"] <= 1.0
    if exact_limit > 400:
        assert row["recall@10"] == 1.0  # exact mode is its own reference
