"""`newsaudit ingest | search | match | trace`: build a corpus and query it."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsaudit.commands import printable
from newsaudit.commands.analyze import add_input_limits, with_input_limits
from newsaudit.errors import QueryError
from newsaudit.settings import Settings

DEFAULT_DB = "newsaudit.db"  # newsaudit.corpus.DEFAULT_DB; the corpus package is imported only when a command runs


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help=f"corpus database file (default {DEFAULT_DB})")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="analyse articles and store them in a corpus")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="files, folders, JSONL, RSS/Atom feeds or URLs")
    _db(p)
    p.add_argument("--no-progress", action="store_true", help="do not show the progress bar")
    p.add_argument("--json", action="store_true", help="print the ingest report as JSON")
    add_input_limits(p)
    p.set_defaults(func=run_ingest)

    p = sub.add_parser("search", help="full-text search over a corpus's articles and claims")
    p.add_argument("query", metavar="QUERY", help='words (all must match) and "quoted phrases"')
    p.add_argument("--outlet", help="only this outlet")
    p.add_argument("--since", help="published on or after this day (YYYY-MM-DD)")
    p.add_argument("--until", help="published on or before this day (YYYY-MM-DD)")
    p.add_argument("--technique", help="only articles with this persuasion technique (PTC label)")
    p.add_argument("--source-kind", help="named, vague, anonymous or self")
    p.add_argument("--limit", type=int, default=20, help="hits of each kind (default 20)")
    p.add_argument("--json", action="store_true", help="print the hits as JSON")
    _db(p)
    p.set_defaults(func=run_search)

    p = sub.add_parser("match", help="fact-checks and stored claims similar to a claim or an article's claims")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the claim to match")
    p.add_argument("--article", type=int, help="match every claim of this stored article instead")
    p.add_argument("--claim", type=int, help="match this stored claim instead")
    p.add_argument("--k", type=int, default=10, help="hits of each kind (default 10)")
    p.add_argument("--json", action="store_true", help="print the matches as JSON")
    _db(p)
    p.set_defaults(func=run_match)

    p = sub.add_parser("trace", help="which outlets carried a claim, first when, credited to whom")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the claim to trace")
    p.add_argument("--claim", type=int, help="trace this stored claim instead")
    p.add_argument("--threshold", type=float, default=None, help="cosine for 'the same claim' (default 0.80)")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
    _db(p)
    p.set_defaults(func=run_trace)


def _text(value: object) -> str:
    """Stored or user text for a rich console: markup escaped, control characters (escape sequences) made visible."""
    return escape(printable(str(value)))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.corpus import Corpus, IngestInterrupted

    settings = with_input_limits(args, settings)
    err = Console(stderr=True, highlight=False, soft_wrap=True)

    def on_error(message: str) -> None:
        err.print(f"newsaudit: skipped: {_text(message)}")

    with Corpus(args.db, settings) as corpus:
        try:
            report = corpus.ingest(args.sources, progress=not args.no_progress and err.is_terminal, on_error=on_error)
        except IngestInterrupted as exc:
            r = exc.report
            err.print(f"newsaudit: interrupted: {r.added} article(s) committed; rerun the same command to resume")
            raise KeyboardInterrupt from None
    if args.json:
        _print_json(report.to_dict())
    else:
        Console(highlight=False, soft_wrap=True).print(
            f"{report.added} added, {report.duplicates} already stored, {report.near_duplicates} near-duplicate(s) "
            f"linked, {report.claims} claim(s), {len(report.errors)} skipped, {report.seconds:.1f} s -> {args.db}"
        )
    return 0 if report.added or report.duplicates or not report.errors else 2


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.corpus import Corpus

    with Corpus(args.db, settings, create=False) as corpus:
        result = corpus.search(
            args.query,
            outlet=args.outlet,
            since=args.since,
            until=args.until,
            technique=args.technique,
            source_kind=args.source_kind,
            limit=args.limit,
        )
    if args.json:
        _print_json(result.to_dict())
        return 0
    console = Console(highlight=False)
    table = Table(title=_text(f"articles matching {result.query!r}"))
    for col in ("id", "outlet", "published", "title", "snippet"):
        table.add_column(col)
    for h in result.articles:
        table.add_row(
            str(h.article_id), _text(h.outlet or ""), _text(h.published or ""), _text(h.title or ""), _text(h.snippet)
        )
    console.print(table)
    table = Table(title="claims")
    for col in ("claim", "article", "outlet", "offsets", "text"):
        table.add_column(col)
    for h in result.claims:
        table.add_row(str(h.claim_id), str(h.article_id), _text(h.outlet or ""), f"{h.start}-{h.end}", _text(h.snippet))
    console.print(table)
    return 0


def run_match(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.corpus import Corpus

    if sum(x is not None for x in (args.text, args.article, args.claim)) != 1:
        raise QueryError("give a claim TEXT, --article ID or --claim ID (one of them)")
    with Corpus(args.db, settings, create=False) as corpus:
        result = corpus.match(text=args.text, article_id=args.article, k=args.k, claim_id=args.claim)
    if args.json:
        _print_json(result.to_dict())
        return 0
    console = Console(highlight=False, soft_wrap=True)
    if not result.matches:
        console.print(f"article {args.article} has no claims to match")
    for m in result.matches:
        head = f"claim {m.claim_id} [{m.start}-{m.end}]" if m.claim_id is not None else "text"
        console.print(f"[bold]{head}[/bold]: {_text(m.text)}")
        if not m.factchecks:
            console.print("  fact-checks: none stored" if not m.claims else "  fact-checks: no match")
        for f in m.factchecks:
            where = f"[{f.outlet or ''} {f.date or ''}]"  # escaped below: '[factcheck.org ...]' is no markup tag
            console.print(
                f"  fact-check {f.score:.3f} (cos {f.similarity:.2f}) {_text(f.rating or '?')} — "
                f"{_text(f.claim)} {_text(where)} {_text(f.url or '')}"
            )
        for c in m.claims:
            console.print(
                f"  claim {c.claim_id} {c.score:.3f} (cos {c.similarity:.2f}) {_text(c.outlet or '?')} {_text(c.date)} "
                f"article {c.article_id} [{c.start}-{c.end}]: {_text(c.text)}"
            )
    return 0


def run_trace(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.corpus import Corpus

    if (args.text is None) == (args.claim is None):
        raise QueryError("give a claim TEXT or --claim ID (one of them)")
    with Corpus(args.db, settings, create=False) as corpus:
        kwargs = {} if args.threshold is None else {"threshold": args.threshold}
        result = corpus.trace(text=args.text, claim_id=args.claim, **kwargs)
    if args.json:
        _print_json(result.to_dict())
    else:
        sys.stdout.write(printable(result.timeline(), keep_newlines=True) + "\n")
    return 0
