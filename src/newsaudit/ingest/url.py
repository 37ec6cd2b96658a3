"""Fetch an article URL safely: http(s) only, public addresses only, manual redirects, timeouts and a size cap."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from newsaudit import __version__
from newsaudit.errors import FetchError
from newsaudit.ingest.text import human_bytes
from newsaudit.settings import Settings

MAX_REDIRECTS = 5
USER_AGENT = f"newsaudit/{__version__} (+offline article audit)"

# Media types an article, a record file or a feed may come as; a missing Content-Type is sniffed instead.
ACCEPTED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/json",
        "application/x-ndjson",
        "application/jsonl",
        "application/json-lines",
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
    }
)

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Fetched:
    """A fetched response body with the final URL (after redirects) and its media type and charset."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def address_problem(ip: str) -> str | None:
    """Why an address must not be fetched without --allow-private-urls ("a loopback address"), or None if public."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return "a loopback address"
    if addr.is_link_local:
        return "a link-local address"
    if addr.is_unspecified:
        return "an unspecified address"
    if addr.is_multicast:
        return "a multicast address"
    if addr.is_reserved:
        return "a reserved address"
    if addr.is_private:
        return "a private address"
    if not addr.is_global:
        return "a non-public address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (system DNS), in resolver order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host}: {getattr(exc, 'strerror', None) or exc}") from None
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"cannot resolve host {host}: no addresses")
    return addresses


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _checked_target(url: str, settings: Settings, resolver: Resolver) -> tuple[httpx.URL, str]:
    """Parse and vet one hop: scheme, host, and every resolved address. Returns the URL and the address to use."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"invalid URL {url}: {exc}") from None
    if not parsed.scheme:
        raise FetchError(f"invalid URL {url}: it needs http:// or https:// in front")
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"refused {url}: only http and https URLs can be fetched, not {parsed.scheme}:")
    host = parsed.host
    if not host:
        raise FetchError(f"invalid URL {url}: no host")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = [host] if _is_ip(host) else resolver(host, port)
    if not settings.allow_private_urls:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                shown = host if address == host else f"{host} ({address})"
                raise FetchError(f"refused {url}: {shown} is {problem} (use --allow-private-urls to allow it)")
    return parsed, addresses[0]


def _media_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            charset = val.strip().strip('"').strip("'") or None
    return media.strip().lower(), charset


def fetch(
    url: str,
    settings: Settings | None = None,
    *,
    resolver: Resolver = resolve,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET `url`, vetting the address of every hop (connecting to the vetted address itself); raise FetchError."""
    settings = settings or Settings()
    timeout = settings.fetch_timeout
    cap = settings.fetch_max_bytes
    deadline = time.monotonic() + timeout
    current = url
    try:
        with httpx.Client(
            transport=transport, timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
        ) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                parsed, address = _checked_target(current, settings, resolver)
                # Connect to the address that was checked (no second DNS lookup), naming the host for HTTP and TLS.
                pinned = parsed.copy_with(host=address)
                headers = {"Host": parsed.netloc.decode("ascii"), "User-Agent": USER_AGENT, "Accept": "*/*"}
                extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise httpx.TimeoutException("deadline passed")
                request = client.build_request(
                    "GET", pinned, headers=headers, extensions=extensions, timeout=httpx.Timeout(remaining)
                )
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    return _read_body(current, url, response, cap, deadline, timeout)
                finally:
                    response.close()
            raise FetchError(f"cannot fetch {url}: more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException:
        raise FetchError(f"cannot fetch {url}: timed out after {timeout:g} s") from None
    except httpx.ConnectError as exc:
        raise FetchError(f"cannot fetch {url}: connection failed ({_reason(exc)})") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot fetch {url}: {type(exc).__name__} ({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _read_body(final: str, url: str, response: httpx.Response, cap: int, deadline: float, timeout: float) -> Fetched:
    if response.status_code >= 400 or response.status_code < 200 or response.is_redirect:
        phrase = response.reason_phrase or ""
        raise FetchError(f"cannot fetch {url}: the server answered HTTP {response.status_code} {phrase}".rstrip())
    media, charset = _media_type(response.headers.get("content-type"))
    if media and media not in ACCEPTED_TYPES:
        raise FetchError(f"cannot fetch {url}: unsupported content type {media} (expected HTML, text, JSON or a feed)")
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > cap:
        raise FetchError(
            f"cannot fetch {url}: the response is {human_bytes(int(length))}, over the {human_bytes(cap)} cap"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > cap:
            raise FetchError(f"cannot fetch {url}: the response is over the {human_bytes(cap)} cap")
        if time.monotonic() > deadline:
            raise FetchError(f"cannot fetch {url}: timed out after {timeout:g} s")
        chunks.append(chunk)
    return Fetched(url=final, content_type=media, charset=charset, body=b"".join(chunks))
