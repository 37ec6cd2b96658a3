"""Test helpers for ingest: a tiny loopback HTTP server (http.server in a thread) and a sample news page."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """A canned answer: status, headers, body; `chunks` streams the body without a Content-Length."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    body: bytes = b""
    chunks: int = 0
    delay: float = 0.0
    chunk_delay: float = 0.0


@dataclass
class LocalServer:
    """Routes by path, plus every path requested (to prove a refused URL was never requested)."""

    base: str
    routes: dict[str, Route]
    requested: list[str]
    hosts: list[str]

    def url(self, path: str) -> str:
        return self.base + path


def _handler(server_state: dict) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

        def do_GET(self) -> None:
            server_state["requested"].append(self.path)
            server_state["hosts"].append(self.headers.get("Host", ""))
            route: Route | None = server_state["routes"].get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.delay:
                time.sleep(route.delay)
            self.send_response(route.status)
            for key, value in route.headers.items():
                self.send_header(key, value)
            if route.chunks:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for _ in range(route.chunks):
                        time.sleep(route.chunk_delay)
                        self.wfile.flush()
                        self.wfile.write(f"{len(route.body):x}\r\n".encode() + route.body + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            if "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

    return Handler


ARTICLE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Harbour shut after storm | Coast Courier</title>
<meta name="author" content="Jane Roe"><meta property="og:site_name" content="Coast Courier">
<meta property="article:published_time" content="2024-03-05T08:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Harbour shut after storm</h1>
<p>The harbour at Kellmouth was closed on Tuesday after a storm damaged the main pier, the port authority said.</p>
<p>About 300 fishing boats were unable to leave, according to the local fishermen's association, which said that
losses could reach 2 million euros within a month.</p>
<p>Officials said repairs would take several weeks and that the ferry to the islands would run from Dunmore.</p>
<script>document.title = "pwned";</script>
</article><footer>Copyright Coast Courier</footer></body></html>
"""


@contextlib.contextmanager
def serving(tls: ssl.SSLContext | None = None) -> Iterator[LocalServer]:
    """Run an HTTP server (HTTPS with `tls`) on 127.0.0.1 (random port) for the duration of the block."""
    state: dict = {"routes": {}, "requested": [], "hosts": []}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    try:
        scheme = "https" if tls is not None else "http"
        yield LocalServer(f"{scheme}://{host}:{port}", state["routes"], state["requested"], state["hosts"])
    finally:
        httpd.shutdown()
        httpd.server_close()
