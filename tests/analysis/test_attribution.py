"""Rule-based attribution: patterns, span boundaries, source typing and the relay chain."""

from __future__ import annotations

from functools import partial

import pytest

from newsaudit import api
from newsaudit.analysis.attribution import classify_source
from newsaudit.document import Attribution
from newsaudit.settings import Settings

analyze = partial(api.analyze, settings=Settings(use_models=False))  # these tests pin the rules' behaviour


def _one(text: str) -> Attribution:
    doc = analyze(text)
    assert len(doc.attributions) == 1, [a.to_dict() for a in doc.attributions]
    return doc.attributions[0]


def _roles(att: Attribution) -> tuple[str | None, str | None, str]:
    return (att.source.span.text if att.source else None, att.cue.text if att.cue else None, att.content.text)


def test_indirect_speech_with_that() -> None:
    att = _one("The mayor said on Tuesday that the bridge would reopen in May.")
    assert _roles(att) == ("The mayor", "said", "that the bridge would reopen in May")


def test_quote_before_source_and_cue() -> None:
    att = _one('"We are not giving up," Anna Berg said.')
    assert _roles(att) == ("Anna Berg", "said", '"We are not giving up,"')


def test_inverted_cue_after_quote() -> None:
    att = _one("“The plan is dead,” said Sen. Joan Ruiz (D-Ore.).")
    assert _roles(att) == ("Sen. Joan Ruiz (D-Ore.)", "said", "“The plan is dead,”")
    assert (att.source.kind, att.source.subtype) == ("named", "person")


def test_quote_that_opens_in_an_earlier_sentence() -> None:
    att = _one("“It was a long night. We are tired,” the captain told reporters.")
    assert _roles(att) == ("the captain", "told", "“It was a long night. We are tired,”")


def test_content_before_with_anonymous_source() -> None:
    att = _one("The talks collapsed late on Friday, officials said.")
    assert _roles(att) == ("officials", "said", "The talks collapsed late on Friday")
    assert att.source.kind == "anonymous"


def test_a_time_a_participle_governs_stays_in_the_source() -> None:
    att = _one("A court filing lodged Thursday says the lease was void.")
    assert _roles(att) == ("A court filing lodged Thursday", "says", "the lease was void")
    att = _one("The harbour board this week said the lease was void.")
    assert _roles(att)[0] == "The harbour board"
    att = _one("The harbour board on Thursday said the lease was void.")  # once the day went and left "on" behind
    assert _roles(att) == ("The harbour board", "said", "the lease was void")


def test_fronted_adverbial_and_affiliation() -> None:
    att = _one("For now, Ana Diaz, at the Kestrel Institute, said the levee would hold.")
    assert _roles(att) == ("Ana Diaz, at the Kestrel Institute,", "said", "the levee would hold")
    att = _one("Ana Diaz, in an interview, said the levee would hold.")
    assert _roles(att)[0] == "Ana Diaz"


def test_continued_is_a_cue_only_for_speech() -> None:
    att = _one("The list includes skippers who have continued fishing after the ban, inspectors said.")
    assert _roles(att) == ("inspectors", "said", "The list includes skippers who have continued fishing after the ban")
    att = _one("“We will not stop,” she continued.")
    assert _roles(att) == ("she", "continued", "“We will not stop,”")


def test_dash_appositive_source() -> None:
    att = _one("Ana Diaz — a nurse at the clinic — said the ward was full.")  # was read as 'CONTENT — said SOURCE'
    assert _roles(att) == ("Ana Diaz — a nurse at the clinic —", "said", "the ward was full")
    att = _one("Reached by phone, Bo Lee - who runs the ferry - told the Courier he would not appeal.")
    assert _roles(att) == ("Bo Lee - who runs the ferry -", "told", "he would not appeal")
    att = _one("The port will close — for now — said the mayor.")  # a clause before the dashes: inverted
    assert _roles(att) == ("the mayor", "said", "The port will close — for now —")


def test_evidence_cues_take_recordings_and_searches() -> None:
    att = _one("The video shows the mayor leaving the quay.")
    assert _roles(att) == ("The video", "shows", "the mayor leaving the quay")
    doc = analyze("Two ferries will stop, according to a new poll that shows most riders want them.")
    assert [a.source.span.text for a in doc.attributions if a.source] == ["a new poll"]


