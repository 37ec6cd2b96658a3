"""Fixtures for the ingest tests: a loopback HTTP server and a sample news page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ingest_http import ARTICLE_HTML, LocalServer, serving


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """An HTTP server on 127.0.0.1 (random port) whose routes each test sets."""
    with serving() as server:
        yield server


@pytest.fixture
def article_html() -> str:
    """A small hand-written news page with metadata, navigation and a script."""
    return ARTICLE_HTML
