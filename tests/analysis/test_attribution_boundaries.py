"""Rule attribution span boundaries (PolNeAR conventions), pronoun source typing and cues found by the role tagger."""

from __future__ import annotations

from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit import api
from newsaudit.analysis.attribution import attribution_at_cue, classify_source
from newsaudit.document import Attribution, Document
from newsaudit.settings import Settings

analyze = partial(api.analyze, settings=Settings(use_models=False))


def _roles(att: Attribution) -> tuple[str | None, str | None, str]:
    return (att.source.span.text if att.source else None, att.cue.text if att.cue else None, att.content.text)


def _all(text: str) -> list[tuple[str | None, str | None, str]]:
    return [_roles(a) for a in analyze(text).attributions]


def test_quote_running_over_several_sentences_is_one_content() -> None:
    text = "Ana Diaz added: “We will reopen in May. The roof is fixed.” The council did not comment."
    assert _all(text) == [("Ana Diaz", "added:", "“We will reopen in May. The roof is fixed.”")]


def test_no_break_spaces_stay_out_of_spans() -> None:
    assert _all("The mayor said\u00a0the bridge would reopen\u00a0.") == [
        ("The mayor", "said", "the bridge would reopen")
    ]


def test_adverbials_before_that_stay_out_of_the_content() -> None:
    text = "The mayor said on Tuesday in a statement that the bridge would reopen."
    assert _all(text) == [("The mayor", "said", "that the bridge would reopen")]


def test_content_starts_at_the_clause_not_at_a_later_that() -> None:
    text = "The mayor said the plan failed and that the bridge would close."
    assert _all(text) == [("The mayor", "said", "the plan failed and that the bridge would close")]


def test_asked_without_a_named_asker_has_no_source() -> None:
    roles = _all("Asked whether the bridge would reopen, the mayor said it would.")
    assert (None, "Asked", "whether the bridge would reopen") in roles
    assert ("the mayor", "said", "it would") in roles
    assert _all("The mayor was asked about the bridge closure.") == [(None, "was asked about", "the bridge closure")]


def _fragments(text: str) -> list[tuple[str | None, list[str]]]:
    return [(a.cue.text if a.cue else None, [c.text for c in a.content_spans]) for a in analyze(text).attributions]


def test_expectation_without_a_holder_has_no_source_and_its_subject_opens_the_content() -> None:
    # PolNeAR: "The vote || to pass on Friday" is one content of two fragments, with no source
    assert _all("The vote is expected to pass on Friday.") == [(None, "is expected", "The vote")]
    assert _fragments("The vote is expected to pass on Friday.") == [("is expected", ["The vote", "to pass on Friday"])]
    assert _fragments("There are 712 delegates who are expected to back him.") == [
        ("are expected", ["who", "to back him"])
    ]
    assert _fragments("But the politician with the big voice seemed to be shrinking.") == [
        ("seemed", ["the politician with the big voice", "to be shrinking"])
    ]


def test_passive_perception_without_a_holder_is_a_sourceless_attribution() -> None:
    # "is widely seen as", "was said to": a vague attribution; the subject opens the content, as for "is expected"
    assert _fragments("The levy is widely seen as a defeat for the mayor.") == [
        ("is widely seen", ["The levy", "as a defeat for the mayor"])
    ]
    assert _fragments("The mayor was said to be furious with the board.") == [
        ("was said", ["The mayor", "to be furious with the board"])
    ]
    assert _all("The mayor was seen at the harbour.") == []


def test_a_partial_quote_before_its_cue_takes_the_words_of_its_sentence_before_it() -> None:
    # PolNeAR: 'He was a “kind man,” she said' has the content 'He was a “kind man,”'
    assert _fragments("He was a “kind and patient man,” his colleague said.") == [
        ("said", ["He was a “kind and patient man,”"])
    ]
    assert _fragments("He had one line: “We wait for spring,” his colleague said.") == [
        ("said", ["“We wait for spring,”"])
    ]


def test_a_bare_weekday_after_the_cue_is_not_content() -> None:
    assert _fragments("The mayor vowed Tuesday to stay in office.") == [("vowed", ["to stay in office"])]
    assert _fragments("The mayor said Tuesday the quay would reopen.") == [("said", ["the quay would reopen"])]
    assert _fragments("The mayor said Tuesday was the worst day.") == [("said", ["Tuesday was the worst day"])]


