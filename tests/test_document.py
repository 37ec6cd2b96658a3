"""Document helpers that locate offsets in the segmentation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsaudit.document import Document, Sentence


@given(st.lists(st.integers(1, 30), max_size=8), st.integers(-5, 300))
def test_sentence_index_is_the_last_sentence_starting_at_or_before_the_offset(lengths: list[int], offset: int) -> None:
    doc = Document(text="x" * sum(lengths))
    start = 0
    for n in lengths:
        doc.sentences.append(Sentence(start, start + n))
        start += n
    i = doc.sentence_index(offset)
    expected = max((j for j, s in enumerate(doc.sentences) if s.start <= offset), default=-1)
    assert i == expected
