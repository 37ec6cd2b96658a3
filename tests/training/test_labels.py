"""Label alignment from character spans to word pieces (techniques multi-hot, roles BIO) and token ranges."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.models.token_states import TokenStates
from newsaudit.training.features import N_TECH, role_tags, technique_labels

WORDS = ["the", "minister", "said", "taxes", "would", "rise", ",", "sharply", "."]


def _tokens(words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    text, offsets, pos = "", [], 0
    for w in words:
        if text:
            text += " "
            pos += 1
        offsets.append((pos, pos + len(w)))
        text += w
        pos += len(w)
    return text, offsets


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30), st.data())
def test_technique_labels_mark_exactly_the_overlapping_tokens(words: list[str], data: st.DataObject) -> None:
    text, offsets = _tokens(words)
    s = data.draw(st.integers(0, len(text) - 1))
    e = data.draw(st.integers(s + 1, len(text)))
    k = data.draw(st.integers(0, N_TECH - 2))
    labels = technique_labels(offsets, [(k, s, e)])
    assert labels.shape == (len(offsets), N_TECH)
    for i, (a, b) in enumerate(offsets):
        inside = a < e and s < b
        assert labels[i, k] == inside
        assert labels[i, N_TECH - 1] == inside
    assert labels[:, [j for j in range(N_TECH - 1) if j != k]].sum() == 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=30), st.data())
def test_role_tags_are_valid_bio(words: list[str], data: st.DataObject) -> None:
    text, offsets = _tokens(words)
    s = data.draw(st.integers(0, len(text) - 1))
    e = data.draw(st.integers(s + 1, len(text)))
    r = data.draw(st.integers(0, 2))
    tags = role_tags(offsets, [(r, s, e)])
    idx = [i for i, (a, b) in enumerate(offsets) if a < e and s < b]
    if not idx:  # the span covers only a space
        assert not tags.any()
        return
    assert tags[idx[0]] == 1 + 2 * r
    assert all(tags[i] == 2 + 2 * r for i in idx[1:])
    assert all(tags[i] == 0 for i in range(len(offsets)) if i not in idx)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30), st.data())
def test_token_range_matches_overlap(words: list[str], data: st.DataObject) -> None:
    text, offsets = _tokens(words)
    ts = TokenStates(offsets, np.zeros((len(offsets), 2), np.float32))
    s = data.draw(st.integers(0, len(text)))
    e = data.draw(st.integers(s, len(text)))
    expected = [i for i, (a, b) in enumerate(offsets) if a < e and s < b]
    rng = ts.token_range(s, e)
    if expected:
        assert rng == (expected[0], expected[-1] + 1)
    else:
        assert rng is None


def test_labels_with_the_shipped_tokenizer() -> None:
    from tokenizers import Tokenizer

    from newsaudit.models.encoder import BASE_ENCODER

    tok = Tokenizer.from_file(str(BASE_ENCODER / "tokenizer.json"))
    text = "Officials insisted the unbelievable plan was flawless."
    enc = tok.encode(text, add_special_tokens=False)
    s = text.index("unbelievable")
    e = s + len("unbelievable")
    labels = technique_labels(enc.offsets, [(8, s, e)])
    marked = [text[a:b] for (a, b), flag in zip(enc.offsets, labels[:, 8], strict=True) if flag]
    assert "".join(marked).replace("##", "") == "unbelievable"
