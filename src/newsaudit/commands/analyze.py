"""`newsaudit analyze [SOURCE]`: audit an article (or a batch of records) into JSON, HTML or a terminal summary."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from newsaudit.commands import printable
from newsaudit.document import Document
from newsaudit.errors import InputError, NewsauditError
from newsaudit.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console

    from newsaudit.ingest import Loaded

FORMATS = ("json", "html", "text")
SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "text",
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "m": 1000**2, "g": 1000**3, "ki": 1024, "mi": 1024**2, "gi": 1024**3}


def byte_size(value: str) -> int:
    """Parse a size flag: 20000000, 20MB, 512k, 1MiB (k/M/G are powers of 1000, Ki/Mi/Gi of 1024)."""
    match = _SIZE.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (examples: 20MB, 512k, 1000000)")
    unit = (match.group(2) or "").lower().removesuffix("b")
    size = int(float(match.group(1)) * _UNITS[unit])
    if size < 1:
        raise argparse.ArgumentTypeError(f"the size must be at least 1 byte, not {value!r}")
    return size


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "analyze",
        help="audit an article: sources, claims, numbers and persuasion techniques",
        description=(
            "Audit an article given as a text, HTML, JSON or feed file, an http(s) URL, or - for standard input "
            "(default: the bundled example article). A JSONL file, JSON array or feed gives one JSON line per record."
        ),
    )
    parser.add_argument("source", nargs="?", metavar="SOURCE", help="file, http(s) URL or - (default: bundled example)")
    parser.add_argument("--format", "-f", choices=FORMATS, help="output format (default: from -o's suffix, else text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    add_input_limits(parser)
    parser.set_defaults(func=run)


def add_input_limits(parser: argparse.ArgumentParser) -> None:
    """--allow-private-urls and --max-bytes, which the fetch and size errors name (`analyze` and `ingest`)."""
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        default=None,
        help="allow fetching loopback, private and link-local addresses (refused by default)",
    )
    parser.add_argument(
        "--max-bytes", type=byte_size, metavar="SIZE", help="largest input file or record (default 20MB)"
    )


def with_input_limits(args: argparse.Namespace, settings: Settings) -> Settings:
    """`settings` with the --allow-private-urls and --max-bytes given on the command line."""
    overrides: dict[str, object] = {}
    if args.allow_private_urls:
        overrides["allow_private_urls"] = True
    if args.max_bytes is not None:
        overrides["max_input_bytes"] = args.max_bytes
    return settings.merged(overrides)


def output_format(fmt: str | None, output: str | None, batch: bool) -> str:
    """The format to write: "json", "jsonl", "html" or "text", from --format, else -o's suffix, else the input kind."""
    if fmt is None and output:
        suffix = Path(output).suffix.lower()
        if suffix not in SUFFIX_FORMATS:
            raise InputError(f"cannot tell the output format from {output!r}: use --format json, html or text")
        fmt = SUFFIX_FORMATS[suffix]
    if fmt is None:
        fmt = "jsonl" if batch else "text"
    if batch and fmt == "json":
        fmt = "jsonl"
    if batch and fmt == "html":
        raise InputError("an HTML report holds one article, but this input is a batch: use --format json")
    return fmt


@contextlib.contextmanager
def _opened(output: str | None) -> Iterator[TextIO]:
    """Standard output, or a temporary file beside `output` that replaces it only when the block succeeds."""
    if output is None:
        yield sys.stdout
        return
    target = Path(output)
    if target.is_dir():
        raise InputError(f"{output} is a directory")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {output}: no such folder {folder}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _new_file_mode(target: Path) -> int:
    """The mode `target` has, or the one a new file gets under the umask (mkstemp makes files 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _console(fh: TextIO) -> Console:
    from rich.console import Console

    if fh is sys.stdout:
        return Console()
    return Console(file=fh, width=100, color_system=None, force_terminal=False, soft_wrap=False)


def _write(doc: Document, fmt: str, fh: TextIO) -> None:
    """Write one analysed document to `fh` in the chosen output format."""
    if fmt == "html":
        from newsaudit.outputs import html

        fh.write(html.render(doc))
    elif fmt == "json":
        from newsaudit.outputs import json

        fh.write(json.dumps(doc, indent=2) + "\n")
    elif fmt == "jsonl":
        from newsaudit.outputs import json

        fh.write(json.dumps_line(doc) + "\n")
        fh.flush()
    else:
        from newsaudit.outputs import terminal

        terminal.render(doc, _console(fh))


def _load(source: str | None, settings: Settings) -> Loaded:
    from newsaudit import ingest
    from newsaudit.ingest.text import from_text

    if source is not None:
        return ingest.load(source, settings)
    try:
        from newsaudit.examples import EXAMPLE_NAME, example_text

        text = example_text()
    except (ImportError, OSError) as exc:
        raise InputError(f"the bundled example article is missing ({exc}); give a SOURCE") from None
    return ingest.Loaded(EXAMPLE_NAME, False, iter([from_text(text)]))


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newsaudit.api import analyze, default_pipeline
    from newsaudit.ingest import SkippedRecord

    settings = with_input_limits(args, settings)
    if args.format is not None or args.output:
        output_format(args.format, args.output, batch=False)  # a bad -o suffix fails before any work
    loaded = _load(args.source, settings)
    fmt = output_format(args.format, args.output, loaded.batch)

    if not loaded.batch:
        item = next(iter(loaded))
        if isinstance(item, SkippedRecord):
            raise item
        doc = analyze(item, settings=settings)
        with _opened(args.output) as fh:
            _write(doc, fmt, fh)
        if args.output:
            print(f"newsaudit: wrote {args.output}", file=sys.stderr)
        return 0

    written = skipped = 0
    with _opened(args.output) as fh:
        for number, item in enumerate(default_pipeline(settings).ahead(loaded), start=1):
            if isinstance(item, SkippedRecord):
                print(printable(f"newsaudit: skipped {item.where}: {item.reason}"), file=sys.stderr)
                skipped += 1
                continue
            where = item.cache.get("ingest.where", f"record {number}")
            try:
                doc = analyze(item, settings=settings)
            except NewsauditError as exc:
                print(printable(f"newsaudit: skipped {where}: {exc}"), file=sys.stderr)
                skipped += 1
                continue
            except Exception as exc:  # one broken record must not lose the others
                if getattr(args, "debug", False):
                    raise
                print(
                    printable(f"newsaudit: skipped {where}: internal error: {type(exc).__name__}: {exc}"),
                    file=sys.stderr,
                )
                skipped += 1
                continue
            _write(doc, fmt, fh)
            written += 1
        if written == 0:
            raise InputError(f"no record of {loaded.name} could be analysed ({skipped} skipped)")
    if args.output:
        print(f"newsaudit: wrote {written} record(s) to {args.output}, skipped {skipped}", file=sys.stderr)
    return 0
