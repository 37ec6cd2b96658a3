"""The analysis API: JSON contract, one-line JSON errors with proper status codes, offline docs, page escaping."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_helpers import example_text

from newsaudit.document import Document
from newsaudit.errors import FetchError, InputError, ModelError, QueryError, StoreError
from newsaudit.server.app import create_app, error_status, is_loopback_host
from newsaudit.settings import Settings


def test_analyze_text_returns_the_contract(client: TestClient) -> None:
    text = example_text()
    r = client.post("/api/analyze", json={"text": text, "outlet": "Test Outlet", "title": "A title"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["schema"] == "newsaudit/1"
    assert data["article"]["text"] == text
    assert data["article"]["outlet"] == "Test Outlet"
    assert data["article"]["title"] == "A title"
    assert data["attributions"] and data["sentences"]
    doc = Document.from_dict(data)
    doc.check_offsets()
    for layer in ("claims", "quantities", "techniques"):
        for item in data[layer]:
            assert text[item["start"] : item["end"]] == item["text"]


def test_analyze_html(client: TestClient) -> None:
    body = "".join(f"<p>{p}</p>" for p in example_text().split("\n\n")[1:])
    page = f"<html><head><title>Port story</title></head><body><nav>Home</nav><article>{body}</article></body></html>"
    r = client.post("/api/analyze", json={"html": page})
    assert r.status_code == 200, r.text
    data = r.json()
    assert "dockworkers" in data["article"]["text"]
    assert "<p>" not in data["article"]["text"]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"text": "   "}, 422, "empty"),
        ({}, 422, "exactly one"),
        ({"text": "a", "url": "http://example.org/"}, 422, "exactly one"),
        ({"text": 5}, 422, "text"),
        ({"text": "x", "colour": "red"}, 422, "colour"),
        ({"html": "<html><body><nav>menu</nav></body></html>"}, 422, "no article"),
        ({"url": "file:///etc/passwd"}, 400, "http"),
    ],
)
def test_bad_input_is_one_line_json(client: TestClient, body: dict, status: int, fragment: str) -> None:
    r = client.post("/api/analyze", json=body)
    assert r.status_code == status, r.text
    data = r.json()
    assert set(data) == {"error"}
    assert "\n" not in data["error"]
    assert fragment in data["error"]


def test_malformed_json_body(client: TestClient) -> None:
    r = client.post("/api/analyze", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "error" in r.json()


def test_unknown_route_and_method(client: TestClient) -> None:
    assert client.get("/api/nothing-here").json() == {"error": "Not Found"}
    r = client.get("/api/analyze")
    assert r.status_code == 405 and "error" in r.json()


def test_error_status_mapping() -> None:
    assert error_status(FetchError("x")) == 400
    assert error_status(QueryError("x")) == 400
    assert error_status(InputError("x")) == 422
    assert error_status(StoreError("x")) == 503
    assert error_status(ModelError("x")) == 500


def test_internal_errors_are_json_500(app, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_item: object) -> Document:
        raise RuntimeError("secret detail\nwith a traceback")

    monkeypatch.setattr(app.state.newsaudit, "analyze", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/api/analyze", json={"text": "Anything at all."})
    assert r.status_code == 500
    assert r.json() == {"error": "internal error: RuntimeError"}


def test_docs_are_offline(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    srcs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert srcs and all(s.startswith("/") for s in srcs), srcs
    for s in srcs:
        assert client.get(s).status_code == 200, s
    spec = client.get("/openapi.json").json()
    assert "/api/analyze" in spec["paths"]


def test_loopback_hosts() -> None:
    assert is_loopback_host("127.0.0.1") and is_loopback_host("localhost") and is_loopback_host("::1")
    assert is_loopback_host("[::1]") and is_loopback_host("127.8.0.1")
    assert not is_loopback_host("0.0.0.0") and not is_loopback_host("192.168.1.5")
    assert not is_loopback_host("example.org")


def test_non_loopback_needs_a_token() -> None:
    with pytest.raises(InputError, match="token"):
        create_app(Settings(), host="0.0.0.0")
    create_app(Settings(), host="0.0.0.0", token="s3cret")  # with a token it builds


def test_pages_have_a_strict_csp(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/assets/report.js").status_code == 200
    assert client.get("/assets/report.css").status_code == 200


HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a>'


def test_audit_form_escapes_text_and_metadata(client: TestClient) -> None:
    text = example_text() + "\n\n" + HOSTILE + " The mayor said 40 people came."
    r = client.post("/audit", data={"text": text, "title": HOSTILE, "outlet": HOSTILE, "url": ""})
    assert r.status_code == 200, r.text[:500]
    html = r.text
    assert "<script>window.__pwned" not in html
    assert 'onerror="alert' not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_audit_form_errors_render_the_page(client: TestClient) -> None:
    r = client.post("/audit", data={"text": "", "url": ""})
    assert r.status_code == 422
    assert "paste an article" in r.text
    r = client.post("/audit", data={"text": "Some text here.", "url": "http://127.0.0.1/"})
    assert r.status_code == 422 and "only one" in r.text
    r = client.post("/audit", data={"url": "http://127.0.0.1:9/"})
    assert r.status_code == 400 and "loopback" in r.text


def test_audit_upload(client: TestClient) -> None:
    data = example_text().encode("utf-8")
    r = client.post("/audit", files={"file": ("harbour.txt", data, "text/plain")}, data={"text": "", "url": ""})
    assert r.status_code == 200, r.text[:300]
    assert 'class="na-report"' in r.text
    r = client.post("/audit", files={"file": ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")})
    assert r.status_code == 422 and "PNG" in r.text


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=400).filter(lambda s: s.strip()))
def test_any_text_round_trips_through_the_api(client: TestClient, text: str) -> None:
    r = client.post("/api/analyze", json={"text": text})
    if r.status_code != 200:  # e.g. control-character junk is refused as not text: still one line, 4xx
        assert r.status_code == 422 and "\n" not in r.json()["error"]
        return
    data = r.json()
    assert data["article"]["text"] == text
    Document.from_dict(data).check_offsets()


@pytest.mark.parametrize(
    ("content", "content_type", "status", "fragment"),
    [
        (b"{not json", "application/json", 422, "not valid JSON (Expecting property name"),
        (b"", "application/json", 422, "body is empty"),
        (b'{"text": "The mayor said 40 people came."}', "text/plain", 422, "Content-Type: application/json"),
        (b'["The mayor said 40 people came."]', "application/json", 422, "must be a JSON object"),
        (b"null", "application/json", 422, "must be a JSON object"),
        (b'{"text": "caf\xe9 said the mayor"}', "application/json", 400, "not valid UTF-8"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_named(
    client: TestClient, content: bytes, content_type: str, status: int, fragment: str
) -> None:
    """Not FastAPI's "Field required", "1: JSON decode error" or "There was an error parsing the body"."""
    r = client.post("/api/analyze", content=content, headers={"content-type": content_type})
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error"} and fragment in r.json()["error"]


