"""The JSON contract as written by newsaudit.outputs.json: keys, offsets, JSONL."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from outputs_docs import documents

from newsaudit.document import Document
from newsaudit.outputs.json import dumps, dumps_lines

TOP_KEYS = {"schema", "article", "sentences", "attributions", "claims", "quantities", "techniques", "summary"}
ARTICLE_KEYS = {"text", "title", "url", "published", "outlet", "relayed_from"}
SPAN_KEYS = {"start", "end", "text"}


def _spans(data: dict) -> list[dict]:
    """Every span object in a JSON contract."""
    out: list[dict] = [*data["claims"], *data["quantities"], *data["techniques"]]
    for a in data["attributions"]:
        out.append(a["content"])
        out.extend(x for x in (a["source"], a["cue"]) if x is not None)
        if a["source"] is not None and a["source"].get("refers_to") is not None:
            out.append(a["source"]["refers_to"])
    return out


def test_contract_keys(example_doc: Document) -> None:
    data = json.loads(dumps(example_doc))
    assert data.keys() >= TOP_KEYS
    assert data["schema"] == "newsaudit/1"
    assert data["article"].keys() >= ARTICLE_KEYS
    assert data["article"]["relayed_from"] == ["Coastal Ledger"]
    assert all({"start", "end"} <= s.keys() for s in data["sentences"])
    for a in data["attributions"]:
        assert {"source", "cue", "content"} <= a.keys()
        assert a["content"].keys() >= SPAN_KEYS
        if a["source"] is not None:
            assert SPAN_KEYS | {"kind", "subtype"} <= a["source"].keys()
            assert a["source"]["kind"] in {"named", "vague", "anonymous", "self"}
    assert all(SPAN_KEYS | {"attribution", "checkworthy"} <= c.keys() for c in data["claims"])
    qkeys = SPAN_KEYS | {"value", "unit", "per", "counts", "approximate", "attribution"}
    assert all(qkeys <= q.keys() for q in data["quantities"])
    assert all(SPAN_KEYS | {"technique", "score"} <= t.keys() for t in data["techniques"])
    assert {q["text"] for q in data["quantities"] if q["attribution"] is None} >= {"1,200 dockworkers"}


def test_non_ascii_kept_and_indent() -> None:
    doc = Document(text="Überfall — «Zitat» 東京")
    assert "Überfall — «Zitat» 東京" in dumps(doc)
    assert dumps(doc, indent=2).startswith('{\n  "schema"')


@settings(max_examples=60, deadline=None)
@given(documents(text=st.text(max_size=200)))
def test_every_span_slices_the_text(doc: Document) -> None:
    data = json.loads(dumps(doc))
    text = data["article"]["text"]
    assert text == doc.text
    for span in _spans(data):
        assert 0 <= span["start"] <= span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"]
    for s in data["sentences"]:
        assert 0 <= s["start"] <= s["end"] <= len(text)
    Document.from_dict(data).check_offsets()
    assert Document.from_dict(data).to_dict() == data


@settings(max_examples=20, deadline=None)
@given(st.lists(documents(text=st.text(max_size=60)), max_size=4))
def test_jsonl_one_object_per_line(docs: list[Document]) -> None:
    out = dumps_lines(docs)
    lines = out.splitlines()
    assert len(lines) == len(docs)
    assert out == "" or out.endswith("\n")
    for line, doc in zip(lines, docs, strict=True):
        assert json.loads(line)["article"]["text"] == doc.text


# unpaired: a high surrogate right before a low one would read back from any JSON as one astral character
_WITH_SURROGATES = st.text(
    alphabet=st.sampled_from(["a", " ", "é", "😀", "\ud800", "\udbff", "\udc00", "\udfff"])
).filter(lambda t: not re.search("[\ud800-\udbff][\udc00-\udfff]", t))


@settings(max_examples=40, deadline=None)
@given(documents(text=_WITH_SURROGATES))
def test_unpaired_surrogates_are_escaped(doc: Document) -> None:
    # json.dumps(ensure_ascii=False) wrote them raw: the output could not be encoded as UTF-8 to a file or a socket
    for out in (dumps(doc), dumps_lines([doc])):
        out.encode("utf-8")
        assert Document.from_dict(json.loads(out)).to_dict() == doc.to_dict()
