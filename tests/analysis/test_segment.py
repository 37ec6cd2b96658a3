"""Paragraph and sentence segmentation of news text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.analysis.segment import segment, split_sentences
from newsaudit.evaluation.segmentation import gold_boundaries, predicted_boundaries


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_initials_and_decimals() -> None:
    text = "Mr. Smith met Dr. J. R. Jones at 4.5 p.m. on Tuesday. The U.S. Senate voted 51-49. It passed."
    assert _texts(text) == [
        "Mr. Smith met Dr. J. R. Jones at 4.5 p.m. on Tuesday.",
        "The U.S. Senate voted 51-49.",
        "It passed.",
    ]


def test_us_at_sentence_end_before_an_opener() -> None:
    assert _texts("Troops left the U.S. The move surprised allies.") == [
        "Troops left the U.S.",
        "The move surprised allies.",
    ]


def test_quotes_and_questions() -> None:
    text = '"We will not leave," she said. "Is it over?" he asked. “Never.” The talks ended.'
    assert _texts(text) == ['"We will not leave," she said.', '"Is it over?" he asked.', "“Never.”", "The talks ended."]


def test_ellipsis_and_no_split_before_lowercase() -> None:
    assert _texts("He paused... Then he left. It was e.g. a test.") == [
        "He paused...",
        "Then he left.",
        "It was e.g. a test.",
    ]
    assert _texts("Prices rose (by 3.2 percent.) and fell.") == ["Prices rose (by 3.2 percent.) and fell."]


def test_speaker_after_a_quote_stays_in_the_sentence() -> None:
    assert _texts("“We will win!” Ana Ruiz said on Monday. Then she left.") == [
        "“We will win!” Ana Ruiz said on Monday.",
        "Then she left.",
    ]
    # a new statement by the same speaker is a new sentence
    assert _texts("“Is it fair?” Ana Ruiz says it is not.") == ["“Is it fair?”", "Ana Ruiz says it is not."]


def test_sentences_starting_with_ellipsis_or_link() -> None:
    assert _texts("It ended. … Then came the rain. See https://example.org now.") == [
        "It ended.",
        "… Then came the rain.",
        "See https://example.org now.",
    ]


def test_paragraphs_are_lines_and_sentences_stay_inside() -> None:
    text = "Title without a stop\n\nFirst para. Still first.\nSecond para\nThird"
    paragraphs, sentences = segment(text)
    assert [p.text for p in paragraphs] == ["Title without a stop", "First para. Still first.", "Second para", "Third"]
    assert [(text[s.start : s.end], s.paragraph) for s in sentences] == [
        ("Title without a stop", 0),
        ("First para.", 1),
        ("Still first.", 1),
        ("Second para", 2),
        ("Third", 3),
    ]


def test_hard_wrapped_text_uses_blank_lines() -> None:
    line = "the council met again on Monday evening to discuss the budget and"
    text = "\n".join([f"Word {line}"] * 5) + " ended.\n\nNext paragraph here."
    paragraphs, _ = segment(text)
    assert len(paragraphs) == 2


def test_boundary_scoring_helpers() -> None:
    text = "Title\n\nOne. Two.\nThree."
    assert gold_boundaries(text) == {7, 17}
    assert predicted_boundaries([(0, 5), (7, 11), (12, 16)]) == {7, 12}


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"“”'’U.S.Mr 3,.")), max_size=200))
def test_segmentation_covers_text_in_order(text: str) -> None:
    paragraphs, sentences = segment(text)
    last = 0
    for p in paragraphs:
        assert text[p.start : p.end] == p.text and p.text.strip() == p.text and p.text
        assert p.start >= last
        last = p.end
    last = 0
    for s in sentences:
        para = paragraphs[s.paragraph]
        assert para.start <= s.start < s.end <= para.end
        assert s.start >= last
        last = s.end
    # every non-space character lies in some sentence
    covered = set()
    for s in sentences:
        covered.update(range(s.start, s.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


_ONE_CHAR_BREAKS = ["\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .!?\n\"“”'’U.S.Mr 3,.")), max_size=200),
    st.sampled_from(_ONE_CHAR_BREAKS),
)
def test_every_line_break_ends_a_paragraph(text: str, newline: str) -> None:
    # a lone "\r" (classic Mac text), "\v" (Word), U+2028 ... broke no paragraph: the whole article was one, its
    # headline ran into the first sentence and "X reports:" relay lines went unseen
    paragraphs, sentences = segment(text)
    other = text.replace("\n", newline)  # one character for one: the offsets stay the same
    other_paragraphs, other_sentences = segment(other)
    assert [(p.start, p.end) for p in other_paragraphs] == [(p.start, p.end) for p in paragraphs]
    assert other_sentences == sentences


def test_crlf_hard_wrapped_text_uses_blank_lines() -> None:
    # with "\r\n" every wrapped line was a paragraph of its own, so sentences broke at each line end
    line = "the council met again on Monday evening to discuss the budget and"
    text = "\n".join([f"Word {line}"] * 5) + " ended.\n\nNext paragraph here."
    for newline in ("\r\n", "\r", "\u2028"):
        paragraphs, sentences = segment(text.replace("\n", newline))
        assert len(paragraphs) == 2 and len(sentences) == 2, newline
