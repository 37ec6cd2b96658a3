"""`newsaudit reembed [--db PATH]`: embed a corpus's stored claims again with the current embedding model."""

from __future__ import annotations

import argparse
import sys

from newsaudit.settings import Settings

DEFAULT_DB = "newsaudit.db"  # newsaudit.corpus.DEFAULT_DB; the corpus package is imported only when a command runs


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reembed", help="re-embed a corpus's stored claims with the current embedding model (after it changed)"
    )
    parser.add_argument("--db", default=DEFAULT_DB, help=f"corpus database file (default {DEFAULT_DB})")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.corpus import Corpus

    with Corpus(args.db, settings, create=False) as corpus:
        done = corpus.reembed()
    print(f"re-embedded {done} claims in {args.db}", file=sys.stderr)
    return 0
