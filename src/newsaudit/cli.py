"""Command line: flags -> Settings, subcommands from `newsaudit.commands`, one-line errors, exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from newsaudit import __version__, commands
from newsaudit.commands import printable
from newsaudit.errors import NewsauditError
from newsaudit.settings import Settings

EXIT_OK, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 2, 3, 130
# Libraries that log their own complaints about the input ("ERROR empty HTML tree") at WARNING or above: newsaudit
# already reports the problem in its one line, so they are shown only with --debug.
QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser, with one subparser per module in `newsaudit.commands`."""
    parser = argparse.ArgumentParser(prog="newsaudit", description="Audit news articles offline.")
    parser.add_argument("--version", action="version", version=f"newsaudit {__version__}")
    parser.add_argument("--config", help="settings TOML file (a [newsaudit] table)")
    parser.add_argument("--no-models", action="store_true", help="rules only: skip the trained models")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"newsaudit.commands.{info.name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsaudit` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, format="%(levelname)s %(message)s")
    if not args.debug:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        settings = Settings.load(args.config, use_models=False if args.no_models else None)
        return int(args.func(args, settings) or 0)
    except NewsauditError as exc:
        print(f"newsaudit: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("newsaudit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: still one line unless --debug
        if args.debug:
            raise
        print(
            f"newsaudit: internal error: {type(exc).__name__}: {printable(str(exc))} (rerun with --debug)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
