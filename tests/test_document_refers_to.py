"""`Source.refers_to` in the JSON contract: written, read back, optional in old documents, checked by offsets."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.document import Attribution, Document, Source, Span

TEXT = "Ana Diaz said the queue had grown. He said the clinic needed two more nurses."


def _doc(refers_to: Span | None) -> Document:
    doc = Document(text=TEXT)
    he = TEXT.index("He said")
    doc.attributions = [
        Attribution(doc.span(14, 33), Source(doc.span(0, 8), "named", "person"), doc.span(9, 13)),
        Attribution(doc.span(he + 8, len(TEXT) - 1), Source(doc.span(he, he + 2), "named", "person", refers_to)),
    ]
    return doc


def test_refers_to_round_trips_through_json() -> None:
    doc = _doc(Span.of(TEXT, 0, 8))
    data = json.loads(json.dumps(doc.to_dict()))
    assert data["attributions"][1]["source"]["refers_to"] == {"start": 0, "end": 8, "text": "Ana Diaz"}
    assert data["attributions"][0]["source"]["refers_to"] is None
    back = Document.from_dict(data)
    back.check_offsets()
    assert back.attributions[1].source == doc.attributions[1].source
    assert back.to_dict() == data


def test_documents_without_the_field_still_load() -> None:
    data = _doc(None).to_dict()
    for a in data["attributions"]:
        del a["source"]["refers_to"]  # a document written before the field existed
    back = Document.from_dict(data)
    back.check_offsets()
    assert all(a.source is not None and a.source.refers_to is None for a in back.attributions)


def test_check_offsets_rejects_a_refers_to_that_does_not_slice_the_text() -> None:
    with pytest.raises(ValueError, match="refers_to"):
        _doc(Span(0, 8, "Ana Diax")).check_offsets()
    with pytest.raises(ValueError, match="refers_to"):
        _doc(Span(70, 200, "nurses")).check_offsets()
    _doc(Span(0, 8, "Ana Diaz")).check_offsets()


@st.composite
def docs_with_refers_to(draw: st.DrawFn) -> Document:
    text = draw(st.text(max_size=120))
    doc = Document(text=text)

    def span() -> Span:
        a, b = sorted(draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=2)))
        return doc.span(a, b)

    for _ in range(draw(st.integers(0, 4))):
        ref = span() if draw(st.booleans()) else None
        source = Source(span(), draw(st.sampled_from(["named", "vague", "anonymous", "self"])), None, ref)
        doc.attributions.append(Attribution(span(), source))
    return doc


@settings(max_examples=60, deadline=None)
@given(docs_with_refers_to())
def test_random_refers_to_spans_round_trip(doc: Document) -> None:
    doc.check_offsets()
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    for a in data["attributions"]:
        ref = a["source"]["refers_to"]
        if ref is not None:
            assert doc.text[ref["start"] : ref["end"]] == ref["text"]
    back = Document.from_dict(data)
    back.check_offsets()
    assert back.attributions == doc.attributions
