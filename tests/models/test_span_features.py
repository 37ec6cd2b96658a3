"""Span and sentence features shared by training and run time: text cues, hashed words, n-gram tf-idf rows."""

from __future__ import annotations

import itertools
import zlib
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.models import span_features
from newsaudit.models.span_features import (
    N_TEXT_CUES,
    hashed_gram_counts,
    hashed_words,
    tc_unscaled,
    tc_vector,
    text_cues,
    tfidf_rows,
)

TEXT = (
    "Harbour Closure Is A Betrayal!\n"
    'The mayor called it "a total betrayal" of the harbour. Critics asked: is the closure really needed?\n'
    "What about the fishermen? The closure, the closure, always the closure."
)


def test_text_cues_see_quotes_repetition_and_title() -> None:
    s = TEXT.index("a total betrayal")
    quoted = text_cues(TEXT, s, s + len("a total betrayal"))
    assert quoted.shape == (N_TEXT_CUES,) and quoted.dtype == np.float32
    assert quoted[5] == 1.0  # quote marks on both sides
    assert quoted[1] > 0  # "betrayal" (a content word) occurs elsewhere: in the title
    title = text_cues(TEXT, 0, TEXT.index("\n"))
    assert title[15] == 1.0 and title[14] == 1.0 and title[10] == 1.0  # title line, whole line, "!"
    c = TEXT.rindex("closure")
    assert text_cues(TEXT, c, c + len("closure"))[2] == pytest.approx(np.log1p(4))  # 4 other "closure"s


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(TEXT) - 1), st.integers(1, 40))
def test_text_cues_are_finite_for_any_span(start: int, length: int) -> None:
    end = min(len(TEXT), start + length)
    cues = text_cues(TEXT, start, end)
    assert cues.shape == (N_TEXT_CUES,) and np.isfinite(cues).all()


def test_hashed_words_are_binary_stable_and_lowercased() -> None:
    a = hashed_words("The Closure", 0, 11, 64)
    b = hashed_words("the closure", 0, 11, 64)
    assert set(np.unique(a)) <= {0.0, 1.0} and a.sum() >= 2
    np.testing.assert_array_equal(a, b)


def test_tc_vector_concatenates_named_blocks() -> None:
    rng = np.random.default_rng(0)
    states, adapter = rng.normal(size=(6, 4)).astype(np.float32), rng.normal(size=(6, 3)).astype(np.float32)
    blocks = ("state_mean", "adapter_max", "length_repetition", "text_cues", "hashed_words")
    v = tc_vector(blocks, states, adapter, 1, 3, TEXT, 0, 7, hash_dim=16)
    assert v.shape == (4 + 3 + 2 + N_TEXT_CUES + 16,)
    np.testing.assert_allclose(v[:4], states[1:3].mean(0), rtol=1e-6)
    np.testing.assert_allclose(v[4:7], adapter[1:3].max(0), rtol=1e-6)
    assert tc_unscaled(blocks, 16) == 16 and tc_unscaled(blocks[:-1], 16) == 0
    with pytest.raises(ValueError):
        tc_vector(("nope",), states, adapter, 0, 1, TEXT, 0, 1)


def test_sentence_grams_and_tfidf_rows() -> None:
    grams = sentence_grams("Jobs rose 12%")
    assert "w:jobs" in grams and "b:jobs rose" in grams and "c: 00 " in grams  # digits map to 0
    counts = hashed_gram_counts("Jobs rose 12%", 1 << 12)
    assert sum(counts.values()) == len(grams)
    idf = np.linspace(1.0, 2.0, 1 << 12).astype(np.float32)
    (_, val), (idx2, val2) = tfidf_rows(["Jobs rose 12%", ""], idf)
    assert float((val**2).sum()) == pytest.approx(1.0, rel=1e-5)
    assert len(idx2) == 0 and len(val2) == 0


@given(st.text(alphabet="ab1 .Zé", max_size=40))
def test_hashed_counts_equal_hashing_every_gram(text: str) -> None:
    dim = 1 << 10
    expected = Counter(zlib.crc32(g.encode("utf-8")) % dim for g in sentence_grams(text))
    assert hashed_gram_counts(text, dim) == dict(expected)


WORD = span_features._WORD
DIGIT = span_features._DIGIT


def sentence_grams(text: str) -> list[str]:
    """Word unigrams and bigrams, and character 2-5-grams inside each word (digits mapped to 0), of a sentence."""
    words = WORD.findall(text.lower())
    grams = [f"w:{w}" for w in words]
    grams += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
    for w in words:
        padded = f" {DIGIT.sub('0', w)} "
        for n in range(2, 6):
            grams += [f"c:{padded[k : k + n]}" for k in range(len(padded) - n + 1)]
    return grams
