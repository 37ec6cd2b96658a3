"""Full-analysis throughput vs the bare ONNX encoder over the same tokens, and peak memory.

Runs, in one process and article by article in turn, the bare encoder (`OnnxEncoder` over the same windows the
model uses) and then the full `analyze` (rules + model steps) on the same article, so that a change in the machine's
speed during the run (a shared machine drifts by 40% within the hour) weighs on both sides alike. Prints articles/s
for both (per wall-clock second and per CPU second of this process, since the wall clock is unreliable on a shared
machine), their ratio, and the peak resident memory (resource.getrusage); writes JSON.

    nice -n 10 python benchmarks/throughput.py --articles ../shared/data/ptc/train/articles --limit 60 --out /tmp/t.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsaudit.api import analyze, default_pipeline
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
    enc_wall = enc_cpu = full_wall = full_cpu = 0.0
    for text in texts:
        wall, cpu = _timed(lambda t=text: encode_texts(model.encoder, [t], window=model.window, stride=model.stride))
        enc_wall, enc_cpu = enc_wall + wall, enc_cpu + cpu
        wall, cpu = _timed(lambda t=text: analyze(t, settings=settings))
        full_wall, full_cpu = full_wall + wall, full_cpu + cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

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
        "peak_rss_mb": round(peak_mb, 1),
        "threads_env": None,
    }
    import os

    result["threads_env"] = os.environ.get("NEWSAUDIT_THREADS")
    table = Table(title=f"throughput over {n} articles ({n_tokens} word pieces)")
    for col in ("measure", "bare encoder", "full analyze", "ratio"):
        table.add_column(col)
    table.add_row(
        "articles/s (wall)",
        f"{result['encoder_articles_per_s']:.3f}",
        f"{result['full_articles_per_s']:.3f}",
        f"{result['ratio_wall']:.3f}",
    )
    table.add_row(
        "articles/CPU s",
        f"{result['encoder_articles_per_cpu_s']:.3f}",
        f"{result['full_articles_per_cpu_s']:.3f}",
        f"{result['ratio_cpu']:.3f}",
    )
    table.add_row("peak RSS (MB)", "", f"{result['peak_rss_mb']:.0f}", "")
    Console().print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
