"""Corpus ingestion benchmark: articles/s of `Corpus.ingest` vs bare `analyze` in the same run, plus near-duplicates.

Articles: the PTC train articles under --data (read at run time, never stored) when present, else generated ones.
Measured, in one process on one fresh SQLite file (rates per wall-clock second, and per CPU second of this process,
since the wall clock is unreliable on a shared machine):
  * bare `analyze` throughput over the articles;
  * `Corpus.ingest` throughput on a JSONL of the same articles (hash, analyse, embed claims when models are on,
    MinHash + LSH lookup, commit per article), split into analysis, claim embedding and the rest (the store);
  * re-ingesting the same file (every article skipped by its hash before analysis);
  * near-duplicate detection: MinHash (datasketch, 128 perms, 32x4 LSH bands, Jaccard >= 0.5) vs a 64-bit SimHash,
    on copies of each article with a share of its words replaced, and on pairs of distinct articles.

    nice -n 10 python benchmarks/ingest.py --n 150 --out /tmp/ingest.json [--models]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from newsaudit.api import analyze
from newsaudit.corpus import Corpus
from newsaudit.corpus import ingest as ing
from newsaudit.document import Document
from newsaudit.settings import Settings

TOWNS = ["Arlen", "Brisford", "Calloway", "Dunmere", "Eastholm", "Farrow", "Glenby", "Harwick"]


def generated(n: int, rng: random.Random) -> list[str]:
    """Invented articles of ~300-600 words with attributions and numbers."""
    out = []
    for i in range(n):
        town = rng.choice(TOWNS)
        sents = []
        for j in range(rng.randint(15, 30)):
            who = rng.choice(["the mayor", "a council spokesperson", "officials", "residents", "Dr Ana Ruiz"])
            sents.append(
                f"In {town}, {who} said on day {j} that {rng.randint(2, 900)} homes lost power after storm {i}, "
                f"and repairs would cost {rng.randint(1, 90)} million pounds over {rng.randint(2, 9)} years."
            )
        out.append(" ".join(sents))
    return out


def ptc_articles(data: Path, n: int) -> list[str]:
    folder = data / "ptc" / "train" / "articles"
    if not folder.is_dir():
        return []
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("article*.txt"))[:n]]
    return [t for t in texts if t.strip()]


def mutate(text: str, share: float, rng: random.Random) -> str:
    """Replace `share` of the words with other words (a rewrite, an edit, an added byline...)."""
    words = text.split()
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = rng.choice(["also", "reportedly", "Tuesday", "officials", "new", "local", "the", "said"])
    return " ".join(words)


def simhash(text: str) -> int:
    """64-bit SimHash of the word 3-shingles (unweighted)."""
    hashes = np.frombuffer(b"".join(hashlib.blake2b(sh, digest_size=8).digest() for sh in ing.shingles(text)), "<u8")
    bits = (hashes[:, None] >> np.arange(64, dtype=np.uint64)[None, :]) & np.uint64(1)
    acc = (2 * bits.astype(np.int64) - 1).sum(axis=0)
    return int(sum(1 << i for i in range(64) if acc[i] > 0))


def hamming(a: int, b: int) -> int:
    return bin(a ^ b).count("1")


def near_duplicate_study(texts: list[str], rng: random.Random) -> dict:
    shares = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
    texts = [t for t in texts if len(t.split()) >= 60][:100]
    t0 = time.perf_counter()
    sigs = [ing.minhash(t) for t in texts]
    minhash_ms = 1000 * (time.perf_counter() - t0) / max(1, len(texts))
    t0 = time.perf_counter()
    sims = [simhash(t) for t in texts]
    simhash_ms = 1000 * (time.perf_counter() - t0) / max(1, len(texts))
    rows = []
    for share in shares:
        found_mh = found_lsh = found_s3 = found_s6 = 0
        jac = []
        for text, sig, sh in zip(texts, sigs, sims, strict=True):
            variant = mutate(text, share, rng)
            vs = ing.minhash(variant)
            a, b = ing.shingles(text), ing.shingles(variant)
            jac.append(len(a & b) / len(a | b))
            est = ing.estimated_jaccard(sig.values, vs.values)
            candidate = any(x == y for x, y in zip(sig.bands, vs.bands, strict=True))
            found_lsh += candidate
            found_mh += candidate and est >= ing.NEAR_DUPLICATE_JACCARD
            d = hamming(sh, simhash(variant))
            found_s3 += d <= 3
            found_s6 += d <= 6
        n = len(texts)
        rows.append(
            {
                "words_replaced": share,
                "mean_true_jaccard": round(float(np.mean(jac)), 3),
                "minhash_linked": round(found_mh / n, 3),
                "lsh_candidate": round(found_lsh / n, 3),
                "simhash_h3": round(found_s3 / n, 3),
                "simhash_h6": round(found_s6 / n, 3),
            }
        )
    # False positives among distinct articles (all pairs).
    pairs = fp_mh = fp_s3 = fp_s6 = 0
    linked_true_jaccard = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            pairs += 1
            cand = any(x == y for x, y in zip(sigs[i].bands, sigs[j].bands, strict=True))
            if cand and ing.estimated_jaccard(sigs[i].values, sigs[j].values) >= ing.NEAR_DUPLICATE_JACCARD:
                fp_mh += 1
                a, b = ing.shingles(texts[i]), ing.shingles(texts[j])
                linked_true_jaccard.append(round(len(a & b) / len(a | b), 3))
            d = hamming(sims[i], sims[j])
            fp_s3 += d <= 3
            fp_s6 += d <= 6
    return {
        "articles": len(texts),
        "minhash_ms_per_article": round(minhash_ms, 2),
        "simhash_ms_per_article": round(simhash_ms, 2),
        "by_edit": rows,
        "distinct_pairs": pairs,
        "false_links": {"minhash": fp_mh, "simhash_h3": fp_s3, "simhash_h6": fp_s6},
        "minhash_linked_pairs_true_jaccard": linked_true_jaccard,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--n", type=int, default=150, help="articles (default 150)")
    parser.add_argument("--models", action="store_true", help="analyse with the trained models and embed claims")
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsaudit-ingest-bench.json"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    texts = ptc_articles(args.data, args.n)
    source = "ptc-train" if texts else "generated"
    if not texts:
        texts = generated(args.n, rng)
    settings = Settings(use_models=args.models)
    words = sum(len(t.split()) for t in texts)

    analyze(Document(text=texts[0]), settings=settings)  # warm up (model load, lexicons)
    import newsaudit.ingest  # noqa: F401  (warm up: the loaders' imports are paid once per process)

    t0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        analyze(Document(text=t), settings=settings)
    bare_s, bare_cpu = time.perf_counter() - t0, time.process_time() - c0

    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp, "articles.jsonl")
        batch.write_text(
            "".join(json.dumps({"text": t, "outlet": f"outlet-{i % 5}"}) + "\n" for i, t in enumerate(texts))
        )
        spent = {"analysis": 0.0, "embedding": 0.0}

        def timed(doc: Document) -> Document:
            s = time.perf_counter()
            out = analyze(doc, settings=settings)
            spent["analysis"] += time.perf_counter() - s
            return out

        with Corpus(Path(tmp, "bench.db"), settings, analyzer=timed) as corpus:
            if args.models:
                embedder = corpus.indexes.embedder
                embedder.embed(["warm up"])
                plain_embed = embedder.embed

                def timed_embed(batch: list[str]) -> np.ndarray:
                    s = time.perf_counter()
                    out = plain_embed(batch)
                    spent["embedding"] += time.perf_counter() - s
                    return out

                embedder.embed = timed_embed
            c0 = time.process_time()
            report = corpus.ingest([str(batch)], progress=False)
            ingest_cpu = time.process_time() - c0
            again = corpus.ingest([str(batch)], progress=False)
            db_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*") if p.is_file()) / 2**20
            counts = corpus.store.counts()
    n = len(texts)
    result = {
        "articles": n,
        "source": source,
        "words": words,
        "models": args.models,
        "bare_analyze_articles_per_s": round(n / bare_s, 2),
        "ingest_articles_per_s": round(report.added / report.seconds, 2),
        "ingest_vs_bare": round((report.added / report.seconds) / (n / bare_s), 3),
        "bare_analyze_articles_per_cpu_s": round(n / bare_cpu, 2),
        "ingest_articles_per_cpu_s": round(report.added / ingest_cpu, 2),
        "analysis_ms_per_article_in_ingest": round(1000 * spent["analysis"] / max(1, report.added), 2),
        "claim_embedding_ms_per_article": round(1000 * spent["embedding"] / max(1, report.added), 2),
        "ingest_overhead_ms_per_article": round(
            1000 * (report.seconds - spent["analysis"] - spent["embedding"]) / max(1, report.added), 2
        ),
        "reingest_articles_per_s": round(again.duplicates / again.seconds, 1),
        "added": report.added,
        "near_duplicates_linked": report.near_duplicates,
        "claims": counts["claims"],
        "db_mb": round(db_mb, 2),
        "near_duplicates": near_duplicate_study(texts, rng),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    console = Console()
    table = Table(title=f"ingest: {n} {source} articles ({words} words), models={'on' if args.models else 'off'}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in (
        "bare_analyze_articles_per_s",
        "ingest_articles_per_s",
        "ingest_vs_bare",
        "bare_analyze_articles_per_cpu_s",
        "ingest_articles_per_cpu_s",
        "analysis_ms_per_article_in_ingest",
        "claim_embedding_ms_per_article",
        "ingest_overhead_ms_per_article",
        "reingest_articles_per_s",
        "near_duplicates_linked",
        "claims",
        "db_mb",
    ):
        table.add_row(key, str(result[key]))
    console.print(table)
    nd = result["near_duplicates"]
    table = Table(title=f"near-duplicates: {nd['articles']} articles, each copied with words replaced")
    for col in ("words replaced", "true Jaccard", "MinHash linked", "LSH candidate", "SimHash h<=3", "SimHash h<=6"):
        table.add_column(col, justify="right")
    for row in nd["by_edit"]:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)
    console.print(
        f"links among {nd['distinct_pairs']} distinct pairs: {nd['false_links']} "
        f"(true Jaccard of MinHash-linked pairs: {nd['minhash_linked_pairs_true_jaccard']}); "
        f"MinHash {nd['minhash_ms_per_article']} ms/article, SimHash {nd['simhash_ms_per_article']} ms/article"
    )
    console.print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
