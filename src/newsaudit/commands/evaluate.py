"""`newsaudit eval NAME`: one subcommand per module in `newsaudit.evaluation` that defines `evaluate`."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from newsaudit import evaluation
from newsaudit.errors import InputError
from newsaudit.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("eval", help="score newsaudit on a benchmark (ptc, polnear, claimbuster, ...)")
    targets = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for info in sorted(pkgutil.iter_modules(evaluation.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"newsaudit.evaluation.{info.name}")
        if not hasattr(module, "evaluate"):
            continue
        p = targets.add_parser(info.name, help=(module.__doc__ or "").strip().splitlines()[0])
        p.add_argument("--data", type=Path, default=Path("../shared/data"), help="data root (default ../shared/data)")
        p.add_argument("--json", dest="json_out", type=Path, help="also write the metrics as JSON here")
        module.add_arguments(p)
        p.set_defaults(func=run, evaluate=module.evaluate)


def _rows(prefix: str, value: Any) -> list[tuple[str, str]]:
    """(dotted name, formatted value) table rows for a nested metrics dict."""
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _rows(f"{prefix}.{k}" if prefix else str(k), v)]
    return [(prefix, f"{value:.4f}" if isinstance(value, float) else str(value))]


def run(args: argparse.Namespace, settings: Settings) -> int:
    metrics = args.evaluate(args, settings)
    table = Table(title=f"newsaudit eval {args.benchmark}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in _rows("", metrics):
        table.add_row(name, value)
    Console().print(table)
    if args.json_out:
        try:
            args.json_out.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.json_out}: {exc}") from exc
    return 0
