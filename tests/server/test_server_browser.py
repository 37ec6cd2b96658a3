"""The pages in a real browser (Debian's headless Chromium via Playwright): audit view, jumps, escaping, docs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_corpus_articles import ARTICLES
from server_helpers import LiveServer, example_text

from newsaudit.outputs.techniques import TECHNIQUES
from newsaudit.server.app import create_app
from newsaudit.settings import Settings

expect = pytest.importorskip("playwright.sync_api").expect

HOSTILE_LINES = [
    "<script>window.__pwned = 'script'; alert('script')</script>",
    '<img src="x" onerror="window.__pwned = \'onerror\'; alert(1)">',
    "<a href=\"javascript:window.__pwned='href';alert(2)\">click me</a>",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    '"><script>window.__pwned = "attr"</script>',
]
HOSTILE = "\n\n".join(HOSTILE_LINES)


def _audit(page: Any, base: str, text: str, title: str = "", outlet: str = "") -> None:
    page.goto(base + "/")
    page.fill("#text", text)
    if title:
        page.fill("#title", title)
    if outlet:
        page.fill("#outlet", outlet)
    page.click("#audit-submit")
    page.wait_for_selector(".na-report")


def _assert_clean(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.outside_requests == []
    hooks = page.evaluate(
        """() => Array.from(document.querySelectorAll('*')).filter(el =>
            Array.from(el.attributes).some(a => a.name.startsWith('on'))).length"""
    )
    assert hooks == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    scripts = page.evaluate(
        "() => Array.from(document.scripts).map(s => s.src ? new URL(s.src).pathname : (s.type || 'inline'))"
    )
    assert all(s.startswith("/") or s == "application/json" for s in scripts), scripts


def test_audit_page_shows_highlights_sources_and_jumps(page: Any, live_server: Any, tmp_path: Path) -> None:
    _audit(page, live_server.url, example_text())
    report = page.locator(".na-report")
    assert page.locator(".na-text .na-seg.na-src").count() > 0
    assert page.locator(".na-panel-sources .na-source").count() > 0
    assert page.locator(".na-panel-quantities").count() == 1
    assert page.locator(".na-toolbar input[data-layer]").count() >= 5
    assert page.locator(".na-legend-item").count() == 14

    # click the last source statement in the panel: the text scrolls to it
    jumps = page.locator(".na-panel-sources .na-jump")
    assert jumps.count() > 1
    last = jumps.nth(jumps.count() - 1)
    ref = last.get_attribute("data-target")
    target = page.locator(f'.na-text .na-seg[data-r~="{ref}"]').first
    page.evaluate("window.scrollTo(0, 0)")
    expect(target).not_to_be_in_viewport()
    last.click()
    expect(target).to_be_in_viewport(timeout=5000)

    # hovering a highlight shows its explanation
    page.locator(".na-text .na-seg.na-src").first.hover()
    tooltip = page.locator(".na-tooltip")
    expect(tooltip).to_be_visible()
    assert "Source" in tooltip.inner_text()

    # technique highlights (when the pipeline finds any) explain the technique on hover
    techs = page.locator(".na-text .na-seg.na-tech")
    if techs.count():
        techs.first.hover()
        expect(tooltip).to_be_visible()
        explanations = [t.explanation for t in TECHNIQUES.values()]
        assert any(e in tooltip.inner_text() for e in explanations)

    # a layer toggle hides that layer
    page.locator('.na-toolbar input[data-layer="source"]').uncheck()
    assert "na-off-source" in (report.get_attribute("class") or "")

    # claims link to the Claim page
    assert page.locator(".claim-lookup").count() > 0

    shot = tmp_path / "audit.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    _assert_clean(page)
    assert page.js_errors == []


def test_hostile_article_runs_nothing(page: Any, live_server: Any) -> None:
    text = example_text() + "\n\n" + HOSTILE
    _audit(page, live_server.url, text, title=HOSTILE_LINES[0], outlet=HOSTILE_LINES[1])
    page.wait_for_timeout(300)
    _assert_clean(page)
    shown = page.locator(".na-text").inner_text()
    assert "<script>window.__pwned = 'script'" in shown
    assert "onerror=" in shown
    assert HOSTILE_LINES[0] in page.locator(".na-head h1").inner_text()
    # clicking the would-be link does nothing either
    page.get_by_text("click me", exact=False).first.click()
    page.wait_for_timeout(200)
    _assert_clean(page)


def test_hostile_html_upload_runs_nothing(page: Any, live_server: Any, tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in example_text().split("\n\n")[1:])
    hostile_html = (
        '<html><head><title>Story <script>window.__pwned="title"</script></title>'
        "<script>window.__pwned='head'</script></head>"
        f"<body onload=\"window.__pwned='body'\"><article>{paragraphs}"
        "<p>Officials said the <b onclick=\"window.__pwned='b'\">harbour</b> would reopen.</p>"
        "<p><a href=\"javascript:window.__pwned='link'\">more</a> &lt;script&gt;window.__pwned=1&lt;/script&gt;</p>"
        "<iframe src=\"javascript:window.top.__pwned='iframe'\"></iframe></article></body></html>"
    )
    upload = tmp_path / "hostile.html"
    upload.write_text(hostile_html, encoding="utf-8")
    page.goto(live_server.url + "/")
    page.set_input_files("#file", str(upload))
    page.click("#audit-submit")
    page.wait_for_selector(".na-report")
    page.wait_for_timeout(300)
    _assert_clean(page)
    assert "<script>window.__pwned=1</script>" in page.locator(".na-text").inner_text()


def test_docs_render_offline(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "newsaudit" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() >= 1
    assert page.outside_requests == []


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("browser-corpus") / "c.db"
    app = create_app(Settings(use_models=False), db)
    hostile = {
        "title": HOSTILE_LINES[0],
        "outlet": HOSTILE_LINES[1],
        "published": "2026-04-02",
        "text": "Officials said the harbour would reopen in May.\n\n" + HOSTILE,
    }
    with TestClient(app) as c:
        for a in [*ARTICLES, hostile]:
            assert c.post("/api/ingest", json=a).status_code == 200
    with LiveServer(create_app(Settings(use_models=False), db)) as server:
        yield server


def test_corpus_charts_article_and_claim_pages(browser: Any, corpus_server: LiveServer, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.route(
        "**/*",
        lambda r: (
            r.continue_() if r.request.url.startswith(corpus_server.url) else (outside.append(r.request.url), r.abort())
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(corpus_server.url + "/corpus")
        page.wait_for_selector('body[data-stats-ready="1"]', timeout=15000)
        assert page.locator("#chart-techniques canvas").count() >= 1
        assert page.locator("#chart-unsourced canvas").count() >= 1
        legend = page.locator("#chart-techniques .u-legend").inner_text()
        assert "Coastal Ledger" in legend and "Harbour TV" in legend
        assert page.locator("#stats-table tbody tr").count() == 4
        assert page.locator("#articles tbody tr").count() == 5
        assert HOSTILE_LINES[1] in page.locator("#stats-table").inner_text()  # shown as text, not markup
        shot = tmp_path / "corpus.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000

        page.select_option("select[name=source_kind]", "vague")
        page.click("#filters button[type=submit]")
        page.wait_for_load_state()
        assert "source_kind=vague" in page.url
        assert page.locator("#articles tbody tr").count() < 5

        page.goto(corpus_server.url + "/corpus")
        page.get_by_role("link", name="Dockers fear for their jobs").click()
        page.wait_for_selector(".na-report")
        page.locator(".claim-lookup").first.click()
        page.wait_for_selector(".timeline li")
        assert page.locator(".timeline li").count() >= 3
        assert page.locator("#similar tbody tr").count() >= 2
        page.goto(corpus_server.url + "/corpus")
        page.get_by_role("link", name=HOSTILE_LINES[0]).click()
        page.wait_for_selector(".na-report")
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img[onerror], [onload], a[href^='javascript:' i]").count() == 0
        assert outside == [] and errors == [] and dialogs == []
    finally:
        context.close()
