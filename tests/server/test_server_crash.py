"""SIGKILL the server during ingests through the API, restart it: every acknowledged article is there, once."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from server_corpus_articles import ARTICLES

from newsaudit.server.spawn import free_port, spawn_server


def _article(i: int) -> dict[str, str]:
    base = ARTICLES[i % len(ARTICLES)]
    return {**base, "text": f"{base['text']} This is dispatch number {i} from the harbour desk."}


def _start(db: Path, port: int) -> subprocess.Popen[bytes]:
    return spawn_server(["--db", str(db)], port, global_args=["--no-models"], timeout=60)


@pytest.mark.slow
def test_sigkill_during_ingest_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(db, port)
    acked: dict[int, int] = {}  # article number -> id, answered 200 before the kill
    in_flight: set[int] = set()
    attempted: set[int] = set()
    lock = threading.Lock()
    counter = iter(range(10_000))
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                with lock:
                    i = next(counter)
                    attempted.add(i)
                    in_flight.add(i)
                try:
                    r = http.post(url + "/api/ingest", json=_article(i))
                except httpx.HTTPError:
                    return  # the server is gone
                with lock:
                    in_flight.discard(i)
                    if r.status_code == 200:
                        acked[i] = r.json()["id"]
                    else:
                        raise AssertionError(r.text)

    threads = [threading.Thread(target=client) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        with lock:
            busy_at_kill = set(in_flight)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        stop.set()
        for t in threads:
            t.join(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(acked) >= 8, "too few ingests before the time limit"
    assert busy_at_kill, "the kill should land while ingests are in flight"

    proc = _start(db, port)
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            page = http.get("/api/articles", params={"limit": 1000}).json()
            stored = {a["id"] for a in page["articles"]}
            assert page["total"] == len(stored)
            for i, article_id in acked.items():
                assert article_id in stored, f"acknowledged article {i} (id {article_id}) was lost"
                doc = http.get(f"/api/articles/{article_id}").json()["document"]
                assert doc["article"]["text"] == _article(i)["text"]
            texts = [http.get(f"/api/articles/{a}").json()["document"]["article"]["text"] for a in stored]
            assert len(texts) == len(set(texts)), "an article is stored twice"
            # everything the clients tried, sent again: acknowledged ones come back with their id, none twice
            for i in sorted(attempted):
                r = http.post("/api/ingest", json=_article(i)).json()
                if i in acked:
                    assert r == {"id": acked[i], "added": False}
            assert http.get("/api/articles", params={"limit": 1000}).json()["total"] == len(attempted)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
