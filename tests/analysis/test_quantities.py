"""Quantities: values, units, rates, counted nouns, approximation, skipped years/dates, linking to attributions."""

from __future__ import annotations

import json
import math
from functools import partial

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from newsaudit import api
from newsaudit.document import Attribution, Quantity, Source
from newsaudit.settings import Settings

analyze = partial(api.analyze, settings=Settings(use_models=False))  # these tests pin the rules' behaviour


def _qs(text: str) -> list[Quantity]:
    return analyze(text).quantities


@pytest.mark.parametrize(
    ("text", "value", "unit", "per", "counts", "approximate"),
    [
        ("Workers earned 350 dollars a month in the mill.", 350, "USD", "month", None, False),
        ("The fund lost $4.5 million last spring.", 4.5e6, "USD", None, None, False),
        ("Turnout rose to 12% in the north.", 12, "%", None, None, False),
        ("Turnout rose by 12 percent in the north.", 12, "%", None, None, False),
        ("The army sent 3,000 troops to the border.", 3000, None, None, "troops", False),
        ("About a thousand extremists fled the town.", 1000, None, None, "extremists", True),
        ("Nearly two-thirds of voters stayed home.", 2 / 3, "fraction", None, "voters", True),
        ("The bridge cost 1.2 billion euros to build.", 1.2e9, "EUR", None, None, False),
        ("Half of the staff were sent home.", 0.5, "fraction", None, "staff", False),
        ("Up to 40 boats were seen near the coast.", 40, None, None, "boats", True),
        ("The ferry carries more than twenty-five cars.", 25, None, None, "cars", True),
        ("Fishermen are paid 45 euros per day in the season.", 45, "EUR", "day", None, False),
    ],
)
def test_quantity_fields(
    text: str, value: float, unit: str | None, per: str | None, counts: str | None, approximate: bool
) -> None:
    qs = _qs(text)
    assert len(qs) == 1, [q.to_dict() for q in qs]
    q = qs[0]
    assert q.value == pytest.approx(value)
    assert (q.unit, q.per, q.counts, q.approximate) == (unit, per, counts, approximate)


@pytest.mark.parametrize(
    "text",
    [
        "The treaty was signed in 1998 and renewed in 2015.",
        "The vote is on March 3 at 10:30 in the hall.",
        "She finished 2nd in the race on 5 May.",
        "Article 5 of the charter was invoked.",
        "The COVID-19 rules were dropped.",
        "One of them left early.",
        "In 1048 the city fell and by 1100 it was rebuilt for the 2016 election.",
        "They watched it 24/7 after 9/11.",
        "The index lists ‘Liberalism’ (7) and ‘Capitalism’ (8).",
        "He called him a third rate lawyer.",
    ],
)
def test_not_quantities(text: str) -> None:
    assert _qs(text) == []


def test_quantities_link_to_covering_attribution_or_are_unsourced() -> None:
    doc = analyze("The mayor said that 400 homes were flooded. Another 50 homes lost power.")
    q400, q50 = doc.quantities
    assert q400.attribution == 0 and not q400.unsourced
    assert q50.unsourced


def test_a_number_before_all_of_its_sentences_attribution_is_the_writers() -> None:
    from newsaudit.analysis.quantities import find_quantities
    from newsaudit.document import Attribution, Source, Span

    text = "The closure cost 1,200 jobs, in what union leaders are calling a betrayal of 300 families."
    doc = analyze(text)
    at = text.index
    source = Source(Span.of(text, at("union"), at(" are")), "vague")
    content = Span.of(text, at("a betrayal"), at(" of 300"))  # content cut short: 300 is still theirs
    doc.attributions = [Attribution(content, source, Span.of(text, at("are"), at(" a betrayal")), 0.9, "model")]
    q1200, q300 = find_quantities(doc)
    assert q1200.value == 1200 and q1200.unsourced
    assert q300.value == 300 and q300.attribution == 0


def test_a_doubtful_model_relation_does_not_source_a_number() -> None:
    from dataclasses import replace

    from newsaudit.analysis.quantities import SOURCING_CONFIDENCE, find_quantities

    doc = analyze("The mayor said that 400 homes were flooded.")
    for confidence, sourced in [(1.0, True), (SOURCING_CONFIDENCE, True), (SOURCING_CONFIDENCE - 0.01, False)]:
        doc.attributions = [replace(doc.attributions[0], confidence=confidence, origin="model")]
        (q400,) = find_quantities(doc)
        assert q400.unsourced is not sourced, confidence


