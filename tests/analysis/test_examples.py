"""Must-hold behaviour on the issue's example article and on the bundled example article."""

from __future__ import annotations

from newsaudit.document import Document


def _sources(doc: Document) -> dict[str, tuple[str, str | None]]:
    return {a.source.span.text: (a.source.kind, a.source.subtype) for a in doc.attributions if a.source}


def test_isil_named_outlets(isil_doc: Document) -> None:
    # the source may keep its description ("the Arabic television channel Al-Mayadeen"), as PolNeAR's sources do
    sources = _sources(isil_doc)
    for outlet in ("Al-Mayadeen", "The Daily Mirror"):
        typed = {kind for text, kind in sources.items() if text.endswith(outlet)}
        assert typed == {("named", "outlet")}, (outlet, sources)


def test_isil_vague_sources(isil_doc: Document) -> None:
    sources = _sources(isil_doc)
    assert sources.get("numerous experts", (None,))[0] == "vague"
    assert sources.get("an increasing number of reports", (None,))[0] == "vague"
    # "those who were convinced ...": a relative pronoun is typed by what it stands for, whoever found the relation
    assert sources.get("who", ("vague",))[0] == "vague"
    # "... militants are openly complaining ... They feel that ...": the plural pronoun stands for the militants
    # (a "They" whose nearest plural source is two paragraphs back, "numerous experts", stays unresolved)
    they = [a.source for a in isil_doc.attributions if a.source and a.source.span.text == "They"]
    assert any(s.refers_to is not None and s.refers_to.text.endswith("militants") for s in they)
    assert all(s.refers_to is None or s.refers_to.text.endswith("militants") for s in they)


def test_isil_has_no_anonymous_source(isil_doc: Document) -> None:
    # "a nationality basis, which contradicts ...": a relative pronoun standing for an abstract noun is not anonymous
    kinds = {a.source.kind for a in isil_doc.attributions if a.source}
    assert "anonymous" not in kinds, kinds
    assert isil_doc.summary["attributions_by_source_kind"].get("anonymous", 0) == 0
    # nor is it a source at all: the basis "contradicts" nothing anyone said
    assert all(a.source is None or a.source.span.text != "which" for a in isil_doc.attributions)


def test_isil_relay(isil_doc: Document) -> None:
    assert isil_doc.relayed_from == ["New Eastern Outlook"]
    # the relay line is the article's provenance, not an attribution of its own
    assert all(a.source is None or a.source.span.text != "New Eastern Outlook" for a in isil_doc.attributions)


def test_isil_quantities(isil_doc: Document) -> None:
    by_value = {q.value: q for q in isil_doc.quantities}
    q350, q100, q1000 = by_value[350], by_value[100], by_value[1000]
    assert (q350.unit, q350.per) == ("USD", "month")
    assert q100.unit == "USD" and q100.per == "month"
    assert q1000.approximate and q1000.counts == "extremists"
    assert q350.unsourced and q100.unsourced
    isil_doc.check_offsets()


def test_isil_summary(isil_doc: Document) -> None:
    s = isil_doc.summary
    assert s["relayed_from"] == ["New Eastern Outlook"]
    assert s["attributions_by_source_kind"]["vague"] >= 2
    assert 0 < s["unsourced_quantity_share"] <= 1


def test_harbour_exercises_every_layer(harbour_doc: Document) -> None:
    doc = harbour_doc
    doc.check_offsets()
    assert doc.relayed_from == ["Coastal Ledger"]
    kinds = {(a.source.kind, a.source.subtype if a.source.kind == "named" else None) for a in doc.attributions}
    for expected in [("named", "outlet"), ("named", "person"), ("named", "organisation"), ("vague", None)]:
        assert expected in kinds
    assert ("anonymous", None) in kinds
    sources = _sources(doc)
    assert {kind for text, kind in sources.items() if text.endswith("Harbour TV")} == {("named", "outlet")}
    assert sources["A senior official who asked not to be named"][0] == "anonymous"
    assert any(q.unsourced for q in doc.quantities) and any(not q.unsourced for q in doc.quantities)
    assert doc.claims and any(c.attribution is not None for c in doc.claims)
    # neither the rules nor the model attribute anything inside the relay line ("Coastal Ledger reports:")
    relay = doc.paragraphs[1]
    assert relay.text == "Coastal Ledger reports:"
    assert not any(a.content.overlaps(relay) or (a.cue and a.cue.overlaps(relay)) for a in doc.attributions)
    assert sources["Everyone in Varrow"] == ("vague", None)
    [expert] = [a for a in doc.attributions if a.source and a.source.span.text == "the country's leading expert"]
    assert expert.content.text == "the port can reopen"
