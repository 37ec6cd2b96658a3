"""Encoder fine-tuning data: runtime-sized windows that cover every word piece, with labels on the right pieces."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.models.encoder import BASE_ENCODER
from newsaudit.training.data import TaggedText
from newsaudit.training.finetune import load_tokenizer, training_windows

TOKENIZER = load_tokenizer(BASE_ENCODER / "tokenizer.json")
WORDS = ["officials", "said", "the", "disgraceful", "plan", "would", "ruin", "everything", ",", "reportedly", "."]


def test_long_text_is_cut_into_windows_that_cover_every_word_piece() -> None:
    text = " ".join(WORDS * 60)  # ~700 word pieces: past the 128-piece truncation in the shipped tokenizer.json
    n_pieces = len(TOKENIZER.encode(text, add_special_tokens=False).ids)
    wins = training_windows(TOKENIZER, [TaggedText("a", text, "ptc")], window=254, stride=224)
    assert n_pieces > 600 and len(wins) == 1 + -(-(n_pieces - 254) // 224)
    assert all(len(w.ids) <= 254 for w in wins)
    assert sum(len(w.ids) for w in wins) - (len(wins) - 1) * 30 == n_pieces  # windows overlap by 254 - 224


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=40), st.data())
def test_labels_mark_the_word_pieces_of_the_gold_span(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    start = len(" ".join(words[:i])) + (1 if i else 0)
    end = len(" ".join(words[:j]))
    ptc = TaggedText("p", text, "ptc", techniques=[(3, start, end)])
    roles = TaggedText("r", text, "polnear", roles=[(1, start, end)])
    [tw] = training_windows(TOKENIZER, [ptc], window=254, stride=224)
    [rw] = training_windows(TOKENIZER, [roles], window=254, stride=224)
    offsets = TOKENIZER.encode(text, add_special_tokens=False).offsets
    inside = np.array([start <= a and b <= end for a, b in offsets])
    assert tw.roles is None and rw.tech is None
    assert np.array_equal(tw.tech[:, 3].astype(bool), inside) and np.array_equal(tw.tech[:, -1].astype(bool), inside)
    assert tw.tech[:, [k for k in range(tw.tech.shape[1] - 1) if k != 3]].sum() == 0
    first = int(np.flatnonzero(inside)[0])
    assert rw.roles[first] == 3 and set(rw.roles[inside][1:]) <= {4} and set(rw.roles[~inside]) <= {0}
