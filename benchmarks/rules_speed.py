"""Speed of the rule-based analysis: ms per article and per 1,000 words, per step, on news articles.

Articles: the PTC train articles under --data (read at run time, never stored) when present, else the bundled
example article repeated. Each step of the rule pipeline is timed separately over the same articles.

    nice -n 10 python benchmarks/rules_speed.py --n 200 --out /tmp/rules_speed.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsaudit.analysis.pipeline import create_step
from newsaudit.analysis.steps import RULE_STEPS
from newsaudit.document import Document


def articles(data: Path, n: int) -> list[str]:
    folder = data / "ptc" / "train" / "articles"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("article*.txt"))[:n]] if folder.is_dir() else []
    if not texts:
        example = resources.files("newsaudit.examples").joinpath("harbour-closure.txt").read_text(encoding="utf-8")
        texts = [example] * n
    return [t for t in texts if t.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--n", type=int, default=200, help="number of articles")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the articles; the fastest is reported")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    texts = articles(args.data, args.n)
    words = sum(len(t.split()) for t in texts)
    steps = [create_step(name) for name in RULE_STEPS]
    per_step = {s.name: float("inf") for s in steps}
    per_article: list[float] = []
    for _ in range(args.repeat):
        totals = dict.fromkeys(per_step, 0.0)
        times = []
        for text in texts:
            doc = Document(text=text)
            t_article = time.perf_counter()
            for step in steps:
                t0 = time.perf_counter()
                step(doc)
                totals[step.name] += time.perf_counter() - t0
            times.append(time.perf_counter() - t_article)
        for name, total in totals.items():
            per_step[name] = min(per_step[name], total)
        if not per_article or sum(times) < sum(per_article):
            per_article = times
    total = sum(per_article)
    result = {
        "articles": len(texts),
        "words": words,
        "ms_per_article_mean": 1000 * total / len(texts),
        "ms_per_article_median": 1000 * statistics.median(per_article),
        "ms_per_article_max": 1000 * max(per_article),
        "ms_per_1000_words": 1000 * total / words * 1000,
        "ms_per_1000_words_by_step": {k: 1000 * v / words * 1000 for k, v in per_step.items()},
    }
    table = Table(title=f"rule analysis speed ({len(texts)} articles, {words} words, best of {args.repeat})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        if isinstance(value, dict):
            for k, v in value.items():
                table.add_row(f"  {k} (ms/1000 words)", f"{v:.2f}")
        else:
            table.add_row(key, f"{value:.2f}" if isinstance(value, float) else str(value))
    Console().print(table)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
