"""`newsaudit semeval si|tc`: SemEval-2020 Task 11 submission files, in the exact format the task's scorers read."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from newsaudit.errors import InputError
from newsaudit.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("semeval", help="write SemEval-2020 Task 11 files: si (spans) or tc (labelled spans)")
    tasks = parser.add_subparsers(dest="semeval_task", metavar="TASK", required=True)
    si = tasks.add_parser("si", help="span identification: ID<TAB>start<TAB>end lines for article<ID>.txt files")
    si.add_argument("articles", type=Path, metavar="ARTICLES_DIR", help="folder of article<ID>.txt files")
    si.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="output file ('-': stdout)")
    tc = tasks.add_parser("tc", help="technique classification: label every span of a template file")
    tc.add_argument("articles", type=Path, metavar="ARTICLES_DIR", help="folder of article<ID>.txt files")
    tc.add_argument(
        "--template", type=Path, required=True, help="ID<TAB>?<TAB>start<TAB>end (or ID<TAB>start<TAB>end) lines"
    )
    tc.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="output file ('-': stdout)")
    parser.set_defaults(func=run)


def _write_to(fh: TextIO, lines: Iterable[str]) -> int:
    """Write every line to an open file and return how many there were."""
    n = 0
    for line in lines:
        fh.write(line)
        n += 1
    return n


def _write(path: Path, lines: Iterable[str]) -> int:
    """Write lines (each ending in a newline); '-' is stdout. Writes to a temporary file first, so a failed run
    never leaves a truncated submission behind."""
    if str(path) == "-":
        n = _write_to(sys.stdout, lines)
        sys.stdout.flush()
        return n
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name with -o")
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            n = _write_to(fh, lines)
        tmp.replace(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return n


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.evaluation import ptc

    articles = ptc.list_articles(args.articles)
    if args.semeval_task == "si":
        n = _write(args.output, (f"{k}\t{s}\t{e}\n" for k, s, e in ptc.predict_si(articles, settings)))
        print(f"wrote {n} spans for {len(articles)} articles to {args.output}", file=sys.stderr)
        return 0
    template = ptc.read_template(args.template)
    labeller = ptc.technique_labeller(settings)
    rows = ptc.label_template(articles, template, labeller)
    n = _write(args.output, (f"{k}\t{t}\t{s}\t{e}\n" for k, t, s, e in rows))
    print(f"wrote {n} labelled spans to {args.output}", file=sys.stderr)
    return 0
