"""`newsaudit attributions TEXT_DIR -o OUT_DIR`: one PolNeAR-style BRAT .ann file per <name>.txt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from newsaudit.commands import printable
from newsaudit.errors import InputError
from newsaudit.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "attributions", help="write BRAT .ann files (Source/Cue/Content T lines, E lines) for a folder of .txt"
    )
    parser.add_argument("text_dir", type=Path, metavar="TEXT_DIR", help="folder of <name>.txt articles (UTF-8)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR", help="folder for <name>.ann")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.evaluation.brat import format_ann, relations_from_document
    from newsaudit.evaluation.runner import analyse_all, progress, read_text

    if not args.text_dir.is_dir():
        raise InputError(f"{args.text_dir} is not a folder")
    paths = sorted(p for p in args.text_dir.glob("*.txt") if p.is_file())
    if not paths:
        raise InputError(f"no .txt files in {args.text_dir}")
    try:
        args.output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {args.output}: {exc}") from exc
    failed: list[str] = []

    def readable() -> Iterator[tuple[Path, str]]:
        for path in paths:
            try:
                yield path, read_text(path)
            except InputError as exc:
                print(f"newsaudit: skipped: {printable(str(exc))}", file=sys.stderr)
                failed.append(path.name)

    relations = 0
    shown = progress(readable(), "attributions", len(paths))
    for (path, text), doc in analyse_all(shown, lambda item: item[1], settings):
        rels = relations_from_document(doc.attributions)
        relations += len(rels)
        out = args.output / f"{path.stem}.ann"
        try:
            with out.open("w", encoding="utf-8", newline="\n") as fh:
                fh.write(format_ann(rels, text))
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc}") from exc
    written = len(paths) - len(failed)
    print(f"wrote {written} .ann files ({relations} attributions) to {args.output}", file=sys.stderr)
    if failed:
        raise InputError(f"{len(failed)} of {len(paths)} files could not be read (first: {failed[0]})")
    return 0
