"""Helpers shared by the server tests: the example text, free ports and a live uvicorn on loopback."""

from __future__ import annotations

import shutil
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from newsaudit.server.spawn import free_port

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def example_text() -> str:
    """The bundled example article (written for newsaudit; exercises every layer)."""
    return resources.files("newsaudit.examples").joinpath("harbour-closure.txt").read_text(encoding="utf-8")


class LiveServer:
    """A uvicorn server running `app` in a background thread on a free loopback port."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self.port = free_port(host)
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
