"""Features of a character span shared by training and run time: pooled token features, length, repetition."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(phrase: str) -> str:
    """Lower-cased words joined by single spaces (punctuation dropped), for repetition matching."""
    return " ".join(_NON_WORD.sub(" ", phrase.lower()).split())


def repetition_count(text: str, start: int, end: int) -> int:
    """How many other times the span's normalised phrase occurs, as whole words, in the normalised text."""
    phrase = normalise(text[start:end])
    if len(phrase) < 3:
        return 0
    return max(0, _haystack(text).count(f" {phrase} ") - 1)


@lru_cache(maxsize=8)
def _haystack(text: str) -> str:
    """The normalised text padded with spaces, computed once per article rather than once per span."""
    return f" {normalise(text)} "


N_SCALARS = 2


def span_vector(feats: np.ndarray, i: int, j: int, text: str, start: int, end: int) -> np.ndarray:
    """[mean, max] of token features over tokens [i, j), then log length and log repetition count."""
    part = feats[i:j] if j > i else feats[i : i + 1]
    scalars = np.array([np.log1p(end - start) / 5.0, np.log1p(repetition_count(text, start, end))], dtype=np.float32)
    return np.concatenate([part.mean(0), part.max(0), scalars]).astype(np.float32)
