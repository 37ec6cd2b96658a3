"""Pronoun sources keep their antecedent as `Source.refers_to`, an exact span of the same text."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit import api
from newsaudit.analysis.attribution import _antecedent, classify_source, mute_thing, resolve_pronouns
from newsaudit.document import Attribution, Source, Span
from newsaudit.settings import Settings

analyze = partial(api.analyze, settings=Settings(use_models=False))
PRONOUNS = {"he", "she", "it", "who", "which", "i", "they", "him", "her", "them"}


def _sources(text: str) -> list[Source]:
    doc = analyze(text)
    doc.check_offsets()
    return [a.source for a in doc.attributions if a.source is not None]


def test_he_refers_to_the_earlier_named_source() -> None:
    text = "Ana Diaz said the queue had grown. He said the clinic needed two more nurses."
    first, second = _sources(text)
    assert first.span.text == "Ana Diaz" and first.refers_to is None
    assert second.span.text == "He" and (second.kind, second.subtype) == ("named", "person")
    assert second.refers_to == first.span == Span(0, 8, "Ana Diaz")


def test_she_without_an_earlier_source_refers_to_the_nearest_personal_name() -> None:
    text = "Maria Lopez runs the bakery next to Tomas Reyes. She said the rent had doubled."
    (src,) = _sources(text)
    assert src.refers_to is not None and src.refers_to.text == "Tomas Reyes"
    assert text[src.refers_to.start : src.refers_to.end] == "Tomas Reyes"


def test_relative_pronouns_refer_to_the_noun_phrase_before_them() -> None:
    text = "The clinic is run by Ana Diaz, who said the queue had grown."
    (src,) = _sources(text)
    assert src.refers_to == Span(text.index("Ana Diaz"), text.index("Ana Diaz") + 8, "Ana Diaz")
    text = "The plan was drafted by Harbour Council, which said it would cut costs."
    (src,) = _sources(text)
    assert src.refers_to is not None and src.refers_to.text == "Harbour Council"
    text = "The plan was drafted by several economists, who said it would cut costs."
    (src,) = _sources(text)
    assert src.kind == "vague" and src.refers_to is not None and src.refers_to.text == "several economists"


def test_the_antecedent_is_located_by_offsets_not_by_searching_the_text() -> None:
    # "Ana Diaz" occurs twice; the relative pronoun stands for the second one
    text = "Ana Diaz left early. The night shift was run by Ana Diaz, who said the queue had grown."
    (src,) = _sources(text)
    second = text.rindex("Ana Diaz")
    assert src.refers_to == Span(second, second + len("Ana Diaz"), "Ana Diaz")


def test_those_who_were_convinced() -> None:
    text = "As for the volunteers from abroad, those who were convinced that the work was easy have left."
    s = text.index("who")
    c0 = text.index("were convinced")
    model_made = Attribution(
        Span.of(text, text.index("that the work"), text.index(" have left")),
        Source(Span.of(text, s, s + 3), "named", "other"),
        Span.of(text, c0, c0 + 14),
    )
    (typed,) = resolve_pronouns(text, [model_made])
    assert typed.source is not None and typed.source.kind == "vague"
    ref = typed.source.refers_to
    assert ref is not None and ref.text == "those" and text[ref.start : ref.end] == "those" and ref.end <= s


def test_which_standing_for_an_abstract_noun_is_not_anonymous() -> None:
    # a thing that cannot speak types "which" as "the reform" would be typed, not as an anonymous "a/an" + noun
    text = "The council approved a sweeping reform, which suggests that the port will close."
    (src,) = _sources(text)
    assert src.refers_to is not None and src.refers_to.text == "a sweeping reform"
    assert (src.kind, src.subtype) == ("named", "other")
    # a model-made relation with a cue that is no reporting verb is typed the same way
    text = "Many fighters want to be grouped on a regional basis, which contradicts the movement's creed."
    s, c0 = text.index("which"), text.index("contradicts")
    model_made = Attribution(
        Span.of(text, c0 + 12, len(text) - 1),
        Source(Span.of(text, s, s + 5), "named", "other"),
        Span.of(text, c0, c0 + 11),
        origin="model",
    )
    (typed,) = resolve_pronouns(text, [model_made])
    assert typed.source is not None and typed.source.kind != "anonymous"
    assert typed.source.refers_to is not None and typed.source.refers_to.text == "a regional basis"
    # and, with no reporting cue, it is no attribution at all; a "which" that can speak, or reports, stays
    assert mute_thing(typed)
    assert not mute_thing(replace(typed, origin="rules"))
    for other, cue in [
        ("The plan was drafted by the port authority, which contradicts the mayor.", "contradicts"),
        ("Many fighters want a regional basis, which says that the creed is wrong.", "says"),
    ]:
        s2, c2 = other.index("which"), other.index(cue)
        made = Attribution(
            Span.of(other, c2 + len(cue) + 1, len(other) - 1),
            Source(Span.of(other, s2, s2 + 5), "named", "other"),
            Span.of(other, c2, c2 + len(cue)),
            origin="model",
        )
        (kept,) = resolve_pronouns(other, [made])
        assert kept.source is not None and kept.source.refers_to is not None and not mute_thing(kept)


def test_which_standing_for_a_speaker_is_typed_by_it() -> None:
    for speaker in ["the port authority", "a government agency", "Harbour Council", "a local newspaper"]:
        (src,) = _sources(f"The plan was backed by {speaker}, which said it would cut costs.")
        assert src.refers_to is not None and src.refers_to.text == speaker
        assert (src.kind, src.subtype) == classify_source(speaker)


def test_first_person_refers_to_nobody() -> None:
    (src,) = _sources("Maria Lopez runs the bakery. I think the rent has doubled.")
    assert src.kind == "self" and src.refers_to is None


NAMES = ["Ana Diaz", "Tomas Reyes", "Harbour Council", "the port authority", "several economists", "Dr. Joan Ruiz"]
SENTENCES = [
    "{n} said the rent had doubled.",
    "He said the queue had grown.",
    "She told reporters the talks had stalled.",
    "It said costs would fall.",
    "The plan was drafted by {n}, who said it would cut costs.",
    "The clinic is run by {n}, which said the queue had grown.",
    "Those who were convinced that the work was easy have left.",
    "The weather was mild on Tuesday.",
    "I think the rent has doubled.",
]


@st.composite
def articles(draw: st.DrawFn) -> str:
    """Short articles mixing named sources, pronoun sources and filler, with random spacing."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        template = draw(st.sampled_from(SENTENCES))
        parts.append(template.format(n=draw(st.sampled_from(NAMES))))
        parts.append(draw(st.sampled_from([" ", "  ", "\n", "\n\n", " \u00a0"])))
    return "".join(parts)