def test_according_to_a_described_person() -> None:
    att = _one("The ferry will stop in May, according to Rhea Vos, an analyst at Harbour Research.")
    assert _roles(att) == ("Rhea Vos, an analyst at Harbour Research", "according to", "The ferry will stop in May")
    att = _one("According to Tom Ivers, chairman of the county party, the vote was close.")
    assert _roles(att) == ("Tom Ivers, chairman of the county party", "According to", "the vote was close")
    att = _one("Tuition rose by a third, according to data from the Education Department.")
    assert _roles(att) == ("data from the Education Department", "according to", "Tuition rose by a third")
    # not a person: what follows the comma is the content
    att = _one("According to the budget office, the rise in debt is mainly due to health costs.")
    assert _roles(att) == ("the budget office", "According to", "the rise in debt is mainly due to health costs")


def test_according_to_at_start_and_end() -> None:
    att = _one("According to the Kestrel Institute, wages fell by a tenth.")
    assert _roles(att) == ("the Kestrel Institute", "According to", "wages fell by a tenth")
    assert (att.source.kind, att.source.subtype) == ("named", "organisation")
    att = _one("Wages fell by a tenth, according to the Kestrel Institute.")
    assert _roles(att) == ("the Kestrel Institute", "according to", "Wages fell by a tenth")


def test_outlet_descriptor_is_kept_off_the_span() -> None:
    att = _one("According to the Danish newspaper Morning Courier, the factory will close.")
    assert att.source.span.text == "Morning Courier"
    assert (att.source.kind, att.source.subtype) == ("named", "outlet")


def test_told_skips_the_listener() -> None:
    att = _one("Ms. Okoro told the council that the budget was balanced.")
    assert _roles(att) == ("Ms. Okoro", "told", "that the budget was balanced")


def test_participle_cue_after_vague_noun() -> None:
    att = _one("There are several reports stating that the dam has cracked.")
    assert _roles(att) == ("several reports", "stating", "that the dam has cracked")
    assert att.source.kind == "vague"


def test_bare_vague_source() -> None:
    att = _one("Some say the closure is a pretext to sell the basin.")
    assert _roles(att) == ("Some", "say", "the closure is a pretext to sell the basin")
    assert att.source.kind == "vague"


def test_appositive_source_keeps_the_description() -> None:
    att = _one("Lena Park, a hydrologist at Delta University, said the levee would hold.")
    assert _roles(att) == ("Lena Park, a hydrologist at Delta University,", "said", "the levee would hold")
    assert (att.source.kind, att.source.subtype) == ("named", "person")
    att = _one("Omar Diaz, who chairs the board, said the vote was fair.")  # a relative clause too, as in PolNeAR
    assert att.source.span.text == "Omar Diaz, who chairs the board,"
    assert (att.source.kind, att.source.subtype) == ("named", "person")


def test_told_without_that_skips_the_listener() -> None:
    att = _one("Several delegates told the Courier they were leaning toward the mayor.")
    assert _roles(att) == ("Several delegates", "told", "they were leaning toward the mayor")


def test_participle_shares_the_previous_source() -> None:
    doc = analyze('"We are ready," she said, adding, "The pumps work."')
    assert [(a.source.span.text, a.cue.text) for a in doc.attributions] == [("she", "said"), ("she", "adding")]
    assert doc.attributions[1].content.text == '"The pumps work."'


def test_a_second_verb_of_the_subject_skips_its_listener_and_time() -> None:
    doc = analyze("Ms. Okoro backed the plan, but told the Courier on Monday that the budget was short.")
    assert [(a.source.span.text, a.cue.text, a.content.text) for a in doc.attributions][-1] == (
        "Ms. Okoro",
        "told",
        "that the budget was short",
    )


def test_participle_after_an_irregular_past_takes_the_subject() -> None:
    att = _one("The harbour master spoke on Monday, saying the quay would reopen.")
    assert _roles(att) == ("The harbour master", "saying", "the quay would reopen")
    # a name's subject stops before its verb: only name particles ("of", "de", ...) join capitalised words
    att = _one("Romney went after Lee on Wednesday, calling him a fraud.")
    assert _roles(att) == ("Romney", "calling", "him a fraud")
    att = _one("The Bank of England spoke on Monday, saying rates will rise.")
    assert att.source is not None and att.source.span.text == "The Bank of England"
    # a participle cue of two words is a participle too (it used to be read as an appositive source)
    att = _one("He basically ducked, pointing to his record on the harbour.")
    assert _roles(att) == ("He", "pointing to", "his record on the harbour")


def test_nested_attribution_ends_the_first_content() -> None:
    doc = analyze("One agency says the dam holds 2,400 tonnes, while another says it holds 1,800.")
    assert [(a.source.span.text, a.content.text) for a in doc.attributions] == [
        ("One agency", "the dam holds 2,400 tonnes"),
        ("another", "it holds 1,800"),
    ]