def test_a_participle_tell_skips_its_listener() -> None:
    assert _fragments("He spoke for an hour, telling reporters, “We wait for spring.”") == [
        ("telling", ["“We wait for spring.”"])
    ]


def test_a_lead_ending_in_a_colon_before_a_quote_is_not_content() -> None:
    assert _fragments("She responded pointedly, with a smile: “It can happen at 45.”") == [
        ("responded", ["“It can happen at 45.”"])
    ]


def test_raising_cue_inside_a_reported_clause_keeps_its_infinitive_only() -> None:
    assert _fragments("Analysts said the company is expected to report a loss.") == [
        ("said", ["the company"]),
        ("is expected", ["to report a loss"]),
    ]


def test_a_thousands_separator_does_not_end_a_sourceless_content() -> None:
    assert _fragments("Chris Dale appeared to end his bid owing roughly $200,000 more than he raised.") == [
        ("appeared", ["Chris Dale", "to end his bid owing roughly $200,000 more than he raised"])
    ]


def test_sourced_attribution_wins_over_a_sourceless_one() -> None:
    assert _all("The plan seems to work, officials said.") == [("officials", "said", "The plan seems to work")]


def test_named_asker_is_left_to_the_verb_rules() -> None:
    roles = _all("The mayor asked whether the bridge would reopen.")
    assert roles == [("The mayor", "asked", "whether the bridge would reopen")]


def test_person_asked_stays_out_of_the_question() -> None:
    assert _all("Then Mr. Rubin asked the students if they were always so serious.") == [
        ("Mr. Rubin", "asked", "if they were always so serious")
    ]


def test_age_appositive_stays_out_of_the_source() -> None:
    assert _all("Tomas Berg, 58, said the ferry was late again.") == [
        ("Tomas Berg", "said", "the ferry was late again")
    ]
    assert _all("“The ferry is late,” said Tomas Berg, 58, of Harbour Town.") == [
        ("Tomas Berg", "said", "“The ferry is late,”")
    ]


def test_coordinated_sources_are_one_source() -> None:
    assert _all("He and Ana Diaz said the deal was off.") == [("He and Ana Diaz", "said", "the deal was off")]
    assert _all("The plan failed and officials said it was over.") == [("officials", "said", "it was over")]


def test_inverted_source_keeps_its_description() -> None:
    assert _all("“The law is clear,” said Alicia Berg, senior counsel in the Harbour Centre.") == [
        ("Alicia Berg, senior counsel in the Harbour Centre", "said", "“The law is clear,”")
    ]


def test_passive_participle_with_an_agent_is_no_cue() -> None:
    assert _all("The war was launched by Harbour, and then supported by its allies.") == []


def test_stance_verbs_are_cues() -> None:
    assert _all("The senator denounced the plan as reckless.") == [("The senator", "denounced", "the plan as reckless")]


def _source_kinds(text: str) -> list[tuple[str, str, str | None]]:
    return [(a.source.span.text, a.source.kind, a.source.subtype) for a in analyze(text).attributions if a.source]


def test_pronoun_after_a_personal_name_is_a_named_person() -> None:
    assert _source_kinds("Maria Lopez runs the bakery. She said the rent had doubled.") == [("She", "named", "person")]


def test_first_person_outside_quotes_is_the_writer() -> None:
    assert _source_kinds("Maria Lopez runs the bakery. I think the rent has doubled.") == [("I", "self", None)]


def test_pronoun_with_nobody_to_refer_to_is_vague() -> None:
    assert _source_kinds("He said the rent had doubled.") == [("He", "vague", None)]


def test_pronoun_takes_the_kind_of_an_earlier_anonymous_source() -> None:
    text = "A senior official told reporters the talks had stalled. He said a deal was unlikely this year."
    assert _source_kinds(text) == [("A senior official", "anonymous", None), ("He", "anonymous", None)]


def test_relative_pronoun_is_typed_by_its_antecedent() -> None:
    kinds = _source_kinds("The clinic is run by Ana Diaz, who said the queue had grown.")
    assert kinds == [("who", "named", "person")]
    kinds = _source_kinds("The plan was drafted by Harbour Council, which said it would cut costs.")
    assert kinds == [("which", "named", "organisation")]
    kinds = _source_kinds("The plan was drafted by several economists, who said it would cut costs.")
    assert kinds == [("who", "vague", None)]


