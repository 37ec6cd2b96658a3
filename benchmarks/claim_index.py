"""Claim-index scale benchmark: usearch HNSW at 10k/100k/1M claims vs exact search (build, memory, latency, recall@10).

Vectors: the real CheckThat! vclaim embeddings (cached by `newsaudit eval checkthat` under /tmp/newsaudit-cache) when
present, repeated with Gaussian noise up to each size ("noisy copies of real claims"); otherwise clustered synthetic
unit vectors. The encoder is not run here. Queries are other noisy copies of random base claims; ground truth is
exact cosine top-10 by numpy. Latency is per single query (one thread, as a server request would run); wall-clock
and thread CPU time are both reported, since the CPU time is what an idle core would show on a shared machine.

    nice -n 10 python benchmarks/claim_index.py --sizes 10000 100000 1000000 --out /tmp/claim_index.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import time
from pathlib import Path

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def real_vectors(cache: Path) -> np.ndarray | None:
    files = sorted(cache.glob("vectors-*.npz"), key=lambda p: p.stat().st_size, reverse=True)
    if not files:
        return None
    with np.load(files[0]) as data:
        return np.asarray(data["vectors"], dtype=np.float32)


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)


def make_base(n: int, seeds: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """n unit vectors: seeds[i % len(seeds)] + noise, in float32 (chunked to bound peak memory)."""
    out = np.empty((n, seeds.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        idx = np.arange(start, min(n, start + 100_000))
        chunk = seeds[idx % len(seeds)]
        if n > len(seeds):
            chunk = chunk + noise * rng.standard_normal(chunk.shape, dtype=np.float32) / np.sqrt(seeds.shape[1])
        out[idx] = unit(chunk)
    return out


def exact_top(base: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), k), dtype=np.int64)
    for start in range(0, len(base), 200_000):
        sims = queries @ base[start : start + 200_000].T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        s = np.take_along_axis(sims, top, axis=1)
        all_s = np.hstack([best_s, s])
        all_i = np.hstack([best_i, top + start])
        keep = np.argsort(-all_s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(all_s, keep, axis=1), np.take_along_axis(all_i, keep, axis=1)
    return best_i


def bench_usearch(base: np.ndarray, queries: np.ndarray, truth: np.ndarray, args: argparse.Namespace) -> list[dict]:
    from usearch.index import Index

    gc.collect()
    before = rss_mb()
    index = Index(
        ndim=base.shape[1],
        metric="cos",
        dtype=args.dtype,
        connectivity=args.connectivity,
        expansion_add=args.expansion_add,
        expansion_search=args.expansion_search[0],
    )
    t0, c0 = time.perf_counter(), time.process_time()
    step = 50_000
    for start in range(0, len(base), step):
        stop = min(len(base), start + step)
        index.add(np.arange(start, stop, dtype=np.uint64), base[start:stop], threads=args.threads, log=False)
        if len(base) > step:
            print(f"  built {stop}/{len(base)} in {time.perf_counter() - t0:.0f}s", flush=True)
    build_s, build_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    mem = rss_mb() - before
    results = []
    for ef in args.expansion_search:
        index.expansion_search = ef
        lat, cpu = [], []
        found = np.zeros_like(truth)
        for i, q in enumerate(queries):
            t, c = time.perf_counter(), time.thread_time()
            m = index.search(q, args.k, threads=1)
            lat.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
            keys = np.asarray(m.keys, dtype=np.int64)
            found[i, : len(keys)] = keys
        recall = np.mean([len(set(found[i]) & set(truth[i])) / args.k for i in range(len(queries))])
        results.append(
            {
                "engine": f"usearch-hnsw-{args.dtype} M={args.connectivity} efc={args.expansion_add} ef={ef}",
                "build_s": round(build_s, 2),
                "build_cpu_s": round(build_cpu_s, 2),
                "index_mb": round(index.memory_usage / 2**20, 1),
                "rss_delta_mb": round(mem, 1),
                "p50_ms": round(1000 * float(np.percentile(lat, 50)), 3),
                "p95_ms": round(1000 * float(np.percentile(lat, 95)), 3),
                "cpu_p50_ms": round(1000 * float(np.percentile(cpu, 50)), 3),
                "cpu_p95_ms": round(1000 * float(np.percentile(cpu, 95)), 3),
                f"recall@{args.k}": round(float(recall), 4),
            }
        )
    del index
    gc.collect()
    return results


def bench_exact(base: np.ndarray, queries: np.ndarray, k: int, n_lat: int) -> dict:
    lat, cpu = [], []
    for q in queries[:n_lat]:
        t, c = time.perf_counter(), time.process_time()
        sims = base @ q
        top = np.argpartition(-sims, k - 1)[:k]
        top[np.argsort(-sims[top])]
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "engine": "numpy-exact-f32",
        "build_s": 0.0,
        "index_mb": round(base.nbytes / 2**20, 1),
        "p50_ms": round(1000 * float(np.percentile(lat, 50)), 3),
        "p95_ms": round(1000 * float(np.percentile(lat, 95)), 3),
        "cpu_p50_ms": round(1000 * float(np.percentile(cpu, 50)), 3),
        "cpu_p95_ms": round(1000 * float(np.percentile(cpu, 95)), 3),
        f"recall@{k}": 1.0,
    }


def bench_hybrid(n: int, seeds: np.ndarray, args: argparse.Namespace, rng: np.random.Generator) -> dict:
    """End-to-end ClaimIndex.search (BM25 + ANN + features + ranker) over n claims, query vectors precomputed."""
    from newsaudit.matching.checkthat import read_vclaims
    from newsaudit.matching.index import ClaimIndex, ClaimItem, IndexConfig

    real = read_vclaims(args.data / "checkthat2020-t2" / "verified_claims.docs.tsv")
    base = make_base(n, seeds, args.noise, rng)
    words = [c.text.split() for c in real]
    items = []
    for i in range(n):
        w = words[i % len(words)]
        if i >= len(words):  # a noisy copy: drop a few words
            w = [t for t in w if rng.random() > 0.15] or w
        items.append(
            ClaimItem(f"h{i}", " ".join(w), real[i % len(real)].title, embedding=base[i], title_embedding=base[i])
        )
    config = IndexConfig(
        exact_limit=0,
        ann_dtype=args.dtype,
        ann_connectivity=args.connectivity,
        ann_expansion_add=args.expansion_add,
        ann_expansion_search=args.expansion_search[-1],
    )
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    index = ClaimIndex.build(items, config=config)
    index._lexical()
    index._ann_index()
    build_s = time.perf_counter() - t0
    mem = rss_mb() - before
    del items
    lat = []
    for j in rng.integers(0, n, size=min(args.queries, 200)):
        q = index.texts[j]
        v = unit(base[j][None] + args.noise * rng.standard_normal((1, base.shape[1]), dtype=np.float32) / 20)[0]
        t = time.perf_counter()
        index.search(q, 10, query_vector=v)
        lat.append(time.perf_counter() - t)
    return {
        "claims": n,
        "engine": f"ClaimIndex hybrid (bm25s + usearch-{args.dtype} + ranker)",
        "build_s": round(build_s, 2),
        "rss_delta_mb": round(mem, 1),
        "p50_ms": round(1000 * float(np.percentile(lat, 50)), 3),
        "p95_ms": round(1000 * float(np.percentile(lat, 95)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--dtype", default="i8", help="usearch vector type: f32, f16, i8")
    parser.add_argument("--connectivity", type=int, default=16)
    parser.add_argument("--expansion-add", type=int, default=128)
    parser.add_argument("--expansion-search", type=int, nargs="+", default=[64], help="search widths to measure")
    parser.add_argument("--threads", type=int, default=2, help="threads for building (search uses 1)")
    parser.add_argument("--noise", type=float, default=0.6, help="noise norm relative to a unit vector")
    parser.add_argument("--exact-latency", type=int, default=100, help="queries timed for exact search")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsaudit-cache"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/claim_index_benchmark.json"))
    parser.add_argument("--hybrid", type=int, nargs="*", default=[], help="also time ClaimIndex.search at these sizes")
    parser.add_argument("--skip-ann", action="store_true", help="only the --hybrid sizes")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    seeds = real_vectors(args.cache)
    source = "real CheckThat! vclaim vectors (MiniLM int8) + noise"
    if seeds is None:
        source = "synthetic: 20k random cluster centres + noise"
        seeds = unit(rng.standard_normal((20_000, 384), dtype=np.float32))
    print(f"vectors: {source}; {len(seeds)} seeds; cpu count {os.cpu_count()}")
    rows = []
    for n in [] if args.skip_ann else args.sizes:
        base = make_base(n, seeds, args.noise, rng)
        pick = rng.integers(0, n, size=args.queries)
        queries = unit(
            base[pick]
            + args.noise * rng.standard_normal((args.queries, base.shape[1]), dtype=np.float32) / np.sqrt(base.shape[1])
        )
        truth = exact_top(base, queries, args.k)
        for res in [bench_exact(base, queries, args.k, args.exact_latency), *bench_usearch(base, queries, truth, args)]:
            res = {"claims": n, **res}
            rows.append(res)
            print(json.dumps(res), flush=True)
            args.out.write_text(json.dumps({"source": source, "rows": rows}, indent=2) + "\n", encoding="utf-8")
        del base
        gc.collect()
    for n in args.hybrid:
        res = bench_hybrid(n, seeds, args, rng)
        rows.append(res)
        print(json.dumps(res), flush=True)
    report = {"source": source, "dim": int(seeds.shape[1]), "queries": args.queries, "params": vars(args), "rows": rows}
    report["params"] = {k: str(v) if isinstance(v, Path) else v for k, v in report["params"].items()}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    header = ["claims", "engine", "build_s", "build_cpu_s", "index_mb", "rss_delta_mb", "p50_ms", "p95_ms"]
    header += ["cpu_p50_ms", "cpu_p95_ms", f"recall@{args.k}"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(str(r.get(h, "")) for h in header) + " |")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
