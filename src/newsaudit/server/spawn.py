"""Start `newsaudit serve` in a child process on a free loopback port and wait until it answers (scripts, tests)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Sequence

import httpx


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on `host` a moment ago."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def spawn_server(
    serve_args: Sequence[str], port: int, *, global_args: Sequence[str] = (), timeout: float = 90
) -> subprocess.Popen[bytes]:
    """`newsaudit [global_args] serve --host 127.0.0.1 --port PORT [serve_args]`, returned once /api/health is 200.

    Raises RuntimeError with the server's stderr if it exits first, or if it is not up within `timeout` seconds.
    """
    cmd = [sys.executable, "-m", "newsaudit.cli", *global_args, "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen([*cmd, *serve_args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start within {timeout:g} s")
