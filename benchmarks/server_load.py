"""Load test of `newsaudit serve` on loopback: concurrent clients POST ~1,000-word articles to /api/analyze.

Clients honour 503 + Retry-After (sleep, then retry the same article). Reports served and end-to-end p50/p95
latency, 503s and other errors, and throughput against single-process `analyze` throughput from the same run.
Loopback only, bounded in time and count. Example: `python benchmarks/server_load.py --duration 60 --clients 8`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from newsaudit.server.spawn import free_port, spawn_server

MAX_REQUESTS = 100_000  # hard bound on the number of requests, whatever the duration


def article(i: int) -> str:
    """A ~1,000-word article (the bundled example plus part of itself), made unique by its number."""
    base = resources.files("newsaudit.examples").joinpath("harbour-closure.txt").read_text(encoding="utf-8")
    extra = base.split("\n\n", 3)[3][:1700]
    return f"{base}\n\n{extra}\n\nThis is dispatch number {i} from the harbour desk."


def single_process_rate(seconds: float, use_models: bool) -> dict[str, float]:
    """Articles per second of plain `analyze` in this process, one after another."""
    from newsaudit.api import analyze
    from newsaudit.settings import Settings

    settings = Settings(use_models=use_models)
    analyze(article(-1), settings=settings)  # warm up (pipeline and models built once)
    n, started, cpu0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        analyze(article(n), settings=settings)
        n += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    return {"articles": n, "seconds": round(elapsed, 3), "per_second": round(n / elapsed, 3), "cpu_s": cpu}


def start_server(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    serve = ["--workers", str(args.server_workers), "--threads", str(args.threads), "--queue", str(args.queue)]
    serve += ["--max-latency", str(args.max_latency)]
    if args.model_threads is not None:
        serve += ["--model-threads", str(args.model_threads)]
    try:
        return spawn_server(serve, port, global_args=["--no-models"] if args.no_models else [])
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its direct children (uvicorn worker processes)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class LoadSampler:
    """Samples the 1-minute load average every few seconds while the load runs (it counts this benchmark too)."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self.samples.append(os.getloadavg()[0])
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, float]:
        return {
            "start": round(self.samples[0], 2),
            "end": round(self.samples[-1], 2),
            "mean": round(statistics.fmean(self.samples), 2),
            "max": round(max(self.samples), 2),
        }


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(p * len(ordered)) - 1)], 4)


