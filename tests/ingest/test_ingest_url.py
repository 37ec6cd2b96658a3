"""URL fetching: schemes, address checks after DNS and after every redirect, timeouts, size cap, content types.

Only loopback is ever contacted: a local http.server for real requests, httpx.MockTransport for hops that
pretend to be public hosts (the resolver is faked, so no DNS and no network).
"""

from __future__ import annotations

import socket
import ssl

import httpx
import pytest
from ingest_http import Route, serving

from newsaudit.errors import FetchError
from newsaudit.ingest.url import address_problem, fetch
from newsaudit.settings import Settings

PRIVATE_OK = Settings(allow_private_urls=True, fetch_timeout=5.0)
PUBLIC_ONLY = Settings(fetch_timeout=5.0)
PAGE = b"<html><body><article><p>The harbour was closed on Tuesday, officials said.</p></article></body></html>"


@pytest.mark.parametrize(
    ("ip", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_non_public_addresses_are_named(ip: str, problem: str) -> None:
    assert problem in (address_problem(ip) or "")


@pytest.mark.parametrize("ip", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(ip: str) -> None:
    assert address_problem(ip) is None


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a.txt", "gopher://example.com/", "data://text/plain,hi"]
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url, PRIVATE_OK)


def test_a_url_without_a_scheme_says_what_it_needs() -> None:
    with pytest.raises(FetchError, match=r"invalid URL example.org/news: it needs http:// or https:// in front"):
        fetch("example.org/news", PRIVATE_OK)


def test_loopback_is_refused_by_default_and_never_requested(local_server) -> None:
    local_server.routes["/a"] = Route(body=PAGE)
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 is a loopback address \(use --allow-private-urls"):
        fetch(local_server.url("/a"), PUBLIC_ONLY)
    assert local_server.requested == []


@pytest.mark.parametrize(
    ("addresses", "problem"),
    [(["10.0.0.5"], "private"), (["93.184.216.34", "127.0.0.1"], "loopback"), (["169.254.169.254"], "link-local")],
)
def test_hostnames_are_checked_after_dns(addresses: list[str], problem: str) -> None:
    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a refused host was contacted")

    with pytest.raises(FetchError, match=rf"intranet\.example \(.*\) is a {problem}"):
        fetch(
            "http://intranet.example/doc",
            PUBLIC_ONLY,
            resolver=lambda host, port: addresses,
            transport=httpx.MockTransport(never),
        )


FAKE_DNS = {"news.example": ["93.184.216.34"], "cdn.example": ["93.184.216.35"], "internal.example": ["10.1.2.3"]}


def _fake_resolve(host: str, port: int) -> list[str]:
    return FAKE_DNS[host]


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://127.0.0.1:8080/admin", "127.0.0.1 is a loopback address"),
        ("http://[::1]/admin", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://internal.example/secret", r"internal.example \(10.1.2.3\) is a private address"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_every_redirect_is_checked(location: str, message: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": location})

    with pytest.raises(FetchError, match=message):
        fetch("http://news.example/story", PUBLIC_ONLY, resolver=_fake_resolve, transport=httpx.MockTransport(handler))
    assert len(seen) == 1
    # The connection goes to the vetted address itself (no second DNS lookup), naming the host in the header.
    assert seen[0].url.host == "93.184.216.34"
    assert seen[0].headers["Host"] == "news.example"


def test_public_redirect_chain_is_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["Host"] == "news.example":
            return httpx.Response(301, headers={"Location": "https://cdn.example/final"})
        assert request.url.host == "93.184.216.35"
        assert request.extensions.get("sni_hostname") == "cdn.example"
        return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, content=PAGE)

    fetched = fetch(
        "http://news.example/s", PUBLIC_ONLY, resolver=_fake_resolve, transport=httpx.MockTransport(handler)
    )
    assert fetched.url == "https://cdn.example/final"
    assert fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"
    assert fetched.body == PAGE


def test_redirect_loops_stop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "/again"})

    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch("http://news.example/s", PUBLIC_ONLY, resolver=_fake_resolve, transport=httpx.MockTransport(handler))


def test_local_fetch_with_relative_redirect(local_server) -> None:
    local_server.routes["/old"] = Route(status=302, headers={"Location": "/new"})
    local_server.routes["/new"] = Route(body=PAGE)
    fetched = fetch(local_server.url("/old"), PRIVATE_OK)
    assert fetched.body == PAGE
    assert fetched.url == local_server.url("/new")
    assert local_server.requested == ["/old", "/new"]
    assert local_server.hosts[0] == local_server.base.removeprefix("http://")


def test_unsupported_content_type(local_server) -> None:
    local_server.routes["/img"] = Route(headers={"Content-Type": "image/png"}, body=b"\x89PNG")
    with pytest.raises(FetchError, match="unsupported content type image/png"):
        fetch(local_server.url("/img"), PRIVATE_OK)


def test_declared_size_over_the_cap(local_server) -> None:
    local_server.routes["/big"] = Route(body=b"a" * 5000)
    with pytest.raises(FetchError, match=r"the response is 5 kB, over the 1 kB cap"):
        fetch(local_server.url("/big"), Settings(allow_private_urls=True, fetch_max_bytes=1000))


def test_streamed_size_over_the_cap(local_server) -> None:
    local_server.routes["/stream"] = Route(body=b"b" * 1000, chunks=50)  # 50 kB, no Content-Length
    with pytest.raises(FetchError, match="over the 10 kB cap"):
        fetch(local_server.url("/stream"), Settings(allow_private_urls=True, fetch_max_bytes=10_000))


def test_http_errors(local_server) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(local_server.url("/missing"), PRIVATE_OK)


def test_timeout(local_server) -> None:
    local_server.routes["/slow"] = Route(body=PAGE, delay=1.5)
    with pytest.raises(FetchError, match=r"timed out after 0\.3 s"):
        fetch(local_server.url("/slow"), Settings(allow_private_urls=True, fetch_timeout=0.3))


def test_slow_drip_hits_the_whole_fetch_deadline(local_server) -> None:
    # Each chunk arrives well within the per-read timeout; only the overall deadline stops the fetch.
    local_server.routes["/drip"] = Route(body=b"<p>x</p>", chunks=40, chunk_delay=0.1)
    with pytest.raises(FetchError, match=r"timed out after 0\.8 s"):
        fetch(local_server.url("/drip"), Settings(allow_private_urls=True, fetch_timeout=0.8))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_url() -> None:
    with pytest.raises(FetchError, match="connection failed"):
        fetch(f"http://127.0.0.1:{closed_port()}/", PRIVATE_OK)


def test_unresolvable_host() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise FetchError(f"cannot resolve host {host}: Name or service not known")

    with pytest.raises(FetchError, match=r"cannot resolve host nowhere\.invalid"):
        fetch("http://nowhere.invalid/", PUBLIC_ONLY, resolver=fail)


def test_invalid_url() -> None:
    with pytest.raises(FetchError, match=r"no host|invalid URL"):
        fetch("http:///nohost", PUBLIC_ONLY)


@pytest.mark.parametrize(("cert_host", "ok"), [("news.example", True), ("other.example", False)])
def test_https_to_the_pinned_address_verifies_the_hostname(cert_host: str, ok: bool) -> None:
    """The connection goes to the checked IP, yet TLS still sends and verifies the original host name."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(cert_host).configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    with serving(tls=server_ctx) as server:
        server.routes["/a"] = Route(body=PAGE)
        port = server.base.rsplit(":", 1)[1]
        url = f"https://news.example:{port}/a"
        transport = httpx.HTTPTransport(verify=client_ctx)
        resolver = lambda host, p: ["127.0.0.1"]  # noqa: E731
        if ok:
            fetched = fetch(url, PRIVATE_OK, resolver=resolver, transport=transport)
            assert fetched.body == PAGE
            assert server.hosts == [f"news.example:{port}"]
        else:
            with pytest.raises(FetchError, match=r"connection failed .*certificate"):
                fetch(url, PRIVATE_OK, resolver=resolver, transport=transport)
