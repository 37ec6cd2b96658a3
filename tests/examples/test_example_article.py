"""The bundled example article exists, is ours, and exercises every analysis layer through the default pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsaudit
from newsaudit.api import default_pipeline
from newsaudit.examples import example_path, example_text


@pytest.fixture(scope="module")
def doc() -> newsaudit.Document:
    return newsaudit.analyze(example_text())


def test_example_shape() -> None:
    text = example_text()
    assert Path(example_path()).read_text(encoding="utf-8") == text
    lines = text.split("\n")
    assert lines[0].strip() and not lines[1].strip(), "title on line 1, then a blank line"
    assert 600 <= len(text.split()) <= 900


def test_example_relay_and_source_kinds(doc: newsaudit.Document) -> None:
    assert doc.relayed_from == ["Coastal Ledger"]
    sources = {(a.source.kind, a.source.subtype, a.source.span.text) for a in doc.attributions if a.source}

    def has(kind: str, subtype: str | None, needle: str) -> bool:
        return any(k == kind and (subtype is None or s == subtype) and needle in t for k, s, t in sources)

    assert has("named", "outlet", "Harbour TV")
    assert has("named", "person", "Elena Marsh")
    assert has("named", "organisation", "Ministry of Transport")
    assert has("vague", None, "numerous analysts")
    assert has("vague", None, "growing number of reports")
    assert has("anonymous", None, "senior official")
    assert has("anonymous", None, "Sources close to the union")
    assert has("self", None, "This newspaper")


def test_example_quantities_and_claims(doc: newsaudit.Document) -> None:
    by_text = {q.span.text: q for q in doc.quantities}
    daily = by_text["45 euros a day"]
    assert (daily.value, daily.unit, daily.per) == (45, "EUR", "day") and not daily.unsourced
    assert by_text["4.5 million euros"].value == 4.5e6 and not by_text["4.5 million euros"].unsourced
    containers = next(q for q in doc.quantities if q.value == 2000)
    assert containers.approximate and containers.counts == "containers" and containers.unsourced
    assert any(q.value == 1200 and q.counts == "dockworkers" and q.unsourced for q in doc.quantities)
    assert any(c.attribution is None for c in doc.claims) and any(c.attribution is not None for c in doc.claims)
    doc.check_offsets()


def test_example_techniques_when_a_technique_step_runs(doc: newsaudit.Document) -> None:
    steps = [getattr(step, "name", "") for step in getattr(default_pipeline(), "steps", [])]
    if not any("technique" in name for name in steps):
        pytest.skip("the default pipeline has no persuasion-technique step")
    assert len({t.technique for t in doc.techniques}) >= 3
