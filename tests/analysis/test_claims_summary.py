"""Claims (one per checkable sentence) and the sourcing summary."""

from __future__ import annotations

from functools import partial

import pytest

from newsaudit import api
from newsaudit.settings import Settings

analyze = partial(api.analyze, settings=Settings(use_models=False))  # these tests pin the rules' behaviour

TEXT = (
    "Dam repairs stalled\n\n"
    "The regional council said the dam would be repaired by June. "
    "Repairs will cost 3 million euros, according to numerous experts. "
    "Is this the end? "
    "It rained. "
    "Some 200 families were moved to the school gym last week.\n"
)


def test_claims_are_checkable_sentences_linked_to_attributions() -> None:
    doc = analyze(TEXT)
    claims = {c.span.text: c for c in doc.claims}
    assert "Dam repairs stalled" not in claims  # a title
    assert "Is this the end?" not in claims  # a question
    assert "It rained." not in claims  # too short
    assert claims["The regional council said the dam would be repaired by June."].attribution == 0
    assert claims["Repairs will cost 3 million euros, according to numerous experts."].attribution == 1
    assert claims["Some 200 families were moved to the school gym last week."].attribution is None
    assert all(c.checkworthy is None for c in doc.claims)


@pytest.mark.parametrize("after", [" 🎉", "\u200b", " 👍🏽", "” 🙏"])
def test_a_paragraph_ending_in_an_emoji_or_an_invisible_mark_still_has_claims(after: str) -> None:
    text = "Dam repairs stalled\n\nSome 200 families were moved to the school gym last week." + after + "\n"
    assert [c.span.text.rstrip(after) for c in analyze(text).claims] == [
        "Some 200 families were moved to the school gym last week."
    ]
    title = "Dam repairs stalled again across the whole northern region 🎉"
    assert analyze(title + "\n\nSome 200 families were moved to the school gym.\n").claims[0].span.start > 0  # a title


def test_summary_profile() -> None:
    doc = analyze(TEXT)
    s = doc.summary
    assert s["claims_by_source_kind"] == {"named": 1, "vague": 1, "anonymous": 0, "self": 0, "none": 1}
    assert s["attributions_by_source_kind"]["vague"] == 1
    assert s["quantities"] == 2 and s["unsourced_quantities"] == 1
    assert s["unsourced_quantity_share"] == 0.5
    assert s["relayed_from"] == []
    assert s["words"] == len(TEXT.split())
