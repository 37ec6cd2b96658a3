"""Fixtures for the server tests: an in-process client, a live uvicorn on loopback and headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from server_helpers import CHROMIUM, CHROMIUM_ARGS, LiveServer

from newsaudit.server.app import create_app
from newsaudit.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(use_models=False)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings(use_models=False))) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (never a downloaded browser); skipped if it is absent."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (CI installs it via .ci/run)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh page whose requests may go to the live server only; anything else is recorded and aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(live_server.url + "/") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.outside_requests = outside
    page.dialogs = dialogs
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes more than a few seconds (still run by default)")
