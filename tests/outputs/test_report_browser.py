"""The HTML report in a real headless Chromium: nothing from a hostile article runs; jumping to a source works."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_output_html import hostile_document

from newsaudit.document import Document
from newsaudit.outputs import html as report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def page():
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1300, "height": 900})
        yield pg
        browser.close()


def test_hostile_report_runs_nothing(page, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    path = tmp_path / "hostile.html"
    path.write_text(report.render(hostile_document()), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_timeout(300)
    page.hover(".na-text .na-seg")  # tooltips build DOM from data: still no markup may run
    page.click(".na-jump")
    page.wait_for_timeout(200)
    assert dialogs == []
    assert page.locator(".na-text img, .na-text script, .na-text svg, .na-head iframe").count() == 0
    assert page.eval_on_selector(".na-text", "e => e.textContent") == hostile_document().text
    assert page.locator("[data-na-bound]").count() == 1  # our own script did run


def test_click_source_flashes_its_content_and_toggles_hide_layers(page, tmp_path: Path, example_doc: Document) -> None:
    path = tmp_path / "example.html"
    path.write_text(report.render(example_doc), encoding="utf-8")
    page.goto(path.as_uri())
    page.click('.na-jump[data-target="a3"]')
    flashed = page.locator(".na-seg.na-flash")
    assert flashed.count() >= 1
    assert "the ministry knew about the cracks for years" in "".join(flashed.all_inner_texts())
    page.click(".na-text .na-src.na-k-vague")  # and back: the text shows its entry in the sources panel
    assert page.get_attribute(".na-jump.na-flash-item", "data-target") == "a3"
    page.uncheck('input[data-layer="technique"]')
    assert "na-off-technique" in (page.get_attribute(".na-report", "class") or "")
    page.hover(".na-qty.na-unsourced")
    assert "UNSOURCED" in page.inner_text(".na-tooltip")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)


def test_fragment_inserted_later_is_bound_by_init(page, example_doc: Document) -> None:
    page.set_content(
        f"<html><head><style>{report.ASSETS_CSS}</style></head><body><div id=app></div>"
        f"<script>{report.ASSETS_JS}</script></body></html>"
    )
    page.evaluate(
        "html => { const app = document.getElementById('app'); app.innerHTML = html;"
        " window.newsauditReport.init(app.querySelector('[data-na-root]')); }",
        report.render_fragment(example_doc),
    )
    page.click('tr[data-target="q0"]')
    assert "1,200 dockworkers" in "".join(page.locator(".na-seg.na-flash").all_inner_texts())