def test_poll_shares_are_vague_sources() -> None:
    kinds = _source_kinds("Some 52 percent of registered voters say the economy is weak.")
    assert kinds == [("Some 52 percent of registered voters", "vague", None)]
    assert classify_source("nine in 10 Democrats") == ("vague", None)


def test_cue_from_elsewhere_gets_rule_boundaries() -> None:
    text = "The union leader grumbled that the deal was unfair. “It is a trap,” hissed the mayor."
    doc = analyze(text)
    start = text.index("grumbled")
    att = attribution_at_cue(doc, start, start + len("grumbled"))
    assert att is not None and _roles(att) == ("The union leader", "grumbled", "that the deal was unfair")
    start = text.index("hissed")
    att = attribution_at_cue(doc, start, start + len("hissed"))
    assert att is not None and _roles(att) == ("the mayor", "hissed", "“It is a trap,”")
    text = "The leader has recently cut the monthly payment to 100 dollars."
    start = text.index("has")
    assert attribution_at_cue(analyze(text), start, start + 3) is None  # an auxiliary alone is no cue


_PIECES = [
    "Ana Diaz added: “We will reopen. The roof is fixed.”",
    "Asked whether it would reopen, the mayor said it would.",
    "Tomas Berg, 58, said the ferry was late.",
    "She said on Monday in a statement that prices rose.",
    "The clinic is run by Ana Diaz, who said the queue had grown.",
    "“It is late,” said the captain. “We wait.”",
    "The minister was asked about the budget.",
    "He denounced the plan",
    "Harbour pollster Ana Diaz: The race is open.",
    "The vote is expected to pass.",
    "Delegates who are expected to back him, $1,200,000 in all, seemed to waver.",
    "Analysts said the firm is expected to lose.",
    "The levy, which the mayor says will fail, was widely seen as a defeat.",
    "Instead, she said, the ferry stops.",
    "“We wait,” the captain told us in port, where it rained. “Then we sail.”",
    "\u00a0",
    "\n\n",
    " ",
    "“",
    ",",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8), st.data())
def test_offsets_hold_for_rule_spans_and_cues_from_elsewhere(pieces: list[str], data: st.DataObject) -> None:
    text = "Report: " + " ".join(pieces)
    doc: Document = analyze(text)
    doc.check_offsets()
    for att in doc.attributions:
        for span in (att.content, att.cue, att.source.span if att.source else None):
            if span is not None:
                assert text[span.start : span.end] == span.text
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 12)))
    att = attribution_at_cue(doc, start, end)
    if att is not None:
        for span in (att.content, att.cue, att.source.span if att.source else None):
            if span is not None:
                assert 0 <= span.start <= span.end <= len(text) and text[span.start : span.end] == span.text


def test_a_model_relation_with_a_relative_pronoun_source_is_typed_by_its_antecedent() -> None:
    from newsaudit.analysis.attribution import resolve_pronouns
    from newsaudit.document import Source, Span

    text = "As for the volunteers from abroad, those who were convinced that the work was easy have left."
    s = text.index("who")
    c0 = text.index("were convinced")
    k0 = text.index("that the work")
    k1 = text.index(" have left")
    model_made = Attribution(
        Span.of(text, k0, k1), Source(Span.of(text, s, s + 3), "named", "other"), Span.of(text, c0, c0 + 14)
    )
    (typed,) = resolve_pronouns(text, [model_made])
    assert typed.source is not None and typed.source.kind == "vague"
    assert typed.source.span.text == "who" and typed.content == model_made.content


def test_a_subordinate_clause_ends_the_content_at_its_comma() -> None:
    text = "When the harbour master says the quay is safe, the ferries sail."
    assert _all(text) == [("the harbour master", "says", "the quay is safe")]
    text = "The harbour master says the quay is safe, and the ferries sail."
    assert _all(text)[0][2] == "the quay is safe, and the ferries sail"


def test_indefinite_pronoun_sources_are_vague_whatever_follows() -> None:
    assert classify_source("Everyone in Varrow") == ("vague", None)
    assert classify_source("somebody at the Ministry of Transport") == ("vague", None)
