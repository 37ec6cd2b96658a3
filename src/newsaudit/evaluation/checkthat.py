"""CheckThat! 2020 Task 2 verified-claim retrieval: MAP@1/3/5/10, MRR and recall@k of the ClaimIndex."""

from __future__ import annotations

import argparse
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from newsaudit.errors import InputError
from newsaudit.settings import Settings

DEPTHS = (1, 3, 5, 10)


def average_precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """AP over the top k, divided by the number of relevant items (trec_eval's / CheckThat!'s MAP@k)."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked[:k], 1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / rank of the first relevant item, 0 if none is ranked."""
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant items found in the top k (0 when nothing is relevant)."""
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def ranking_metrics(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]], depths: Sequence[int] = DEPTHS
) -> dict[str, float]:
    """MAP@k, MRR and recall@k averaged over every query in `qrels` (a query missing from `run` scores 0)."""
    n = len(qrels)
    if n == 0:
        raise InputError("no judged queries to score")
    out: dict[str, float] = {}
    for k in depths:
        out[f"MAP@{k}"] = sum(average_precision_at(run.get(q, []), rel, k) for q, rel in qrels.items()) / n
    out["MRR"] = sum(reciprocal_rank(run.get(q, []), rel) for q, rel in qrels.items()) / n
    for k in (*depths, 20, 50):
        out[f"recall@{k}"] = sum(recall_at(run.get(q, []), rel, k) for q, rel in qrels.items()) / n
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--split", choices=["dev", "train"], default="dev", help="which split to score (default dev)")
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="encoder folder (default: models/claim-matcher if one was trained there, else the base MiniLM)",
    )
    parser.add_argument(
        "--ranker",
        default="default",
        help="'default' (shipped ranker), 'bm25', 'dense', 'fusion[:W]' (W x BM25 + (1-W) x cosine), or a JSON file",
    )
    add_rerank_arguments(parser)
    parser.add_argument("--no-clean", action="store_true", help="do not clean the tweets")
    parser.add_argument("--no-titles", action="store_true", help="ignore the vclaims' titles")
    parser.add_argument("--candidates", type=int, default=None, help="candidates per channel (default: index's)")
    parser.add_argument("--run", type=Path, default=None, help="also write the TREC run file here")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsaudit-cache"), help="vector cache folder")
    parser.add_argument("--no-cache", action="store_true", help="do not cache embeddings")


def add_rerank_arguments(parser: argparse.ArgumentParser) -> None:
    """--reranker / --no-rerank / --rerank-depth: the cross-encoder over the fused top candidates."""
    parser.add_argument(
        "--reranker",
        default="default",
        help="cross-encoder re-ranker: 'default' (the shipped one, if present), 'none', or a model folder",
    )
    parser.add_argument("--no-rerank", action="store_true", help="same as --reranker none")
    parser.add_argument("--rerank-depth", type=int, default=0, help="candidates re-ranked (default: the model's)")


def rerank_spec(args: argparse.Namespace) -> tuple[str, int]:
    """(IndexConfig.reranker, IndexConfig.rerank_depth) from the command line."""
    spec = "none" if getattr(args, "no_rerank", False) else str(getattr(args, "reranker", "none") or "none")
    depth = int(getattr(args, "rerank_depth", 0) or 0)
    if depth < 0:
        raise InputError("--rerank-depth must be 0 (the model's) or more")
    return spec, depth


def build_ranker(spec: str) -> Any:
    """A Ranker from the --ranker value."""
    from newsaudit.matching.ranker import Ranker, default_ranker, fusion_ranker

    if spec == "default":
        return default_ranker()
    if spec == "bm25":
        return Ranker({"bm25_norm": 1.0}, name="bm25")
    if spec == "dense":
        return Ranker({"dense_max": 1.0}, name="dense")
    if spec.startswith("fusion"):
        _, _, weight = spec.partition(":")
        try:
            return fusion_ranker(float(weight) if weight else 0.3)
        except ValueError:
            raise InputError(f"--ranker {spec}: the fusion weight must be a number, e.g. fusion:0.3") from None
    return Ranker.load(spec)


def build_checkthat_index(args: argparse.Namespace, ranker: Any = None) -> Any:
    """The ClaimIndex over the CheckThat! verified claims, with vectors from the (cached) embedder."""
    from dataclasses import replace

    from newsaudit.matching.checkthat import cached_embedder, read_vclaims
    from newsaudit.matching.index import ClaimIndex, IndexConfig

    root = Path(args.data) / "checkthat2020-t2"
    if not root.is_dir():
        raise InputError(f"no CheckThat! data at {root} (give --data)")
    items = read_vclaims(root / "verified_claims.docs.tsv")
    if args.no_titles:
        items = [replace(it, title=None) for it in items]
    use_dense = args.ranker != "bm25"
    reranker, depth = rerank_spec(args)
    config = IndexConfig(use_dense=use_dense, clean_queries=not args.no_clean, reranker=reranker, rerank_depth=depth)
    if args.candidates:
        config = replace(config, candidates=args.candidates)
    embedder = cached_embedder(args.model, None if args.no_cache else args.cache) if use_dense else None
    index = ClaimIndex(embedder, config=config, ranker=ranker or build_ranker(args.ranker))
    index.active_reranker()  # load it now: a missing or damaged model fails before any claim is embedded
    index.add(items, batch_size=512)
    return index


def evaluate(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """Rank every query of the split against the verified claims and score the ranking."""
    from newsaudit.matching.checkthat import rank_queries, read_qrels, read_queries, trec_lines

    root = Path(args.data) / "checkthat2020-t2"
    t0 = time.perf_counter()
    index = build_checkthat_index(args)
    built = time.perf_counter() - t0
    queries = read_queries(root / args.split / "tweets.queries.tsv")
    qrels = read_qrels(root / args.split / "tweet-vclaim-pairs.qrels")
    t0 = time.perf_counter()
    run = rank_queries(index, queries, 50)
    searched = time.perf_counter() - t0
    save = getattr(index.embedder, "save", None) if index.config.use_dense else None
    if callable(save):
        save()
    if args.run:
        try:
            args.run.write_text("\n".join(trec_lines(run, index.ranker.name)) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.run}: {exc}") from exc
    metrics: dict[str, Any] = ranking_metrics({q: [h.id for h in hits] for q, hits in run.items()}, qrels)
    metrics["queries"] = len(qrels)
    metrics["vclaims"] = len(index)
    metrics["ranker"] = index.ranker.name
    reranker = index.active_reranker()
    metrics["reranker"] = "none" if reranker is None else reranker.name
    if reranker is not None:
        metrics["rerank_depth"] = index.config.rerank_depth or reranker.depth
    metrics["build_s"] = round(built, 2)
    metrics["ms_per_query"] = round(1000 * searched / max(len(queries), 1), 2)
    return metrics