def test_a_model_relation_without_a_reporting_cue_does_not_source_a_number() -> None:
    from dataclasses import replace

    from newsaudit.analysis.quantities import find_quantities

    text = "The port chief issued a decree to cut the daily wage to 45 euros."
    doc = analyze(text)
    c0, k0 = text.index("issued a decree"), text.index("to cut")
    for cue, origin, sourced in [("issued a decree", "model", False), ("issued", "rules", True)]:
        att = Attribution(doc.span(k0, len(text) - 1), Source(doc.span(0, 14), "named", "person"), origin=origin)
        doc.attributions = [replace(att, cue=doc.span(c0, c0 + len(cue)), confidence=0.9)]
        (q45,) = find_quantities(doc)
        assert q45.unsourced is not sourced, origin
    doc.attributions = [replace(doc.attributions[0], cue=doc.span(c0, c0 + 6), origin="model")]
    assert find_quantities(doc)[0].unsourced


def test_four_digit_counts_are_not_years() -> None:
    assert [(q.value, q.counts, q.unit) for q in _qs("It sent 2000 troops and paid 1500 euros.")] == [
        (2000, "troops", None),
        (1500, None, "EUR"),
    ]


def test_monthly_rate_from_context() -> None:
    (q,) = _qs("The council cut the monthly allowance to just 100 dollars.")
    assert (q.value, q.unit, q.per) == (100, "USD", "month")


def test_quote_continuing_an_attributed_quote_is_sourced() -> None:
    doc = analyze('"We lost 300 homes," the mayor said. "And we lost 40 boats."')
    assert [(q.value, q.attribution) for q in doc.quantities] == [(300, 0), (40, 0)]


@given(
    digits=st.integers(300, 700),
    template=st.sampled_from(
        [
            "Officials said the debt rose to {} dollars.",
            "It cost ${} million, officials said.",
            "The fund lost {} billion euros.",
            "Turnout was {}% in the north.",
        ]
    ),
    words=st.integers(0, 300),
)
@hyp_settings(max_examples=25, deadline=None)
def test_numbers_too_large_for_a_float_are_skipped(digits: int, template: str, words: int) -> None:
    # 400 digits (or "a hundred hundred ...") overflowed to inf: invalid JSON and a crash in every renderer
    text = template.format("9" * digits) + " It was a" + " hundred" * words + " dozen people."
    for q in _qs(text):
        assert math.isfinite(q.value), q
    json.dumps(analyze(text).to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A dozen people died in the fire.", 12),
        ("Two dozen people died in the fire.", 24),
        ("Three hundred dozen eggs were sold.", 3600),
        ("About a dozen thousand people marched.", 12000),
    ],
)
def test_dozen_multiplies(text: str, value: float) -> None:
    # "dozen" is in NUMBER_WORDS too, and was added there first: "a dozen" came out as 13, "two dozen" as 14
    assert [q.value for q in _qs(text)] == [value]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("He said a hundred and twenty people came.", [("a hundred and twenty", 120)]),
        ("Two hundred and fifty thousand dollars were spent.", [("Two hundred and fifty thousand dollars", 250_000)]),
        ("Three hundred and sixty-five days passed.", [("Three hundred and sixty-five days", 365)]),
        ("One thousand and one nights passed.", [("One thousand and one", 1001)]),
        ("One hundred twenty people came.", [("One hundred twenty", 120)]),
        # two numbers, not one: a range, and a count before a compound adjective
        ("Between two hundred and three hundred came.", [("two hundred", 200), ("three hundred", 300)]),
        ("Between two thousand and three thousand came.", [("two thousand", 2000), ("three thousand", 3000)]),
        ("He bought a hundred ten-year bonds.", [("a hundred", 100)]),
    ],
)
def test_spelled_out_numbers_take_their_tens_and_units(text: str, found: list[tuple[str, float]]) -> None:
    assert [(q.span.text, q.value) for q in _qs(text)] == found
