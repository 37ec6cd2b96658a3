"""`newsaudit checkthat QUERIES.tsv --claims VCLAIMS.tsv -o RUN`: rank verified claims per tweet, as a TREC run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsaudit.errors import InputError
from newsaudit.evaluation.checkthat import add_rerank_arguments
from newsaudit.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("checkthat", help="CheckThat! Task 2: rank verified claims for each tweet (TREC run file)")
    parser.add_argument("queries", type=Path, help="tweets: 'tweet_id<TAB>tweet_content' with a header row")
    parser.add_argument("--claims", type=Path, required=True, help="verified claims: 'id<TAB>vclaim<TAB>title'")
    parser.add_argument("-o", "--output", type=Path, required=True, help="TREC run file to write")
    parser.add_argument("--k", type=int, default=100, help="claims per tweet (default 100)")
    parser.add_argument("--tag", default="newsaudit", help="run tag in the last column")
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="encoder folder (default: models/claim-matcher if one was trained there, else the base MiniLM)",
    )
    parser.add_argument("--ranker", default="default", help="'default', 'bm25', 'dense', 'fusion[:W]' or a JSON file")
    parser.add_argument("--cache", type=Path, default=None, help="cache claim vectors in this folder")
    add_rerank_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.evaluation.checkthat import build_ranker, rerank_spec
    from newsaudit.matching.checkthat import cached_embedder, rank_queries, read_queries, read_vclaims, trec_lines
    from newsaudit.matching.index import ClaimIndex, IndexConfig

    if args.k < 1:
        raise InputError("--k must be at least 1")
    queries = read_queries(args.queries)
    items = read_vclaims(args.claims)
    ranker = build_ranker(args.ranker)
    use_dense = args.ranker != "bm25"
    model = args.model or (Path(settings.embedding_model_dir) if settings.embedding_model_dir else None)
    embedder = cached_embedder(model, args.cache) if use_dense else None
    candidates = max(IndexConfig().candidates, (min(args.k, 2000) + 1) // 2)  # two channels fill the pool
    reranker, depth = rerank_spec(args)
    config = IndexConfig(use_dense=use_dense, candidates=candidates, reranker=reranker, rerank_depth=depth)
    index = ClaimIndex(embedder, config=config, ranker=ranker)
    index.active_reranker()  # a missing or damaged re-ranker fails here, before any claim is embedded
    index.add(items, batch_size=512)
    run = rank_queries(index, queries, args.k)
    try:
        args.output.write_text("\n".join(trec_lines(run, args.tag)) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"{len(queries)} queries x {len(items)} claims -> {args.output}", file=sys.stderr)
    return 0
