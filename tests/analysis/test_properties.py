"""Property tests: analysis never raises on arbitrary text and every span slices the text it claims."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsaudit.api import analyze
from newsaudit.document import Document

_WORDS = st.sampled_from(
    [
        "said",
        "says",
        "told",
        "according to",
        "reports:",
        "The",
        "Daily",
        "Mirror",
        "officials",
        "numerous",
        "experts",
        "about",
        "a",
        "thousand",
        "350",
        "dollars",
        "a month",
        "$4.5",
        "million",
        "12%",
        "two-thirds",
        "half of",
        "“",
        "”",
        '"',
        ",",
        ".",
        "?",
        "\n",
        "\n\n",
        "U.S.",
        "Mr.",
        "that",
        "we",
        "1998",
        "…",
        " ",
    ]
)
_NEWSY = st.lists(_WORDS, max_size=60).map(" ".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_NEWSY, st.text(max_size=300)))
def test_analyze_never_raises_and_offsets_hold(text: str) -> None:
    if not text.strip():
        return
    doc = analyze(text)
    doc.check_offsets()
    for role, span in doc.iter_spans():
        assert text[span.start : span.end] == span.text, role
    for att in doc.attributions:
        assert att.content.end > att.content.start
    roundtrip = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert roundtrip.to_dict() == doc.to_dict()
