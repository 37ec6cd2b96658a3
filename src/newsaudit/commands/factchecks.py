"""`newsaudit factchecks import FILE`: load ClaimReview JSON/JSON-LD/HTML, CheckThat! TSV or CSV fact-checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsaudit.commands import printable
from newsaudit.errors import InputError, RecordError
from newsaudit.matching.factchecks import FORMATS, FactCheck, read_factchecks
from newsaudit.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("factchecks", help="manage published fact-checks in the corpus database")
    actions = parser.add_subparsers(dest="factchecks_action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import fact-checks (ClaimReview JSON/JSON-LD/HTML, CheckThat! TSV, CSV)")
    imp.add_argument("file", type=Path, help="the fact-check file")
    imp.add_argument("--db", default=None, help="corpus database (default: the corpus default)")
    imp.add_argument("--format", choices=FORMATS, default=None, help="file format (default: guessed)")
    imp.set_defaults(func=run)


def import_factchecks(path: Path, db: Path | str, fmt: str | None = None) -> tuple[int, int, list[RecordError]]:
    """Parse `path` and store its fact-checks in `db`; returns (records read, newly stored, record errors)."""
    records: list[FactCheck] = []
    errors: list[RecordError] = []
    for rec in read_factchecks(path, fmt):
        (errors if isinstance(rec, RecordError) else records).append(rec)  # type: ignore[arg-type]
    if not records:
        raise InputError(
            f"{path}: no valid fact-checks ({len(errors)} malformed record(s); first: {errors[0]})"
            if errors
            else f"{path}: no fact-checks found"
        )
    from newsaudit.corpus.store import SqliteStore

    store = SqliteStore(db)
    try:
        added = store.add_factchecks(records)
    finally:
        store.close()
    return len(records), added, errors


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.corpus.store import DEFAULT_DB

    db = Path(DEFAULT_DB) if args.db is None else args.db  # an empty --db is refused by the store, not defaulted
    read, added, errors = import_factchecks(args.file, db, args.format)
    for err in errors[:20]:
        print(f"newsaudit: skipped: {printable(str(err))}", file=sys.stderr)
    if len(errors) > 20:
        print(f"newsaudit: ... and {len(errors) - 20} more malformed record(s)", file=sys.stderr)
    print(
        printable(
            f"{read} fact-check(s) read from {args.file} into {db}: {added} new, {read - added} already stored;"
            f" {len(errors)} malformed record(s) skipped"
        )
    )
    return 1 if errors else 0