def test_colon_and_particle_belong_to_the_cue() -> None:
    att = _one("The mayor warned of floods: the river is rising.")
    assert att.cue.text == "warned of"
    att = _one('The mayor said: "The river is rising."')
    assert (att.cue.text, att.content.text) == ("said:", '"The river is rising."')


def test_headline_cue_in_title_case() -> None:
    att = _one("Mayor Ruiz Says The Bridge Will Reopen\n\nWork started today on the old bridge.")
    assert _roles(att) == ("Mayor Ruiz", "Says", "The Bridge Will Reopen")


def test_auxiliaries_and_adverbs_join_the_cue() -> None:
    att = _one("Local farmers are openly complaining that the canal is dry.")
    assert _roles(att) == ("Local farmers", "are openly complaining", "that the canal is dry")
    assert analyze("He was told that the canal is dry.").attributions == []  # a passive names no source


def test_no_attribution_without_a_cue() -> None:
    assert analyze("The river rose by two metres overnight and flooded the old town.").attributions == []
    # capitalised nouns are not cues ("the Islamic State")
    assert analyze("Officials of the Islamic State fled the town in June.").attributions == []


def test_pronoun_takes_the_kind_of_the_previous_source() -> None:
    doc = analyze('Dr. Lena Vos said the water was safe. "It is clean," she added.')
    assert [a.source.kind for a in doc.attributions] == ["named", "named"]
    assert doc.attributions[1].source.subtype == "person"


@pytest.mark.parametrize(
    ("phrase", "kind", "subtype"),
    [
        ("numerous experts", "vague", None),
        ("an increasing number of reports", "vague", None),
        ("some", "vague", None),
        ("critics", "vague", None),
        ("observers", "vague", None),
        ("officials", "anonymous", None),
        ("a senior official", "anonymous", None),
        ("a source close to the president", "anonymous", None),
        ("sources", "anonymous", None),
        ("we", "self", None),
        ("this newspaper", "self", "outlet"),
        ("the British newspaper The Daily Mirror", "named", "outlet"),
        ("Reuters", "named", "outlet"),
        ("the Ministry of Health", "named", "organisation"),
        ("Police", "named", "organisation"),
        ("Prime Minister Ada Lund", "named", "person"),
        ("Tomas Berg", "named", "person"),
        ("A Suffolk University poll", "named", "other"),
        ("federal prosecutors", "anonymous", None),
        ("those close to the mayor", "anonymous", None),
        ("those who oppose the plan", "vague", None),
        ("militants", "vague", None),
        ("Foreign sponsors of the group", "vague", None),
        ("Democrats", "named", "organisation"),
        ("Varrow dockworkers", "vague", None),  # an unnamed group from a named place
        ("Sanders supporters", "vague", None),
        ("Voters", "vague", None),  # a capital that only opens the sentence is no name
        ("Budget analysts", "vague", None),
        ("the dockworkers waiting at the gates", "vague", None),
        ("Sanders and his supporters", "named", "other"),
    ],
)
def test_classify_source(phrase: str, kind: str, subtype: str | None) -> None:
    assert classify_source(phrase) == (kind, subtype)


def test_a_capitalised_group_word_inside_a_name_keeps_it_named() -> None:
    assert classify_source("the United Mine Workers")[0] == "named"
    assert classify_source("The CORE Teachers")[0] == "named"


def test_the_outlet_itself_is_self() -> None:
    assert classify_source("the Valley Gazette", outlet="Valley Gazette")[0] == "self"


@pytest.mark.parametrize(
    ("lines", "chain"),
    [
        ("Headline here\n\nRiver Post reports:\n\nThe dam broke.", ["River Post"]),
        ("According to Lake News:\n\nThe dam broke.", ["Lake News"]),
        (
            "Headline\n\nHill Times reports:\n\nAs Valley Radio reported:\n\nThe dam broke.",
            ["Hill Times", "Valley Radio"],
        ),
        ("Headline\n\nThe dam broke.\n\nIt said: nothing.", []),
        ("Title\n\nHill Times reports, citing Valley Radio:\n\nThe dam broke.", ["Hill Times", "Valley Radio"]),
        ("According to Lake News, citing the Dam Authority:\n\nThe dam broke.", ["Lake News", "the Dam Authority"]),
        # after the body has started, "X reports:" introduces a quote, not the whole article
        ("Title\n\nThe dam broke early on Monday and flooded the old town.\n\nRiver Post reports:\n\nIt is bad.", []),
    ],
)
def test_relay_chain(lines: str, chain: list[str]) -> None:
    assert analyze(lines).relayed_from == chain
