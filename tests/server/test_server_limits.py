"""Request limits: the body-size cap (413), the bounded worker pool (503 + Retry-After) and write tokens."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from server_helpers import LiveServer

from newsaudit.document import Document
from newsaudit.server.app import create_app
from newsaudit.server.limits import PoolFull, ServiceEstimate, WorkerPool
from newsaudit.settings import Settings


def test_declared_body_over_cap_is_413() -> None:
    app = create_app(Settings(use_models=False), max_body_bytes=10_000)
    with TestClient(app) as c:
        r = c.post("/api/analyze", json={"text": "word " * 3000})
        assert r.status_code == 413
        assert "10000-byte limit" in r.json()["error"]
        assert c.post("/api/analyze", json={"text": "The mayor said 40 people came."}).status_code == 200


def test_streamed_body_over_cap_is_413() -> None:
    """A chunked body with no Content-Length is counted as it arrives."""
    app = create_app(Settings(use_models=False), max_body_bytes=10_000)

    def chunks():
        yield b'{"text": "'
        for _ in range(50):
            yield b"x" * 1000
        yield b'"}'

    with LiveServer(app) as server:
        r = httpx.post(server.url + "/api/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "limit" in r.json()["error"]


def test_default_cap_is_2mb(client: TestClient) -> None:
    r = client.post("/api/analyze", json={"text": "a" * 2_100_000})
    assert r.status_code == 413


def test_pool_refuses_beyond_capacity() -> None:
    """The hard bound (workers + queue) holds even when the latency budget would admit more."""
    pool = WorkerPool(workers=1, queue=1, max_latency=1000)
    pool.admission.estimates["other"] = ServiceEstimate(mean=0.01)  # learnt: "other" jobs are quick
    gate = threading.Event()

    async def scenario() -> list[object]:
        first = asyncio.ensure_future(pool.run(gate.wait, 5))
        second = asyncio.ensure_future(pool.run(gate.wait, 5))
        await asyncio.sleep(0.05)
        assert pool.admitted == 2
        with pytest.raises(PoolFull):
            await pool.run(time.sleep, 0)
        gate.set()
        done = await asyncio.gather(first, second)
        assert pool.admitted == 0
        done.append(await pool.run(lambda: "again"))  # slots are given back
        return done

    try:
        assert asyncio.run(scenario()) == [True, True, "again"]
    finally:
        pool.shutdown()


def test_full_pool_answers_503_with_retry_after() -> None:
    app = create_app(Settings(use_models=False), workers=1, queue=0)
    gate = threading.Event()
    started = threading.Event()

    def slow(_item: object) -> Document:
        started.set()
        gate.wait(10)
        return Document(text="done")

    with LiveServer(app) as server:
        app.state.newsaudit.analyze = slow  # after start-up, so that the warm-up analysis is the real one
        results: list[int] = []
        t = threading.Thread(
            target=lambda: results.append(httpx.post(server.url + "/api/analyze", json={"text": "a b"}).status_code)
        )
        t.start()
        assert started.wait(10)
        r = httpx.post(server.url + "/api/analyze", json={"text": "a b"})
        assert r.status_code == 503
        assert r.headers["retry-after"] == "1"
        assert "busy" in r.json()["error"]
        page = httpx.post(server.url + "/audit", data={"text": "The mayor said 40 people came."})
        assert page.status_code == 503 and page.headers["retry-after"] == "1"
        assert "text/html" in page.headers["content-type"] and "busy" in page.text
        gate.set()
        t.join(10)
        assert results == [200]
        app.state.newsaudit.analyze = lambda item: Document(text="done")
        for _ in range(3):  # the refused callers were promised the next slots: come back when told to
            r = httpx.post(server.url + "/audit", data={"text": "x"})
            if r.status_code != 503:
                break
            time.sleep(float(r.headers["retry-after"]))
        assert r.status_code == 200  # not full any more: the slot was given back


def test_write_token_is_checked() -> None:
    from fastapi.security import HTTPAuthorizationCredentials
    from starlette.exceptions import HTTPException

    check = create_app(Settings(use_models=False), host="0.0.0.0", token="s3cret").state.require_write_token
    for bad in (None, HTTPAuthorizationCredentials(scheme="Bearer", credentials="wrong")):
        with pytest.raises(HTTPException) as info:
            check(bad)
        assert info.value.status_code == 401
    check(HTTPAuthorizationCredentials(scheme="Bearer", credentials="s3cret"))
    open_app = create_app(Settings(use_models=False))  # loopback without a token: writes are open
    open_app.state.require_write_token(None)