def load(url: str, clients: int, duration: float) -> dict[str, Any]:
    """`clients` threads, each posting one article at a time until `duration` seconds have passed.

    A 503 is retried with the same article after sleeping its Retry-After, so each article has a served latency
    (its 200 request) and an end-to-end latency (first attempt to answer, retries and sleeps included). An article
    still waiting to be retried when the time is up is counted as unfinished.
    """
    served: list[float] = []  # the request that got the 200
    end_to_end: list[float] = []  # per article, from its first attempt to its 200
    waited: list[float] = []  # articles still unanswered at the end: how long they had waited (a lower bound)
    per_client = [0] * clients  # articles served per client (fairness)
    refused: list[float] = []  # how long a 503 took to arrive
    retry_afters: list[float] = []
    attempts_per_article: list[int] = []
    statuses: dict[str, int] = {}
    failures: list[str] = []
    unfinished = 0
    lock = threading.Lock()
    counter = iter(range(MAX_REQUESTS))
    bodies = [json.dumps({"text": article(i)}).encode() for i in range(64)]
    # Clients are made before the clock starts (building an httpx client takes most of a second on a busy box).
    sessions = [httpx.Client(timeout=60, headers={"content-type": "application/json"}) for _ in range(clients)]
    gate = threading.Barrier(clients + 1)
    end = 0.0

    def client(n: int, http: httpx.Client) -> None:
        nonlocal unfinished
        gate.wait()
        with http:
            while time.perf_counter() < end:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                first = time.perf_counter()
                attempts = 0
                while True:
                    attempts += 1
                    t0 = time.perf_counter()
                    retry_after = None
                    try:
                        r = http.post(url + "/api/analyze", content=bodies[i % len(bodies)])
                        code = str(r.status_code)
                        if r.status_code == 503:
                            retry_after = float(r.headers.get("retry-after", "1"))
                    except httpx.HTTPError as exc:
                        code = f"error:{type(exc).__name__}"
                    now = time.perf_counter()
                    with lock:
                        statuses[code] = statuses.get(code, 0) + 1
                        if code.startswith("error:"):
                            failures.append(code)
                        elif code == "200":
                            served.append(now - t0)
                            end_to_end.append(now - first)
                            attempts_per_article.append(attempts)
                            per_client[n] += 1
                        elif retry_after is not None:
                            refused.append(now - t0)
                            retry_afters.append(retry_after)
                    if retry_after is None:
                        break  # answered (or failed for good): next article
                    if now + retry_after >= end:
                        with lock:
                            unfinished += 1
                            waited.append(max(end, now) - first)
                        return
                    time.sleep(retry_after)

    threads = [threading.Thread(target=client, args=(n, http)) for n, http in enumerate(sessions)]
    for t in threads:
        t.start()
    with LoadSampler() as sampler:
        started = time.perf_counter()
        end = started + duration
        gate.wait()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    ok = statuses.get("200", 0)
    return {
        "clients": clients,
        "seconds": round(wall, 3),
        "requests": sum(statuses.values()),
        "ok": ok,
        "statuses": statuses,
        "errors_5xx_other_than_503": sum(n for c, n in statuses.items() if c.startswith("5") and c != "503"),
        "deliberate_503": statuses.get("503", 0),
        "transport_errors": len(failures),
        "unfinished_articles": unfinished,
        "throughput_per_second": round(ok / wall, 3),
        "served_latency_p50_s": percentile(served, 0.50),
        "served_latency_p95_s": percentile(served, 0.95),
        "served_latency_max_s": round(max(served), 4) if served else None,
        "served_latency_mean_s": round(statistics.fmean(served), 4) if served else None,
        "end_to_end_p50_s": percentile(end_to_end, 0.50),
        "end_to_end_p95_s": percentile(end_to_end, 0.95),
        "end_to_end_max_s": round(max(end_to_end), 4) if end_to_end else None,
        "end_to_end_with_unfinished_p50_s": percentile(end_to_end + waited, 0.50),
        "end_to_end_with_unfinished_p95_s": percentile(end_to_end + waited, 0.95),
        "served_per_client": per_client,
        "attempts_per_article_mean": round(statistics.fmean(attempts_per_article), 2) if attempts_per_article else None,
        "refusal_latency_p95_s": percentile(refused, 0.95),
        "retry_after_mean_s": round(statistics.fmean(retry_afters), 2) if retry_afters else None,
        "load_average_1min": sampler.summary(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--baseline-seconds", type=float, default=15.0, help="seconds of single-process analyze")
    parser.add_argument("--server-workers", type=int, default=1, help="server processes (newsaudit serve --workers)")
    parser.add_argument("--threads", type=int, default=1, help="analysis threads per server process (serve default)")
    parser.add_argument("--model-threads", type=int, help="onnxruntime threads per analysis in the server")
    parser.add_argument("--queue", type=int, default=8, help="hard bound on waiting requests (serve --queue)")
    parser.add_argument("--max-latency", type=float, default=2.0, help="server latency budget (serve --max-latency)")
    parser.add_argument("--no-models", action="store_true", help="rules only, in the server and the baseline")
    parser.add_argument("--json", type=Path, default=Path("/tmp/server_load.json"))
    args = parser.parse_args()
    if not 0 < args.duration <= 600 or not 0 < args.clients <= 64:
        raise SystemExit("--duration must be in (0, 600] and --clients in (0, 64]")

    words = len(article(0).split())
    print(
        f"article: {words} words; single-process analyze for {args.baseline_seconds / 2:g} s before and after",
        flush=True,
    )
    before = single_process_rate(args.baseline_seconds / 2, use_models=not args.no_models)
    port = free_port()
    proc = start_server(port, args)
    try:
        print(f"server on 127.0.0.1:{port}; {args.clients} clients for {args.duration:g} s ...", flush=True)
        for i in range(2 * args.server_workers):  # warm up: build the pipeline in the server process(es)
            httpx.post(f"http://127.0.0.1:{port}/api/analyze", json={"text": article(-2 - i)}, timeout=120)
        cpu0 = process_tree_cpu(proc.pid)
        result = load(f"http://127.0.0.1:{port}", args.clients, args.duration)
        server_cpu = process_tree_cpu(proc.pid) - cpu0
        result["server_cpu_seconds"] = round(server_cpu, 3)
        result["server_cpu_per_ok_request_s"] = round(server_cpu / result["ok"], 4) if result["ok"] else None
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    # The machine is shared: measure the baseline before and after the load and use both.
    after = single_process_rate(args.baseline_seconds / 2, use_models=not args.no_models)
    n, secs = before["articles"] + after["articles"], before["seconds"] + after["seconds"]
    baseline = {
        "articles": n,
        "seconds": round(secs, 3),
        "per_second": round(n / secs, 3),
        "before_per_second": before["per_second"],
        "after_per_second": after["per_second"],
        "cpu_per_article_s": round((before["cpu_s"] + after["cpu_s"]) / n, 4) if n else None,
    }
    ratio = result["throughput_per_second"] / baseline["per_second"] if baseline["per_second"] else 0.0
    served_p95, e2e_p95 = result["served_latency_p95_s"], result["end_to_end_p95_s"]
    report = {
        "machine": {"cpus": os.cpu_count(), "model_threads_env": os.environ.get("NEWSAUDIT_THREADS")},
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "article_words": words,
        "single_process_analyze": baseline,
        "server": result,
        "throughput_ratio": round(ratio, 3),
        "targets": {
            "zero_unexpected_5xx": result["errors_5xx_other_than_503"] == 0 and result["transport_errors"] == 0,
            "served_p95_le_2s": served_p95 is not None and served_p95 <= 2.0,
            "end_to_end_p95_le_2s": e2e_p95 is not None and e2e_p95 <= 2.0,
            "throughput_ge_0.8x": ratio >= 0.8,
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    from rich.console import Console
    from rich.table import Table

    title = f"newsaudit serve under load ({args.clients} clients, {result['seconds']:.0f} s, {words} words)"
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    la = result["load_average_1min"]
    rows = [
        ("server config", f"{args.server_workers} proc x {args.threads} thr x {args.model_threads or 'auto'} ort"),
        ("single-process analyze (art/s)", f"{baseline['per_second']:.2f}"),
        ("server throughput (art/s)", f"{result['throughput_per_second']:.2f}"),
        ("throughput ratio (target >= 0.8)", f"{ratio:.2f}"),
        ("served latency p50 (s)", str(result["served_latency_p50_s"])),
        ("served latency p95 (s) (target <= 2)", str(served_p95)),
        ("end-to-end p50 incl. retries (s)", str(result["end_to_end_p50_s"])),
        ("end-to-end p95 incl. retries (s)", str(e2e_p95)),
        ("  same, unfinished counted at their wait (s)", str(result["end_to_end_with_unfinished_p95_s"])),
        ("articles served / unfinished", f"{result['ok']} / {result['unfinished_articles']}"),
        ("served per client (min-max)", f"{min(result['served_per_client'])}-{max(result['served_per_client'])}"),
        ("requests", str(result["requests"])),
        ("deliberate 503 (Retry-After mean s)", f"{result['deliberate_503']} ({result['retry_after_mean_s']})"),
        ("5xx other than 503 (target 0)", str(result["errors_5xx_other_than_503"])),
        ("transport errors", str(result["transport_errors"])),
        ("CPU per article: analyze (ms)", f"{1000 * (baseline['cpu_per_article_s'] or 0):.1f}"),
        ("CPU per served article: server (ms)", f"{1000 * (result['server_cpu_per_ok_request_s'] or 0):.1f}"),
        ("load average 1-min: start/mean/max/end", f"{la['start']}/{la['mean']}/{la['max']}/{la['end']}"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
