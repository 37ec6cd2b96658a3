"""Full-analysis throughput vs the bare ONNX encoder over the same tokens, and peak memory.

Runs, in one process and block by block of articles in turn, the bare encoder (`OnnxEncoder` over the same windows
the model uses, article by article), the full `analyze` (rules + model steps) article by article, and `analyze_many`
over the block (a batch: the encoder runs one article ahead on a worker thread; every other block it goes before
the one-by-one run, which would otherwise leave it warm per-word caches), so that a change in the machine's speed
during the run (a shared machine drifts by 40% within the hour) weighs on all sides alike. Prints articles/s
(per wall-clock second and per CPU second of this process, since the wall clock is unreliable on a shared machine),
the ratios to the bare encoder, and the peak resident memory (resource.getrusage); writes JSON.

    nice -n 10 python benchmarks/throughput.py --articles ../shared/data/ptc/train/articles --limit 60 --out /tmp/t.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsaudit.api import analyze, analyze_many, default_pipeline
from newsaudit.models.audit_model import load_model, model_available
from newsaudit.models.token_states import encode_texts
from newsaudit.settings import Settings


def _timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train/articles"))
    parser.add_argument("--limit", type=int, default=0, help="use the first N articles (0 = all)")
    parser.add_argument("--model-dir", default=None, help="model folder (default: the shipped one)")
    parser.add_argument("--block", type=int, default=10, help="articles per block of the three runs (default 10)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsaudit-throughput.json"))
    args = parser.parse_args(argv)

    paths = sorted(args.articles.glob("*.txt"))
    if args.limit:
        paths = paths[: args.limit]
    if not paths:
        print(f"no .txt articles under {args.articles}", file=sys.stderr)
        return 2
    texts = [p.read_text(encoding="utf-8") for p in paths]
    if not model_available(args.model_dir):
        print("no trained model found: the full analysis would run rules only", file=sys.stderr)
        return 2
    settings = Settings(model_dir=args.model_dir)
    model = load_model(args.model_dir)
    pipeline = default_pipeline(settings)
    # warm-up (loads sessions, first-call allocations)
    encode_texts(model.encoder, texts[:1], window=model.window, stride=model.stride)
    analyze(texts[0], settings=settings)

    n_tokens = sum(len(ids) for ids, _ in model.encoder.tokenize(texts))
    totals = {side: [0.0, 0.0] for side in ("encoder", "full", "batch")}  # wall, CPU seconds

    def add(side: str, wall_cpu: tuple[float, float]) -> None:
        totals[side][0] += wall_cpu[0]
        totals[side][1] += wall_cpu[1]

    def one_by_one(block: list[str]) -> None:
        for text in block:
            add("full", _timed(lambda t=text: analyze(t, settings=settings)))

    def batch(block: list[str]) -> None:
        add("batch", _timed(lambda: list(analyze_many(block, settings=settings))))

    size = max(args.block, 1)
    for k, block in enumerate(texts[b : b + size] for b in range(0, len(texts), size)):
        for text in block:
            add(
                "encoder",
                _timed(lambda t=text: encode_texts(model.encoder, [t], window=model.window, stride=model.stride)),
            )
        # the second analysis of a block finds the per-word caches warm: every other block, the batch goes first
        for run in (one_by_one, batch) if k % 2 == 0 else (batch, one_by_one):
            run(block)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (enc_wall, enc_cpu), (full_wall, full_cpu), (batch_wall, batch_cpu) = totals.values()
    n = len(texts)
    result = {
        "articles": n,
        "word_pieces": n_tokens,
        "pipeline": pipeline.names,
        "encoder_articles_per_s": round(n / enc_wall, 3),
        "full_articles_per_s": round(n / full_wall, 3),
        "ratio_wall": round(enc_wall / full_wall, 3),
        "encoder_articles_per_cpu_s": round(n / enc_cpu, 3),
        "full_articles_per_cpu_s": round(n / full_cpu, 3),
        "ratio_cpu": round(enc_cpu / full_cpu, 3),
        "batch_articles_per_s": round(n / batch_wall, 3),
        "ratio_wall_batch": round(enc_wall / batch_wall, 3),
        "batch_articles_per_cpu_s": round(n / batch_cpu, 3),
        "ratio_cpu_batch": round(enc_cpu / batch_cpu, 3),
        "peak_rss_mb": round(peak_mb, 1),
        "threads_env": os.environ.get("NEWSAUDIT_THREADS"),
    }
    table = Table(title=f"throughput over {n} articles ({n_tokens} word pieces)")
    for col in ("measure", "bare encoder", "analyze, one by one", "ratio", "analyze_many (batch)", "ratio"):
        table.add_column(col)
    for label, unit in (("articles/s (wall)", "s"), ("articles/CPU s", "cpu_s")):
        per = "per_s" if unit == "s" else "per_cpu_s"
        suffix = "wall" if unit == "s" else "cpu"
        table.add_row(
            label,
            f"{result[f'encoder_articles_{per}']:.3f}",
            f"{result[f'full_articles_{per}']:.3f}",
            f"{result[f'ratio_{suffix}']:.3f}",
            f"{result[f'batch_articles_{per}']:.3f}",
            f"{result[f'ratio_{suffix}_batch']:.3f}",
        )
    table.add_row("peak RSS (MB)", "", f"{result['peak_rss_mb']:.0f}", "", "", "")
    Console().print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
