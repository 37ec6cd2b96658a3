"""URL fetching through POST /api/analyze: refused addresses and schemes, redirects, caps; all on loopback only."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from server_helpers import example_text

from newsaudit.ingest import url as url_module
from newsaudit.server.app import create_app
from newsaudit.settings import Settings

ARTICLE_HTML = (
    "<html><head><title>Port story</title></head><body><article>"
    + "".join(f"<p>{p}</p>" for p in example_text().split("\n\n")[1:])
    + "</article></body></html>"
).encode()


class Site:
    """A tiny HTTP server on a loopback address: /article, /big, and /redirect?to=URL."""

    def __init__(self, host: str) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.hits.append(self.path)
                if self.path.startswith("/redirect?to="):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("=", 1)[1])
                    self.end_headers()
                    return
                body = b"<html><body>" + b"<p>padding</p>" * 100_000 + b"</body></html>"
                if self.path == "/article":
                    body = ARTICLE_HTML
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.hits: list[str] = []
        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site("127.0.0.1")
    yield s
    s.close()


@pytest.fixture(scope="module")
def public_site() -> Iterator[Site]:
    """A site on 127.0.0.2 that the tests below treat as a public address (traffic stays on loopback)."""
    s = Site("127.0.0.2")
    yield s
    s.close()


def _client(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(use_models=False, **settings)), raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}/article", "loopback"),
        ("http://127.1.2.3/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:{port}/article", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://localhost:{port}/article", "loopback"),  # refused after DNS resolution
        ("file:///etc/passwd", "only http and https"),
        ("ftp://127.0.0.1/file.txt", "only http and https"),
        ("gopher://127.0.0.1/", "only http and https"),
    ],
)
def test_refused_urls(site: Site, url: str, reason: str) -> None:
    port = site.url.rsplit(":", 1)[1]
    before = len(site.hits)
    with _client() as c:
        r = c.post("/api/analyze", json={"url": url.format(port=port)})
    assert r.status_code == 400, r.text
    assert reason in r.json()["error"]
    assert len(site.hits) == before  # refused before any connection


def test_allow_private_urls_fetches_loopback(site: Site) -> None:
    with _client(allow_private_urls=True) as c:
        r = c.post("/api/analyze", json={"url": site.url + "/article", "outlet": "Loopback Ledger"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert "dockworkers" in data["article"]["text"]
    assert data["article"]["url"] == site.url + "/article"
    assert data["article"]["outlet"] == "Loopback Ledger"


def test_size_cap_applies(site: Site) -> None:
    with _client(allow_private_urls=True, fetch_max_bytes=100_000) as c:
        r = c.post("/api/analyze", json={"url": site.url + "/big"})
    assert r.status_code == 400
    assert "cap" in r.json()["error"]


def test_unreachable_url(site: Site) -> None:
    from newsaudit.server.spawn import free_port

    with _client(allow_private_urls=True, fetch_timeout=2.0) as c:
        r = c.post("/api/analyze", json={"url": f"http://127.0.0.1:{free_port()}/"})
    assert r.status_code == 400
    assert "connection failed" in r.json()["error"]


@pytest.fixture
def treat_127_0_0_2_as_public(monkeypatch: pytest.MonkeyPatch) -> None:
    real = url_module.address_problem
    monkeypatch.setattr(url_module, "address_problem", lambda ip: None if ip == "127.0.0.2" else real(ip))


@pytest.mark.usefixtures("treat_127_0_0_2_as_public")
@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.1:{port}/article", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.1.2.3/", "private"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_redirects_are_checked(site: Site, public_site: Site, target: str, reason: str) -> None:
    port = site.url.rsplit(":", 1)[1]
    before = len(site.hits)
    with _client() as c:
        r = c.post("/api/analyze", json={"url": f"{public_site.url}/redirect?to={target.format(port=port)}"})
        assert r.status_code == 400, r.text
        assert reason in r.json()["error"]
        assert len(site.hits) == before
        # the same "public" site serves its own article fine
        ok = c.post("/api/analyze", json={"url": public_site.url + "/article"})
        assert ok.status_code == 200, ok.text
