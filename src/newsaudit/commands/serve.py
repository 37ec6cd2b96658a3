"""`newsaudit serve`: the web app and HTTP API (FastAPI on uvicorn)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from newsaudit.errors import InputError
from newsaudit.settings import Settings

CONFIG_ENV = "NEWSAUDIT_SERVE_CONFIG"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="start the web app and HTTP API (docs at /docs)")
    parser.add_argument("--db", type=Path, help="corpus database for the Corpus pages and /api/articles etc.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--token", help="bearer token for write endpoints; required on a non-loopback host")
    parser.add_argument(
        "--allow-private-urls", action="store_true", help="let /api/analyze fetch private and loopback addresses"
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="analyses run at once per process (default 1: one analysis using every core has the lowest latency)",
    )
    parser.add_argument(
        "--model-threads",
        type=int,
        help="onnxruntime intra-op threads per analysis (default: NEWSAUDIT_THREADS, else one per CPU)",
    )
    parser.add_argument(
        "--queue", type=int, default=8, help="hard bound on requests waiting for a thread, whatever --max-latency says"
    )
    parser.add_argument(
        "--max-latency",
        type=float,
        help="latency budget in seconds: admit a request only if its expected wait + analysis time fits, "
        "else 503 with Retry-After (default: setting server_max_latency, 2 s)",
    )
    parser.add_argument(
        "--max-job-seconds",
        type=float,
        help="refuse (413) an article expected to take longer than this to analyse (default: setting "
        "server_max_job_seconds, 60 s)",
    )
    parser.add_argument("--max-body", type=int, default=2_000_000, help="request body cap in bytes (default 2 MB)")
    parser.set_defaults(func=run)


def app_from_env() -> Any:
    """The app built from the JSON config that `run` puts in the environment (uvicorn factory, one per process)."""
    from newsaudit.server.app import create_app

    config = json.loads(os.environ[CONFIG_ENV])
    return create_app(
        Settings(**config["settings"]),
        config["db"],
        config["token"],
        host=config["host"],
        workers=config["threads"],
        queue=config["queue"],
        max_body_bytes=config["max_body"],
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from newsaudit.server.app import is_loopback_host

    token = args.token or os.environ.get("NEWSAUDIT_TOKEN") or None
    if not is_loopback_host(args.host) and not token:
        raise InputError(f"refusing to serve on non-loopback host {args.host} without --token (or NEWSAUDIT_TOKEN)")
    for name in ("workers", "threads"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name} must be at least 1")
    if args.queue < 0 or args.max_body < 1:
        raise InputError("--queue must be >= 0 and --max-body >= 1")
    for name in ("max_latency", "max_job_seconds", "model_threads"):
        if getattr(args, name) is not None and not getattr(args, name) > 0:
            raise InputError(f"--{name.replace('_', '-')} must be positive")
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port} is not a port number")
    if args.db is not None and args.db.exists() and not args.db.is_file():
        raise InputError(f"--db {args.db} is not a file")
    if args.allow_private_urls:
        settings = dataclasses.replace(settings, allow_private_urls=True)
    if args.max_latency is not None:
        settings = dataclasses.replace(settings, server_max_latency=args.max_latency)
    if args.max_job_seconds is not None:
        settings = dataclasses.replace(settings, server_max_job_seconds=args.max_job_seconds)
    if args.model_threads is not None:  # read by the encoder sessions, in this process and uvicorn's workers
        os.environ["NEWSAUDIT_THREADS"] = str(args.model_threads)
    os.environ[CONFIG_ENV] = json.dumps(
        {
            "settings": dataclasses.asdict(settings),
            "db": str(args.db) if args.db else None,
            "token": token,
            "host": args.host,
            "threads": args.threads,
            "queue": args.queue,
            "max_body": args.max_body,
        }
    )
    probe = app_from_env()  # build once here so that a bad configuration fails with one line before binding
    probe.state.newsaudit.close()
    probe.state.newsaudit.pool.shutdown()
    print(f"newsaudit: serving on http://{_url_host(args.host)}:{args.port}/ (API docs at /docs)", flush=True)
    uvicorn.run(
        "newsaudit.commands.serve:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
