"""Output rendering speed: JSON, terminal and HTML report for the bundled example article repeated 1x/5x/20x.

The analysis runs once per size (not timed here); each output is rendered `--repeat` times and the median is kept.

    nice -n 10 python benchmarks/outputs_render.py --out /tmp/outputs_render.json
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

import newsaudit
from newsaudit.examples import example_text
from newsaudit.outputs import html, terminal
from newsaudit.outputs import json as json_out


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20], help="copies of the example article")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/outputs_render.json"))
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        doc = newsaudit.analyze("\n\n".join([example_text()] * n))
        spans = sum(1 for _ in doc.iter_spans())
        page = html.render(doc)
        rows.append(
            {
                "copies": n,
                "chars": len(doc.text),
                "spans": spans,
                "json_s": median_seconds(lambda d=doc: json_out.dumps(d), args.repeat),
                "terminal_s": median_seconds(
                    lambda d=doc: terminal.render(d, Console(file=io.StringIO(), width=120)), args.repeat
                ),
                "html_s": median_seconds(lambda d=doc: html.render(d), args.repeat),
                "html_kb": round(len(page.encode("utf-8")) / 1024, 1),
            }
        )
    args.out.write_text(json.dumps({"benchmark": "outputs_render", "rows": rows}, indent=2), encoding="utf-8")
    print(f"{'copies':>6} {'chars':>7} {'spans':>6} {'json s':>8} {'terminal s':>11} {'html s':>8} {'html KB':>8}")
    for r in rows:
        print(
            f"{r['copies']:>6} {r['chars']:>7} {r['spans']:>6} {r['json_s']:>8.4f} {r['terminal_s']:>11.4f}"
            f" {r['html_s']:>8.4f} {r['html_kb']:>8}"
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