@pytest.mark.parametrize("field", ["text", "title", "outlet"])
def test_a_lone_surrogate_is_422_not_500(client: TestClient, field: str) -> None:
    """JSON can spell "\\ud800" alone; such a str cannot be encoded, so it used to fail with a 500 at the end."""
    body = {"text": "The mayor said 40 people came.", field: "The mayor \ud800 said 40 people came."}
    content = json.dumps(body).encode()  # ASCII JSON with the escape "\\ud800"
    r = client.post("/api/analyze", content=content, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert field in r.json()["error"] and "surrogate" in r.json()["error"]


def test_an_empty_url_is_named(client: TestClient) -> None:
    r = client.post("/api/analyze", json={"url": "  "})
    assert r.status_code == 422 and r.json() == {"error": "the URL is empty"}


def test_audit_form_takes_a_field_over_1mb_and_renders_unreadable_forms(client: TestClient) -> None:
    """Starlette caps a form field at 1 MB by default: the page's own form refused what the API accepts (2 MB cap)."""
    text = "The port is closed. " * 60_000  # 1.2 MB
    r = client.post("/audit", data={"text": text}, files={"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 200 and 'class="na-report"' in r.text
    r = client.post("/audit", content=b"garbage", headers={"content-type": "multipart/form-data; boundary=XX"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "the form could not be read" in r.text and 'id="audit-form"' in r.text


def test_audit_form_keeps_a_leading_newline_of_the_text(client: TestClient) -> None:
    """HTML drops one newline right after <textarea>: shown back, the text must be the text that was analysed."""
    text = "\n\nThe mayor said 40 people came."
    r = client.post("/audit", data={"text": text})
    assert r.status_code == 200
    shown = re.search(r'<textarea id="text"[^>]*>\n(.*?)</textarea>', r.text, re.S)
    assert shown is not None and shown.group(1) == text
