"""Load test of `newsaudit serve` on loopback: concurrent clients POST ~1,000-word articles to /api/analyze.

Reports p50/p95 latency, throughput and errors, against single-process `analyze` throughput from the same run.
Loopback only, bounded in time and count. Example: `python benchmarks/server_load.py --duration 60 --clients 8`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "newsaudit.cli"]
    if args.no_models:
        cmd.append("--no-models")
    cmd += ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.server_workers)]
    cmd += ["--threads", str(args.threads), "--queue", str(args.queue)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 90 s")


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


def load(url: str, clients: int, duration: float) -> dict[str, Any]:
    """`clients` threads, each posting one article at a time until `duration` seconds have passed."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(MAX_REQUESTS))
    bodies = [json.dumps({"text": article(i)}).encode() for i in range(64)]
    # Clients are made before the clock starts (building an httpx client takes most of a second on a busy box).
    sessions = [httpx.Client(timeout=60, headers={"content-type": "application/json"}) for _ in range(clients)]
    gate = threading.Barrier(clients + 1)
    end = 0.0

    def client(http: httpx.Client) -> None:
        gate.wait()
        with http:
            while time.perf_counter() < end:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    r = http.post(url + "/api/analyze", content=bodies[i % len(bodies)])
                    code = str(r.status_code)
                    if r.status_code == 503:
                        time.sleep(float(r.headers.get("retry-after", "1")))
                except httpx.HTTPError as exc:
                    code = f"error:{type(exc).__name__}"
                    with lock:
                        failures.append(code)
                elapsed = time.perf_counter() - t0
                with lock:
                    statuses[code] = statuses.get(code, 0) + 1
                    if code == "200":
                        latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(http,)) for http in sessions]
    for t in threads:
        t.start()
    started = time.perf_counter()
    end = started + duration
    gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ok = statuses.get("200", 0)
    lat = sorted(latencies)

    def pct(p: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 4) if lat else None

    return {
        "clients": clients,
        "seconds": round(wall, 3),
        "requests": sum(statuses.values()),
        "ok": ok,
        "statuses": statuses,
        "errors_5xx_other_than_503": sum(n for c, n in statuses.items() if c.startswith("5") and c != "503"),
        "deliberate_503": statuses.get("503", 0),
        "transport_errors": len(failures),
        "throughput_per_second": round(ok / wall, 3),
        "latency_p50_s": pct(0.50),
        "latency_p95_s": pct(0.95),
        "latency_max_s": round(lat[-1], 4) if lat else None,
        "latency_mean_s": round(statistics.fmean(lat), 4) if lat else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--baseline-seconds", type=float, default=15.0, help="seconds of single-process analyze")
    parser.add_argument("--server-workers", type=int, default=1, help="server processes (newsaudit serve --workers)")
    parser.add_argument("--threads", type=int, default=2, help="analysis threads per server process")
    parser.add_argument("--queue", type=int, default=8, help="server wait queue before 503")
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
    report = {
        "machine": {"cpus": os.cpu_count()},
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "article_words": words,
        "single_process_analyze": baseline,
        "server": result,
        "throughput_ratio": round(ratio, 3),
        "targets": {
            "zero_unexpected_5xx": result["errors_5xx_other_than_503"] == 0 and result["transport_errors"] == 0,
            "p95_le_2s": result["latency_p95_s"] is not None and result["latency_p95_s"] <= 2.0,
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
    rows = [
        ("single-process analyze (art/s)", f"{baseline['per_second']:.2f}"),
        ("server throughput (art/s)", f"{result['throughput_per_second']:.2f}"),
        ("throughput ratio (target >= 0.8)", f"{ratio:.2f}"),
        ("latency p50 (s)", str(result["latency_p50_s"])),
        ("latency p95 (s) (target <= 2)", str(result["latency_p95_s"])),
        ("requests / ok", f"{result['requests']} / {result['ok']}"),
        ("5xx other than 503 (target 0)", str(result["errors_5xx_other_than_503"])),
        ("deliberate 503", str(result["deliberate_503"])),
        ("CPU per article: analyze (ms)", f"{1000 * (baseline['cpu_per_article_s'] or 0):.1f}"),
        ("CPU per request: server (ms)", f"{1000 * (result['server_cpu_per_ok_request_s'] or 0):.1f}"),
        ("load average at start", f"{os.getloadavg()[0]:.1f}"),
        ("transport errors", str(result["transport_errors"])),
    ]
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
