"""Claim-index scale benchmark: the full hybrid ClaimIndex query path at 10k/100k/1M claims, and the bare ANN.

Hybrid mode (default, `--sizes`): builds a `ClaimIndex` with the product's default `IndexConfig` (exact dense search
up to `exact_limit`, usearch HNSW above it) over synthetic claims, saves it under `--workdir` (so a later run, or the
query phase, reuses it), then times `ClaimIndex.search(text, 10, query_vector=v)`: query cleaning, BM25 scores over
every claim, ANN (or exact) dense candidates, features and the fusion ranker -- what `Corpus.match` calls, less the
cross-encoder re-ranker (its added latency is in `benchmarks/claim_rerank.py`). The query embedding is excluded
there and timed on its own (`embed_*`). Recall@10 compares the hybrid top-10 with the same ranker over exact
candidates (brute-force dense top-`candidates` plus the exact BM25 top-`candidates`).

Synthetic claims: perturbed copies of a base pool (the CheckThat! verified claims, read from `--data` at run time,
never stored in the repo), with 12% of words dropped, 10% replaced by words drawn from the pool by frequency and 2%
by random made-up words (so the vocabulary grows with the corpus). Vectors: the real MiniLM vectors of the base
claims (from the `newsaudit eval checkthat` vector cache) plus Gaussian noise; the encoder is not run on the
corpus. Without the data or the cache, sentences of the bundled example plus made-up words, with random vectors.
Queries are other perturbed copies of random base claims with their own noisy vectors.

    flock /tmp/newsaudit-heavy.lock nice -n 5 python benchmarks/claim_index.py --sizes 10000 100000
    flock /tmp/newsaudit-heavy.lock nice -n 5 python benchmarks/claim_index.py --sizes 1000000 --phase build
    flock /tmp/newsaudit-heavy.lock nice -n 5 python benchmarks/claim_index.py --sizes 1000000 --phase query

A build that passes `--budget` seconds (default 720, to keep each locked job short) checkpoints under `--workdir`
and stops; run the same build command again to resume it. Build times are summed over the runs.

ANN-only mode (`--ann-sizes`): usearch HNSW vs numpy exact search on bare vectors (session 1's table).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import glob
import hashlib
import io
import json
import os
import pstats
import re
import resource
import shutil
import time
from pathlib import Path

import numpy as np

GENERATOR = "claims-v1"  # bump when the synthetic corpus changes, so cached indexes are rebuilt
DROP, SWAP, NEW = 0.12, 0.10, 0.02  # corpus perturbation rates per word
Q_DROP, Q_SWAP, Q_NEW = 0.20, 0.10, 0.02  # query perturbation rates per word


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def pct(values: list[float], q: float) -> float:
    return round(1000 * float(np.percentile(values, q)), 3)


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)


# ---------------------------------------------------------------------------------------------- synthetic claims


class BasePool:
    """Base claims (texts as word-id sequences) with one unit vector each, and a vocabulary with made-up words."""

    def __init__(
        self, texts: list[str], vectors: np.ndarray, source: str, rng: np.random.Generator, made_up: int = 200_000
    ) -> None:
        self.source = source
        self.vectors = vectors.astype(np.float32)
        vocab: dict[str, int] = {}
        ids: list[int] = []
        lengths = []
        for text in texts:
            words = text.split() or ["claim"]
            ids.extend(vocab.setdefault(w, len(vocab)) for w in words)
            lengths.append(len(words))
        self.flat = np.asarray(ids, dtype=np.int64)  # every base word, so sampling a position samples by frequency
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.n_real = len(vocab)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        made_up = ["".join(letters[rng.integers(0, 26, size=rng.integers(5, 10))]) for _ in range(made_up)]
        self.words = np.array(list(vocab) + made_up, dtype=object)
        self.digest = hashlib.sha1((source + "\n" + "\n".join(texts)).encode()).hexdigest()[:10]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def perturbed(
        self, bases: np.ndarray, rng: np.random.Generator, rates: tuple[float, float, float], keep: int = 0
    ) -> list[str]:
        """One text per entry of `bases`: that base claim with words dropped/swapped; the first `keep` unchanged."""
        drop, swap, new = rates
        starts, ends = self.offsets[bases], self.offsets[bases + 1]
        lengths = ends - starts
        owner = np.repeat(np.arange(len(bases)), lengths)
        within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        tokens = self.flat[starts[owner] + within]
        r = rng.random(len(tokens))
        r[owner < keep] = 1.0
        swapped = r < swap
        tokens[swapped] = self.flat[rng.integers(0, len(self.flat), size=int(swapped.sum()))]
        invented = (r >= swap) & (r < swap + new)
        tokens[invented] = self.n_real + rng.integers(0, len(self.words) - self.n_real, size=int(invented.sum()))
        kept = (r < swap + new) | (r >= swap + new + drop)
        bounds = np.concatenate([[0], np.cumsum(np.bincount(owner[kept], minlength=len(bases)))])
        words = self.words[tokens[kept]]
        out = []
        for i in range(len(bases)):
            text = " ".join(words[bounds[i] : bounds[i + 1]])
            out.append(text or self.words[self.flat[starts[i]]])
        return out

    def noisy_vectors(self, bases: np.ndarray, noise: float, rng: np.random.Generator, keep: int = 0) -> np.ndarray:
        """Base vectors plus Gaussian noise of norm about `noise`, renormalised (chunked to bound memory)."""
        out = np.empty((len(bases), self.vectors.shape[1]), dtype=np.float32)
        dim = self.vectors.shape[1]
        for start in range(0, len(bases), 100_000):
            stop = min(len(bases), start + 100_000)
            chunk = self.vectors[bases[start:stop]]
            jitter = noise * rng.standard_normal(chunk.shape, dtype=np.float32) / np.sqrt(dim)
            jitter[: max(0, keep - start)] = 0.0
            out[start:stop] = unit(chunk + jitter)
        return out


def cached_vectors(cache: Path, texts: list[str]) -> np.ndarray | None:
    """The cached MiniLM vectors of `texts` (VectorCache keys: sha1 of the text), or None if any is missing."""
    files = sorted(glob.glob(str(cache / "vectors-*.npz")), key=os.path.getmtime, reverse=True)
    try:
        from newsaudit.matching.checkthat import model_key
        from newsaudit.models.encoder import BASE_ENCODER

        preferred = str(cache / f"vectors-{model_key(BASE_ENCODER)}.npz")
        files = [preferred] + [f for f in files if f != preferred] if preferred in files else files
    except Exception:
        pass
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    for name in files:
        with np.load(name) as data:
            store = dict(zip(data["keys"].tolist(), range(len(data["keys"])), strict=True))
            if all(k in store for k in keys):
                return np.asarray(data["vectors"][[store[k] for k in keys]], dtype=np.float32)
    return None


def base_pool(data: Path, cache: Path, seed: int, made_up: int = 200_000) -> BasePool:
    rng = np.random.default_rng(seed)
    vclaims = data / "checkthat2020-t2" / "verified_claims.docs.tsv"
    if vclaims.exists():
        from newsaudit.matching.checkthat import read_vclaims

        texts = [c.text for c in read_vclaims(vclaims)]
        vectors = cached_vectors(cache, texts)
        if vectors is not None:
            return BasePool(texts, vectors, "CheckThat! vclaims + real MiniLM vectors", rng, made_up)
        return BasePool(texts, unit(rng.standard_normal((len(texts), 384), dtype=np.float32)), "vclaims", rng, made_up)
    from importlib.resources import files

    example = files("newsaudit.examples").joinpath("harbour-closure.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", example) if len(s.split()) > 3]
    words = " ".join(sentences).split()
    texts = sentences + [" ".join(rng.choice(words, size=rng.integers(8, 25))) for _ in range(10_000)]
    vectors = unit(rng.standard_normal((len(texts), 384), dtype=np.float32))
    return BasePool(texts, vectors, "bundled example sentences + shuffled words, random vectors", rng, made_up)


# ---------------------------------------------------------------------------------------------- hybrid benchmark


def corpus_key(n: int, pool: BasePool, args: argparse.Namespace) -> str:
    spec = f"{GENERATOR}|{n}|{pool.digest}|{args.noise}|{args.seed}|{args.exact_limit}"
    return f"{n}-{hashlib.sha1(spec.encode()).hexdigest()[:10]}"


def index_config(args: argparse.Namespace):
    from newsaudit.matching.index import IndexConfig

    return IndexConfig() if args.exact_limit is None else IndexConfig(exact_limit=args.exact_limit)


def bm25_key(index) -> str:
    """What a saved BM25 depends on besides the claims: the tokenizer and the BM25 parameters."""
    from newsaudit.matching.index import tokenize

    probe = "Vaccines were vaccinated; the councils' 1,200 jobs — it's Harbour-closure’s fault, says @Port_Auth."
    cfg = index.config
    spec = f"{tokenize(probe)}|{getattr(cfg, 'bm25_k1', '')}|{getattr(cfg, 'bm25_b', '')}"
    return hashlib.sha1(spec.encode()).hexdigest()[:12]


def save_progress(folder: Path, progress: dict) -> None:
    progress["peak_rss_mb"] = max(progress.get("peak_rss_mb", 0.0), peak_rss_mb())
    (folder / "progress.json").write_text(json.dumps(progress, indent=2) + "\n", encoding="utf-8")


def build_phase(n: int, pool: BasePool, folder: Path, args: argparse.Namespace) -> dict | None:
    """Generate n claims and build the index (items, BM25, ANN), checkpointed in `folder`: a run that passes
    `--budget` seconds saves what it has and stops (returns None); the next run resumes. Times add up over runs."""
    from newsaudit.matching.index import ClaimIndex, ClaimItem, new_ann_index

    start = time.perf_counter()
    saved = folder / "progress.json"
    progress = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    progress["runs"] = progress.get("runs", 0) + 1
    if "items" not in progress:
        if folder.exists():
            shutil.rmtree(folder)
        rng = np.random.default_rng([args.seed, n])
        t0 = time.perf_counter()
        bases = np.arange(n) % len(pool)
        texts = pool.perturbed(bases, rng, (DROP, SWAP, NEW), keep=min(n, len(pool)))
        vectors = pool.noisy_vectors(bases, args.noise, rng, keep=min(n, len(pool)))
        items = [ClaimItem(f"c{i}", t, None, embedding=vectors[i]) for i, t in enumerate(texts)]
        gen_s = time.perf_counter() - t0
        print(f"  generated {n} claims in {gen_s:.1f}s", flush=True)
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        index = ClaimIndex.build(items, config=index_config(args))
        w1, c1 = time.perf_counter(), time.process_time()
        del items, texts, vectors
        gc.collect()
        index.save(folder)
        progress["items"] = {"s": w1 - w0, "cpu_s": c1 - c0, "generate_s": gen_s}
        save_progress(folder, progress)
    else:
        index = ClaimIndex.load(folder)
        print(f"  resumed from {folder}: {sorted(progress)}", flush=True)
    if "bm25" not in progress:
        w0, c0 = time.perf_counter(), time.process_time()
        bm25 = index._lexical()
        w1, c1 = time.perf_counter(), time.process_time()
        bm25.save(str(folder / "bm25"))
        (folder / "bm25" / "newsaudit-key.txt").write_text(bm25_key(index), encoding="utf-8")
        progress["bm25"] = {"s": w1 - w0, "cpu_s": c1 - c0}
        progress["bm25_mb"] = sum(getattr(v, "nbytes", 0) for v in bm25.scores.values()) / 2**20
        save_progress(folder, progress)
        print(f"  BM25 over {n} claims in {w1 - w0:.1f}s", flush=True)
    if index.uses_ann() and "ann" not in progress:
        # What ClaimIndex._ann_index does (same usearch Index and parameters, all cores), in ten steps (at most 100k)
        # so that a long build can stop at `--budget` and resume in the next locked run.
        from usearch.index import Index

        cfg = index.config
        partial = folder / "ann.partial.usearch"
        ann = Index.restore(str(partial)) if partial.exists() else None
        if ann is None:
            ann = new_ann_index(index._vectors.shape[1], cfg)
        acc = progress.setdefault("ann_partial", {"s": 0.0, "cpu_s": 0.0})
        step = min(100_000, max(1_000, n // 10))
        for lo in range(len(ann), n, step):
            hi = min(n, lo + step)
            w0, c0 = time.perf_counter(), time.process_time()
            ann.add(np.arange(lo, hi, dtype=np.uint64), index._vectors[lo:hi], log=False)
            acc["s"] += time.perf_counter() - w0
            acc["cpu_s"] += time.process_time() - c0
            print(f"  ANN {hi}/{n}: {acc['s']:.0f}s wall, {acc['cpu_s']:.0f}s CPU so far", flush=True)
            if hi < n and time.perf_counter() - start > args.budget:
                ann.save(str(partial))
                save_progress(folder, progress)
                print(f"  stopped at the {args.budget:.0f}s budget; run --phase build again to resume", flush=True)
                return None
        progress["ann"] = progress.pop("ann_partial")
        index._ann, index._ann_size = ann, n
        index._vectors = index._vectors.astype(np.float16)  # as _ann_index leaves them
        index._title_vectors = index._title_vectors.astype(np.float16)
        index.save(folder)
        partial.unlink(missing_ok=True)
        save_progress(folder, progress)
    steps = [progress[s] for s in ("items", "bm25", "ann") if s in progress]
    row = {
        "claims": n,
        "dense": "ann" if index.uses_ann() else "exact",
        "build_s": round(sum(s["s"] for s in steps), 1),
        "build_cpu_s": round(sum(s["cpu_s"] for s in steps), 1),
        "build_items_s": round(progress["items"]["s"], 1),
        "build_bm25_s": round(progress["bm25"]["s"], 1),
        "build_bm25_cpu_s": round(progress["bm25"]["cpu_s"], 1),
        "build_ann_s": round(progress["ann"]["s"], 1) if "ann" in progress else 0.0,
        "build_ann_cpu_s": round(progress["ann"]["cpu_s"], 1) if "ann" in progress else 0.0,
        "build_peak_rss_mb": round(progress["peak_rss_mb"], 0),
        "bm25_mb": round(progress["bm25_mb"], 1),
        "ann_mb": round(index._ann.memory_usage / 2**20, 1) if index._ann is not None else 0.0,
        "vectors_mb": round((index._vectors.nbytes + index._title_vectors.nbytes) / 2**20, 1),
        "disk_mb": round(folder_mb(folder), 1),
        "generate_s": round(progress["items"]["generate_s"], 1),
        "build_runs": progress["runs"],
    }
    (folder / "build.json").write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print(f"  built: {json.dumps(row)}", flush=True)
    del index
    gc.collect()
    return row


def exact_dense(index, qvecs: np.ndarray, k: int) -> np.ndarray:
    """Brute-force top-k positions by max(text, title) cosine for every query (what exact mode ranks by)."""
    best_s = np.full((len(qvecs), k), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(qvecs), k), dtype=np.int64)
    for start in range(0, len(index.ids), 100_000):
        stop = min(len(index.ids), start + 100_000)
        sims = index.dense_similarity(qvecs, start, stop).T
        kk = min(k, stop - start)
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        all_s = np.hstack([best_s, np.take_along_axis(sims, top, axis=1)])
        all_i = np.hstack([best_i, top + start])
        keep = np.argsort(-all_s, axis=1, kind="stable")[:, :k]
        best_s, best_i = np.take_along_axis(all_s, keep, axis=1), np.take_along_axis(all_i, keep, axis=1)
    return best_i


def query_phase(n: int, pool: BasePool, folder: Path, args: argparse.Namespace) -> dict:
    """Load the saved index, time hybrid queries, profile them, and score recall@10 against exact hybrid search."""
    from newsaudit.matching.index import ClaimIndex, tokenize
    from newsaudit.matching.ranker import default_ranker

    embedder = None
    if args.embed_queries:
        # Before usearch is imported: onnxruntime 1.32 segfaults when imported after usearch 2.26 (Corpus, too,
        # creates its embedder before it loads an index).
        try:
            from newsaudit.models.encoder import SentenceEmbedder

            embedder = SentenceEmbedder()
        except Exception as exc:
            print(f"  query embedding not timed: {exc}")
    gc.collect()
    rss0 = rss_mb()
    w0, c0 = time.perf_counter(), time.process_time()
    index = ClaimIndex.load(folder, reranker="none")  # the cross-encoder's cost: benchmarks/claim_rerank.py
    index.ranker = default_ranker()  # the ranker shipped now, not the one saved with the cached index
    w1 = time.perf_counter()
    # ClaimIndex.save now persists BM25 and ClaimIndex.load reuses it; indexes cached by older runs of this benchmark
    # carry their own copy, reused here if the tokenizer and BM25 parameters are unchanged.
    saved = folder / "bm25" / "newsaudit-key.txt"
    bm25_source = "rebuilt"
    if saved.exists() and saved.read_text(encoding="utf-8") == bm25_key(index):
        import bm25s

        index._bm25, index._bm25_size, bm25_source = bm25s.BM25.load(str(folder / "bm25")), len(index), "saved"
    index._lexical()
    if index.uses_ann():
        index._ann_index()
    w2, c2 = time.perf_counter(), time.process_time()
    rss1 = rss_mb()
    print(f"  loaded {len(index)} claims in {w1 - w0:.1f}s, BM25 {bm25_source} in {w2 - w1:.1f}s", flush=True)

    rng = np.random.default_rng([args.seed, 7])
    bases = rng.integers(0, len(pool), size=args.queries)
    queries = pool.perturbed(bases, rng, (Q_DROP, Q_SWAP, Q_NEW))
    qvecs = pool.noisy_vectors(bases, args.noise, rng)
    k = args.k
    for q, v in zip(queries[:20], qvecs[:20], strict=True):  # warm caches and lazy imports
        index.search(q, k, query_vector=v)
    lat, cpu, found = [], [], []
    for q, v in zip(queries, qvecs, strict=True):
        t, c = time.perf_counter(), time.thread_time()
        hits = index.search(q, k, query_vector=v)
        lat.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
        found.append([h.id for h in hits])

    # Stages, timed apart on the same queries: BM25 scoring over all claims, dense candidates, the rest.
    bm25_lat, dense_lat = [], []
    cand = index.config.candidates
    for q, v in zip(queries[:200], qvecs[:200], strict=True):
        toks = tokenize(index.prepare_query(q))
        if toks:  # candidates() skips BM25 for a query with no words left
            t = time.perf_counter()
            index._lexical().get_scores(toks)
            bm25_lat.append(time.perf_counter() - t)
        t = time.perf_counter()
        index.dense_candidates(v, cand)
        dense_lat.append(time.perf_counter() - t)
    prof = cProfile.Profile()
    prof.enable()
    for q, v in zip(queries[:100], qvecs[:100], strict=True):
        index.search(q, k, query_vector=v)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(8)
    profile = [line for line in buf.getvalue().splitlines() if re.match(r"\s*\d", line)][:8]

    # Recall@10 against exact hybrid: the same ranker over exact BM25 + brute-force dense candidates.
    m = min(args.recall_queries, len(queries))
    exact_pos = exact_dense(index, unit(qvecs[:m]), min(cand, len(index)))
    recalls, cand_recalls = [], []
    for i in range(m):
        pos = exact_pos[i]
        if index.uses_ann():
            ann = set(index.dense_candidates(unit(qvecs[i : i + 1])[0], len(pos)).tolist())
            cand_recalls.append(len(ann & set(pos.tolist())) / len(pos))
        index.dense_candidates = lambda qvec, kk, exact=None, _p=pos: _p[:kk]  # type: ignore[method-assign]
        try:
            truth = [h.id for h in index.search(queries[i], k, query_vector=qvecs[i])]
        finally:
            del index.dense_candidates
        recalls.append(len(set(truth) & set(found[i])) / max(1, len(truth)))

    embed_lat: list[float] = []
    if embedder is not None:
        embedder.embed(queries[:2])
        for q in queries[: args.embed_queries]:
            t = time.perf_counter()
            embedder.embed([index.prepare_query(q)])
            embed_lat.append(time.perf_counter() - t)
    row = {
        "claims": len(index),
        "dense": "ann" if index.uses_ann() else "exact",
        "ranker": index.ranker.name,
        "load_s": round(w1 - w0, 1),
        "bm25_load_s": round(w2 - w1, 1),
        "bm25_source": bm25_source,
        "load_cpu_s": round(c2 - c0, 1),
        "rss_mb": round(rss1 - rss0, 0),
        "peak_rss_mb": round(peak_rss_mb(), 0),
        "queries": len(queries),
        "p50_ms": pct(lat, 50),
        "p95_ms": pct(lat, 95),
        "p99_ms": pct(lat, 99),
        "cpu_p50_ms": pct(cpu, 50),
        "cpu_p95_ms": pct(cpu, 95),
        "bm25_p50_ms": pct(bm25_lat, 50),
        "bm25_p95_ms": pct(bm25_lat, 95),
        "dense_p50_ms": pct(dense_lat, 50),
        "dense_p95_ms": pct(dense_lat, 95),
        f"recall@{k}": round(float(np.mean(recalls)), 4),
        "recall_queries": m,
        f"dense_cand_recall@{cand}": round(float(np.mean(cand_recalls)), 4) if cand_recalls else 1.0,
        "embed_p50_ms": pct(embed_lat, 50) if embed_lat else None,
        "embed_p95_ms": pct(embed_lat, 95) if embed_lat else None,
        "profile_tottime": profile,
    }
    print("  profile (100 queries, by own time):\n    " + "\n    ".join(profile), flush=True)
    return row


# ---------------------------------------------------------------------------------------------- ANN-only benchmark


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
                "p50_ms": pct(lat, 50),
                "p95_ms": pct(lat, 95),
                "cpu_p50_ms": pct(cpu, 50),
                "cpu_p95_ms": pct(cpu, 95),
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
        "p50_ms": pct(lat, 50),
        "p95_ms": pct(lat, 95),
        "cpu_p50_ms": pct(cpu, 50),
        "cpu_p95_ms": pct(cpu, 95),
        f"recall@{k}": 1.0,
    }


def ann_rows(pool: BasePool, args: argparse.Namespace) -> list[dict]:
    rng = np.random.default_rng(args.seed)
    rows = []
    for n in args.ann_sizes:
        base = pool.noisy_vectors(np.arange(n) % len(pool), args.noise, rng)
        picks = rng.integers(0, n, size=args.queries)
        queries = unit(base[picks] + args.noise * rng.standard_normal(base[picks].shape, dtype=np.float32) / 20)
        truth = exact_top(base, queries, args.k)
        for res in [bench_exact(base, queries, args.k, args.exact_latency), *bench_usearch(base, queries, truth, args)]:
            rows.append({"claims": n, **res})
            print(json.dumps(rows[-1]), flush=True)
        del base
        gc.collect()
    return rows


# ---------------------------------------------------------------------------------------------- main


def print_table(rows: list[dict], header: list[str]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join("" if r.get(h) is None else str(r.get(h)) for h in header) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000], help="hybrid sizes")
    parser.add_argument("--phase", choices=["build", "query", "all"], default="all")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if a cached index exists")
    parser.add_argument("--budget", type=float, default=720, help="seconds after which a build checkpoints and stops")
    parser.add_argument("--exact-limit", type=int, default=None, help="override IndexConfig.exact_limit")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--recall-queries", type=int, default=200, help="queries scored against exact hybrid")
    parser.add_argument("--embed-queries", type=int, default=50, help="queries whose embedding is timed (0: none)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--noise", type=float, default=0.6, help="vector noise norm relative to a unit vector")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsaudit-cache"), help="MiniLM vector cache")
    parser.add_argument("--workdir", type=Path, default=Path(".cache/claim-index-bench"), help="built indexes")
    parser.add_argument("--out", type=Path, default=Path(".cache/claim-index-bench/results.json"))
    parser.add_argument("--ann-sizes", type=int, nargs="*", default=[], help="bare-ANN rows at these sizes")
    parser.add_argument("--dtype", default="i8", help="ANN-only: usearch vector type: f32, f16, i8")
    parser.add_argument("--connectivity", type=int, default=16)
    parser.add_argument("--expansion-add", type=int, default=128)
    parser.add_argument("--expansion-search", type=int, nargs="+", default=[64], help="ANN-only: search widths")
    parser.add_argument("--threads", type=int, default=2, help="ANN-only: build threads (search uses 1)")
    parser.add_argument("--exact-latency", type=int, default=100, help="ANN-only: queries timed for exact search")
    args = parser.parse_args()

    pool = base_pool(args.data, args.cache, args.seed)
    print(f"base pool: {len(pool)} claims, {pool.source}; cpu count {os.cpu_count()}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    report.setdefault("hybrid", {})
    report["source"] = pool.source
    for n in args.sizes:
        folder = args.workdir / corpus_key(n, pool, args)
        entry = report["hybrid"].setdefault(str(n), {})
        if args.phase in ("build", "all") and (args.rebuild or not (folder / "build.json").exists()):
            if args.rebuild and folder.exists():
                shutil.rmtree(folder)
            print(f"building {n} claims into {folder}", flush=True)
            row = build_phase(n, pool, folder, args)
            if row is None:
                continue
            entry["build"] = row
        elif (folder / "build.json").exists():
            entry["build"] = json.loads((folder / "build.json").read_text(encoding="utf-8"))
        if args.phase in ("query", "all"):
            if not (folder / "build.json").exists():
                raise SystemExit(f"no built index for {n} claims in {folder}: run --phase build first")
            print(f"querying {n} claims", flush=True)
            entry["query"] = query_phase(n, pool, folder, args)
            entry["query"]["load_avg"] = os.getloadavg()[0]
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        gc.collect()
    if args.ann_sizes:
        report["ann"] = ann_rows(pool, args)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print_table(report["ann"], ["claims", "engine", "build_s", "index_mb", "p50_ms", "p95_ms", f"recall@{args.k}"])

    rows = [
        {**e.get("build", {}), **e.get("query", {})}
        for _, e in sorted(report["hybrid"].items(), key=lambda x: int(x[0]))
        if e
    ]
    header = ["claims", "dense", "build_s", "build_cpu_s", "build_bm25_s", "build_peak_rss_mb", "disk_mb", "load_s"]
    header += ["rss_mb", "p50_ms", "p95_ms", "cpu_p95_ms", "bm25_p95_ms", "dense_p95_ms", f"recall@{args.k}"]
    header += ["embed_p50_ms"]
    print_table(rows, header)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
