"""Fixtures for the output tests."""

from __future__ import annotations

import pytest
from outputs_docs import example_document

from newsaudit.document import Document


@pytest.fixture
def example_doc() -> Document:
    """The bundled example article with hand-placed layers."""
    return example_document()
