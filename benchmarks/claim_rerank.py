"""Cross-encoder re-ranking latency: `ClaimIndex.search` with and without the claim re-ranker, per re-ranked depth.

Index: the CheckThat! 2020 verified claims (read from `--data` at run time; vectors from the `newsaudit eval checkthat`
cache), searched with the first `--queries` train tweets; their query vectors are computed before timing, so the
times are the search alone (BM25, dense, fusion and, when on, the cross-encoder over the top `depth` candidates).
A ranker that uses `dense_sent` (`--ranker`, default the shipped one) needs each query's sentence vectors during
search, uncached, so that cost is in the times: pooled from the whole query's one encoder pass
(`SentenceEmbedder.embed_with_spans`), which a multi-sentence query still runs when its vector is given. Without
the data, a small set of made-up claims and queries is used instead. onnxruntime runs on `--threads` threads.

    flock /tmp/newsaudit-heavy.lock nice -n 5 python benchmarks/claim_rerank.py --depths 5 10 20 --queries 200
    ... --depths 5 --compare-ranker OLD_RANKER.json    # also: the shipped ranker against another, interleaved
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

MADE_UP = [
    "The harbour bridge will close for repairs every weekend in {m}.",
    "A new bus line links the airport and the old town from {m}.",
    "The council cut the library budget by {n} percent.",
    "School meals will be free for every pupil from {m}.",
    "The river reached its highest level in {n} years.",
    "Ferry fares rose by {n} percent in one week.",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def made_up_task(n_queries: int) -> tuple[list, list[str]]:
    from newsaudit.matching.index import ClaimItem

    rng = np.random.default_rng(7)
    items = []
    for i in range(2000):
        text = MADE_UP[i % len(MADE_UP)].format(m=MONTHS[i % 6], n=int(rng.integers(2, 90)))
        items.append(ClaimItem(str(i), text, f"Claim {i}: {text[:30]}"))
    queries = [f"wow, {items[int(j)].text.lower()} can you believe it" for j in rng.integers(0, len(items), n_queries)]
    return items, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=None, help="re-ranker folder (default: the shipped one)")
    parser.add_argument("--ranker", type=Path, default=None, help="ranker JSON (default: the shipped one)")
    parser.add_argument(
        "--compare-ranker",
        type=Path,
        default=None,
        help="also time this ranker JSON against --ranker, query by query in turn (no re-ranker): what a ranker costs",
    )
    parser.add_argument("--depths", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsaudit-cache"))
    parser.add_argument("--out", type=Path, default=Path(".cache/claim-rerank-bench/results.json"))
    args = parser.parse_args()
    os.environ.setdefault("NEWSAUDIT_THREADS", str(args.threads))

    from newsaudit.matching.checkthat import cached_embedder, read_queries, read_vclaims
    from newsaudit.matching.index import ClaimIndex, IndexConfig
    from newsaudit.matching.ranker import Ranker, default_ranker
    from newsaudit.matching.rerank import RERANKER_DIR, CrossEncoderReranker

    reranker = CrossEncoderReranker(args.model or RERANKER_DIR, threads=args.threads)
    embedder = cached_embedder(None, args.cache)
    root = args.data / "checkthat2020-t2"
    if root.is_dir():
        items = read_vclaims(root / "verified_claims.docs.tsv")
        queries = [t for _, t in read_queries(root / "train" / "tweets.queries.tsv")][: args.queries]
        source = "CheckThat! 2020 T2 verified claims, train tweets"
    else:
        items, queries = made_up_task(args.queries)
        embedder = cached_embedder(None, None)
        source = "made-up claims (no data)"
    ranker = Ranker.load(args.ranker) if args.ranker else default_ranker()
    texts = [it.text for it in items]
    titled = [it for it in items if it.title]
    vectors = dict(zip((it.id for it in items), embedder.embed(texts), strict=True))
    title_vectors = dict(zip((it.id for it in titled), embedder.embed([it.title for it in titled]), strict=True))
    items = [replace(it, embedding=vectors[it.id], title_embedding=title_vectors.get(it.id)) for it in items]
    live = getattr(embedder, "embedder", embedder)  # uncached: sentence vectors are embedded while timed
    index = ClaimIndex(live, config=IndexConfig(reranker="none"), ranker=ranker)
    index.add(items, batch_size=512)
    cleaned = [index.prepare_query(q) for q in queries]
    qvecs = np.asarray(embedder.embed(cleaned), dtype=np.float32)
    save = getattr(embedder, "save", None)
    if callable(save):
        save()

    def time_search(idx: ClaimIndex) -> list[float]:
        idx.search(queries[0], 10, query_vector=qvecs[0])  # warm-up: BM25 build, session
        out = []
        for q, v in zip(queries, qvecs, strict=True):
            t0 = time.perf_counter()
            idx.search(q, 10, query_vector=v)
            out.append(1000 * (time.perf_counter() - t0))
        return out

    rows = []
    base = time_search(index)
    rows.append(
        {"depth": 0, "p50_ms": pct(base, 50), "p95_ms": pct(base, 95), "added_p50_ms": 0.0, "added_p95_ms": 0.0}
    )
    for depth in args.depths:
        ranked = ClaimIndex(live, config=replace(index.config, rerank_depth=depth), ranker=ranker, reranker=reranker)
        ranked.add(items, batch_size=512)  # the items bring their vectors
        lat = time_search(ranked)
        added = [a - b for a, b in zip(lat, base, strict=True)]
        rows.append(
            {
                "depth": depth,
                "p50_ms": pct(lat, 50),
                "p95_ms": pct(lat, 95),
                "added_p50_ms": pct(added, 50),
                "added_p95_ms": pct(added, 95),
            }
        )
    compare = []
    if args.compare_ranker:
        # Interleaved, so that load from other processes falls on both rankers alike; "with vector": the query's
        # vector is given (as above), "end to end": search embeds the query itself.
        pair = {
            ranker.name: index,
            "baseline": ClaimIndex(live, config=index.config, ranker=Ranker.load(args.compare_ranker)),
        }
        pair["baseline"].add(items, batch_size=512)
        times: dict[tuple[str, str], list[float]] = {(n, m): [] for n in pair for m in ("with vector", "end to end")}
        for idx in pair.values():
            idx.search(queries[0], 10)
        for q, v in zip(queries, qvecs, strict=True):
            for name, idx in pair.items():
                t0 = time.perf_counter()
                idx.search(q, 10, query_vector=v)
                times[(name, "with vector")].append(1000 * (time.perf_counter() - t0))
                t0 = time.perf_counter()
                idx.search(q, 10)
                times[(name, "end to end")].append(1000 * (time.perf_counter() - t0))
        for (name, mode), lat in times.items():
            label = pair[name].ranker.name
            compare.append({"ranker": label, "mode": mode, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95)})
    report = {
        "source": source,
        "claims": len(index),
        "queries": len(queries),
        "threads": args.threads,
        "ranker": ranker.name,
        "model": str(reranker.model_dir),
        "model_depth": reranker.depth,
        "model_weight": reranker.weight,
        "rows": [{k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()} for r in rows],
        "ranker_compare": [{k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()} for r in compare],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{source}: {len(index)} claims, {len(queries)} queries, {args.threads} threads, {ranker.name} -> {args.out}")
    print(f"{'re-ranked':>10} {'p50 ms':>8} {'p95 ms':>8} {'added p50':>10} {'added p95':>10}")
    for r in report["rows"]:
        name = "off" if r["depth"] == 0 else str(r["depth"])
        print(
            f"{name:>10} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['added_p50_ms']:>10.1f} {r['added_p95_ms']:>10.1f}"
        )

    if compare:
        print(f"{'ranker (no re-ranker)':>28} {'mode':>12} {'p50 ms':>8} {'p95 ms':>8}")
        for r in report["ranker_compare"]:
            print(f"{r['ranker']:>28} {r['mode']:>12} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}")


if __name__ == "__main__":
    main()
