"""The corpus API and pages over a real `Corpus` (SQLite in tmp_path): list, search, match, trace, stats, writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from server_corpus_articles import ARTICLES, CLAIM

from newsaudit.errors import StoreError
from newsaudit.server.app import create_app
from newsaudit.settings import Settings

SETTINGS = Settings(use_models=False)


@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, list[int]]]:
    db = tmp_path_factory.mktemp("corpus") / "test.db"
    with TestClient(create_app(SETTINGS, db), raise_server_exceptions=False) as c:
        ids = []
        for article in ARTICLES:
            r = c.post("/api/ingest", json=article)
            assert r.status_code == 200, r.text
            assert r.json()["added"] is True
            ids.append(r.json()["id"])
        yield c, ids


def test_ingest_is_idempotent(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, ids = corpus_client
    r = c.post("/api/ingest", json=ARTICLES[1])
    assert r.json() == {"id": ids[1], "added": False}
    assert c.get("/api/articles").json()["total"] == len(ARTICLES)


def test_articles_list_filters_and_paging(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, _ = corpus_client
    page = c.get("/api/articles").json()
    assert page["total"] == 4 and len(page["articles"]) == 4
    assert c.get("/api/articles", params={"outlet": "coastal ledger"}).json()["total"] == 2
    assert c.get("/api/articles", params={"since": "2026-04-01"}).json()["total"] == 2
    one = c.get("/api/articles", params={"limit": 1, "offset": 1}).json()
    assert one["total"] == 4 and len(one["articles"]) == 1
    assert one["articles"][0]["id"] == page["articles"][1]["id"]
    r = c.get("/api/articles", params={"since": "last tuesday"})
    assert r.status_code == 400 and "since" in r.json()["error"]
    r = c.get("/api/articles", params={"technique": "Nonsense"})
    assert r.status_code == 400 and "unknown technique" in r.json()["error"]
    assert c.get("/api/articles", params={"limit": 0}).status_code == 422


def test_article_by_id(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, ids = corpus_client
    data = c.get(f"/api/articles/{ids[0]}").json()
    assert data["document"]["article"]["text"] == ARTICLES[0]["text"]
    assert data["outlet"] == "Coastal Ledger" and data["claim_ids"]
    r = c.get("/api/articles/999999")
    assert r.status_code == 404 and r.json() == {"error": "no article with id 999999"}
    assert c.get("/api/articles/abc").status_code == 422


def test_search(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, ids = corpus_client
    data = c.get("/api/search", params={"q": "cod quotas"}).json()
    assert [h["article_id"] for h in data["articles"]] == [ids[3]]
    r = c.get("/api/search", params={"q": "   "})
    assert r.status_code == 400


def test_match_and_trace(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, ids = corpus_client
    r = c.post("/api/match", json={"text": CLAIM.capitalize() + ".", "k": 5})
    assert r.status_code == 200, r.text
    hits = r.json()["matches"][0]["claims"]
    assert {h["article_id"] for h in hits[:3]} == set(ids[:3])
    claim_id = c.get(f"/api/articles/{ids[0]}").json()["claim_ids"][0]
    assert c.get(f"/api/claims/{claim_id}").json()["article_id"] == ids[0]
    by_id = c.post("/api/match", json={"claim_id": claim_id}).json()
    assert by_id["matches"][0]["claims"]
    assert all(h["article_id"] != ids[0] for h in by_id["matches"][0]["claims"])  # claims of *other* articles
    trace = c.get(f"/api/claims/{claim_id}/trace").json()
    outlets = [o["outlet"] for o in trace["outlets"]]
    assert outlets[:3] == ["Coastal Ledger", "Harbour TV", "Capital Post"]  # ordered by first date
    assert c.get("/api/claims/999999/trace").status_code == 404
    assert c.post("/api/match", json={"claim_id": 999999}).status_code == 404
    assert c.post("/api/match", json={"text": "x", "claim_id": 1}).status_code == 422
    assert c.post("/api/match", json={"text": "  "}).status_code == 400


def test_stats(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, _ = corpus_client
    stats = c.get("/api/stats").json()
    by_name = {o["outlet"]: o for o in stats["outlets"]}
    assert by_name["Coastal Ledger"]["overall"]["articles"] == 2
    assert set(by_name["Coastal Ledger"]["months"]) == {"2026-03", "2026-04"}
    assert "techniques_per_1k_words" in by_name["Harbour TV"]["overall"]


def test_pages(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, ids = corpus_client
    r = c.get("/corpus")
    assert r.status_code == 200 and r.text.count("data-article=") == 4
    r = c.get("/corpus", params={"outlet": "Harbour TV", "q": "basin"})
    assert r.status_code == 200 and r.text.count("data-article=") == 1 and 'id="search-hits"' in r.text
    assert c.get("/corpus", params={"since": "bad"}).status_code == 400
    r = c.get(f"/articles/{ids[1]}")
    assert r.status_code == 200 and 'class="na-report"' in r.text and "/claims/" in r.text
    assert c.get("/articles/999999").status_code == 404
    claim_id = c.get(f"/api/articles/{ids[0]}").json()["claim_ids"][0]
    r = c.get(f"/claims/{claim_id}")
    assert r.status_code == 200 and 'class="timeline"' in r.text and "Harbour TV" in r.text
    r = c.get("/claim", params={"text": CLAIM})
    assert r.status_code == 200 and "Capital Post" in r.text


def test_delete(tmp_path: Path) -> None:
    with TestClient(create_app(SETTINGS, tmp_path / "d.db")) as c:
        article_id = c.post("/api/ingest", json=ARTICLES[3]).json()["id"]
        assert c.delete(f"/api/articles/{article_id}").json() == {"id": article_id, "deleted": True}
        assert c.delete(f"/api/articles/{article_id}").status_code == 404
        assert c.get("/api/articles").json()["total"] == 0


def test_write_endpoints_need_the_token_off_loopback(tmp_path: Path) -> None:
    app = create_app(SETTINGS, tmp_path / "t.db", token="s3cret", host="0.0.0.0")
    with TestClient(app) as c:
        r = c.post("/api/ingest", json=ARTICLES[3])
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.post("/api/ingest", json=ARTICLES[3], headers={"Authorization": "Bearer nope"}).status_code == 401
        r = c.post("/api/ingest", json=ARTICLES[3], headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200
        article_id = r.json()["id"]
        assert c.delete(f"/api/articles/{article_id}").status_code == 401
        assert c.get("/api/articles").json()["total"] == 1  # reads need no token
        assert c.delete(f"/api/articles/{article_id}", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_no_corpus_is_503(client: TestClient) -> None:
    r = client.get("/api/articles")
    assert r.status_code == 503 and "--db" in r.json()["error"]
    assert client.get("/corpus").status_code == 503


def test_corrupt_corpus_fails_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as info:
        create_app(SETTINGS, bad)
    assert "\n" not in str(info.value)


def test_hostile_metadata_is_escaped(tmp_path: Path) -> None:
    hostile = {
        **ARTICLES[3],
        "title": "<script>window.__pwned=1</script>",
        "outlet": '<img src=x onerror="alert(1)">',
    }
    with TestClient(create_app(SETTINGS, tmp_path / "h.db")) as c:
        article_id = c.post("/api/ingest", json=hostile).json()["id"]
        for path in ("/corpus", f"/articles/{article_id}"):
            html = c.get(path).text
            assert "<script>window.__pwned" not in html and "<img src=x" not in html
            assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_ingest_by_url_uses_the_safe_fetcher(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, _ = corpus_client
    for url, reason in (("http://169.254.169.254/latest/", "link-local"), ("file:///etc/passwd", "http")):
        r = c.post("/api/ingest", json={"url": url})
        assert r.status_code == 400 and reason in r.json()["error"]
    assert c.get("/api/articles").json()["total"] == len(ARTICLES)


def test_ids_beyond_sqlite_integers_are_422_not_500(corpus_client: tuple[TestClient, list[int]]) -> None:
    """A 64-bit SQLite INTEGER cannot bind 2**63: such ids and offsets used to end in an OverflowError (500)."""
    c, _ = corpus_client
    big = 2**63
    for method, path in [
        ("GET", f"/api/articles/{big}"),
        ("GET", f"/api/claims/{big}"),
        ("GET", f"/api/claims/{big}/trace"),
        ("DELETE", f"/api/articles/{big}"),
        ("GET", f"/api/articles?offset={big}"),
        ("GET", f"/articles/{big}"),
        ("GET", f"/claims/{big}"),
    ]:
        r = c.request(method, path)
        assert r.status_code == 422, (path, r.text)
        assert "9223372036854775807" in r.json()["error"]
    assert c.get(f"/api/articles/{2**63 - 1}").status_code == 404
    r = c.post("/api/match", json={"claim_id": 10**30})
    assert r.status_code == 422 and "claim_id" in r.json()["error"]
    r = c.get("/corpus", params={"offset": str(10**30)})
    assert r.status_code == 200 and "No articles match." in r.text
    assert c.get("/api/articles").json()["total"] == len(ARTICLES)


def test_match_body_is_checked_strictly(corpus_client: tuple[TestClient, list[int]]) -> None:
    c, _ = corpus_client
    r = c.post("/api/match", json={"claim_id": True})  # not claim 1
    assert r.status_code == 422 and "claim_id" in r.json()["error"]
    r = c.post(
        "/api/match", content=b'{"text": "the basin \\ud800 is closed"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and "surrogate" in r.json()["error"]
    r = c.get("/api/trace", params={"text": CLAIM, "threshold": "nan"})
    assert r.status_code == 422 and "finite" in r.json()["error"]


def test_writes_from_another_sites_page_are_refused(tmp_path: Path) -> None:
    """On loopback (no token) a DNS-rebinding page is same-origin: its browser's Origin header gives it away."""
    with TestClient(create_app(SETTINGS, tmp_path / "o.db")) as c:
        article_id = c.post("/api/ingest", json=ARTICLES[3]).json()["id"]
        for origin in ("http://attacker.example:8000", "null", "http://[::1"):
            r = c.delete(f"/api/articles/{article_id}", headers={"Origin": origin})
            assert r.status_code == 403 and "web page" in r.json()["error"]
            r = c.post("/api/ingest", json=ARTICLES[0], headers={"Origin": origin})
            assert r.status_code == 403
        assert c.get("/api/articles").json()["total"] == 1
        r = c.delete(f"/api/articles/{article_id}", headers={"Origin": "http://127.0.0.1:8000"})
        assert r.status_code == 200  # the server's own pages, and clients that send no Origin, may write
