"""Shared fixtures for the rule-based analysis tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudit.api import analyze
from newsaudit.document import Document

REPO = Path(__file__).resolve().parents[2]
ISIL = REPO.parent / "shared" / "examples" / "isil-desertion-neo.txt"
HARBOUR = REPO / "src" / "newsaudit" / "examples" / "harbour-closure.txt"


@pytest.fixture(scope="session")
def isil_doc() -> Document:
    if not ISIL.is_file():
        pytest.skip(f"{ISIL} is not available")
    return analyze(ISIL.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def harbour_doc() -> Document:
    if not HARBOUR.is_file():
        pytest.skip(f"{HARBOUR} is not available")
    return analyze(HARBOUR.read_text(encoding="utf-8"))
