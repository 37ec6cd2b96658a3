"""Features and scores of the SI span filter."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from newsaudit.models.span_filter import N_GENERIC, filter_features, filter_scores
from newsaudit.models.token_states import TokenStates

TEXT = 'Title line\nThey are "utterly corrupt" people! Nobody trusts them.'


def _tokens(text: str) -> TokenStates:
    offsets, pos = [], 0
    for word in text.replace("\n", " ").split(" "):
        offsets.append((pos, pos + len(word)))
        pos += len(word) + 1
    return TokenStates(offsets, np.zeros((len(offsets), 2), np.float32))


def test_features_of_a_hand_checked_span() -> None:
    tokens = _tokens(TEXT)
    n = len(tokens.offsets)
    probs = np.linspace(0.1, 0.9, n).astype(np.float32)
    tech = np.zeros((n, 3), np.float32)
    tech[:, 1] = 0.5
    start = TEXT.index('"utterly')
    end = TEXT.index("people!") + len("people!")
    (row,) = filter_features(TEXT, tokens, probs, tech, [(start, end)])
    i, j = tokens.token_range(start, end)  # type: ignore[misc]
    assert (i, j) == (4, 7)
    assert row[0] == np.float32(probs[4:7].mean()) and row[1] == probs[6] and row[2] == probs[4]
    assert row[4] == np.float32(np.log(end - start)) and row[5] == np.float32(np.log1p(3))
    assert row[7] == 0.0  # not the title line
    assert row[9] == np.float32(probs[1:4].mean()) and row[10] == np.float32(probs[7:10].mean())
    assert row[11] == 1.0 and row[12] == 1.0  # quotes, '!'
    assert list(row[N_GENERIC:]) == [0.0, 0.5, 0.0]
    (title,) = filter_features(TEXT, tokens, probs, tech, [(0, 5)])
    assert title[7] == 1.0 and title[9] == 0.0  # title line; nothing before it


@given(st.lists(st.tuples(st.integers(0, len(TEXT)), st.integers(1, 30)), max_size=6))
def test_features_are_finite_for_any_span(raw: list[tuple[int, int]]) -> None:
    spans = [(s, min(len(TEXT), s + n)) for s, n in raw if s < len(TEXT)]
    tokens = _tokens(TEXT)
    n = len(tokens.offsets)
    feats = filter_features(TEXT, tokens, np.full(n, 0.5, np.float32), np.zeros((n, 2), np.float32), spans)
    assert feats.shape == (len(spans), N_GENERIC + 2) and np.isfinite(feats).all()


def test_scores_are_the_standardised_logistic() -> None:
    weights = {"sif_mean": np.array([1.0, 0.0]), "sif_scale": np.array([2.0, 1.0]), "sif_w": np.array([1.0, -1.0])}
    weights["sif_b"] = np.array(0.5)
    scores = filter_scores(weights, np.array([[3.0, 0.5], [1.0, 0.5]]))
    assert np.allclose(scores, [1 / (1 + np.exp(-1.0)), 0.5])