@settings(max_examples=40, deadline=None)
@given(articles())
def test_refers_to_slices_the_text_and_comes_before_the_pronoun(text: str) -> None:
    for src in _sources(text):
        ref = src.refers_to
        if ref is None:
            continue
        assert src.span.text.lower() in PRONOUNS
        assert 0 <= ref.start < ref.end <= src.span.start
        assert text[ref.start : ref.end] == ref.text
        assert ref.text == ref.text.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc ABC,.;'’-\n")), max_size=120), st.data())
def test_antecedent_offsets_lie_before_the_pronoun(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    found = _antecedent(text, start)
    if found is not None:
        a, b = found
        assert max(0, start - 80) <= a < b <= start
        assert text[a:b] == text[a:b].strip() and text[a:b]


def test_a_place_or_an_institution_is_not_taken_for_the_person_a_pronoun_stands_for() -> None:
    text = "Flooding hit New York and the White House on Monday. She said the pumps had failed."
    (src,) = _sources(text)
    assert src.refers_to is None and src.kind == "vague"


def test_two_capitalised_words_naming_a_place_or_an_institution_are_not_a_person() -> None:
    from newsaudit.analysis.attribution import classify_source

    assert classify_source("New York") == ("named", "other")
    assert classify_source("the White House") == ("named", "organisation")
    assert classify_source("United Nations") == ("named", "organisation")
    assert classify_source("Ana Diaz") == ("named", "person")
    assert classify_source("City Hall") == ("named", "organisation")
    assert classify_source("Parliament House") == ("named", "organisation")


def test_a_person_whose_surname_is_an_institution_word_is_a_person() -> None:
    from newsaudit.analysis.attribution import classify_source

    assert classify_source("John House") == ("named", "person")
    assert classify_source("Mary Hall") == ("named", "person")
    assert classify_source("the Town Hall") == ("named", "organisation")
    text = "John House, a farmer in Iowa, said the drought was the worst he had seen."
    (src,) = _sources(text)
    assert src.span.text.startswith("John House") and src.subtype == "person"


def test_they_refers_to_the_nearest_earlier_plural_source() -> None:
    text = (
        "Harbour Council said the pier would close. Several dock workers said the pay had been cut. "
        "They said the night shift would end."
    )
    council, workers, they = _sources(text)
    assert they.span.text == "They" and they.refers_to == workers.span
    assert they.refers_to is not None and they.refers_to.text == "Several dock workers"
    assert (they.kind, they.subtype) == (workers.kind, workers.subtype) == ("vague", None)
    assert council.refers_to is None


def test_they_without_a_plural_source_keeps_no_antecedent() -> None:
    text = "Ana Diaz said the queue had grown. They said the clinic needed two more nurses."
    _, they = _sources(text)
    assert they.span.text == "They" and they.refers_to is None and they.kind == "vague"


def test_they_does_not_reach_back_over_a_whole_paragraph() -> None:
    last_para = "Several dock workers said the pay had been cut.\n\n"
    they_para = "They said the night shift would end."
    for between, linked in [("", True), ("The pier is old.\n\n", False), ("The pier is old.\n", False)]:
        text = last_para + between + they_para
        workers, they = _sources(text)
        assert they.span.text == "They" and (they.refers_to == workers.span) is linked, between


def test_plural_phrases() -> None:
    from newsaudit.analysis.attribution import _is_plural

    for phrase in ["militants", "two officials close to the mayor", "the police", "Ana Diaz and Tomas Reyes"]:
        assert _is_plural(phrase), phrase
    for phrase in ["Ana Diaz", "the Associated Press", "a spokesman for the ministers", "the news", "they", "boss"]:
        assert not _is_plural(phrase), phrase


def test_a_relative_pronouns_antecedent_stops_at_a_past_tense_verb() -> None:
    for sentence, expected in [
        ("The clinic hired another Ana Diaz, who said", "another Ana Diaz"),
        ("The mayor met union leaders, who said", "union leaders"),
        ("The school took on a retired teacher, who said", "a retired teacher"),  # an adjective, not a verb
        ("The plan was drafted by Harbour Council, which said", "Harbour Council"),
    ]:
        pronoun = sentence.rindex(",") + 2
        found = _antecedent(sentence, pronoun)
        assert found is not None and sentence[slice(*found)] == expected, sentence
