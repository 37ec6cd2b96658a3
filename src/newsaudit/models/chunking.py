"""Token windows over long texts and the mapping of token predictions back to exact character spans."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from newsaudit.unicode_text import LINE_BREAK, LINE_BREAKS

# A blank line, with any line break str.splitlines() knows.
_BLANK_LINE = re.compile(f"{LINE_BREAK}[^\\S{LINE_BREAKS}]*{LINE_BREAK}")


def windows(n_tokens: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Half-open token windows of at most `size` tokens, starting every `stride` tokens, covering all tokens."""
    if size <= 0 or stride <= 0 or stride > size:
        raise ValueError("need 0 < stride <= size")
    if n_tokens <= size:
        return [(0, n_tokens)]
    out = []
    start = 0
    while True:
        end = min(start + size, n_tokens)
        out.append((start, end))
        if end == n_tokens:
            return out
        start += stride


def merge_windows(n_tokens: int, spans: Sequence[tuple[int, int]], values: Sequence[np.ndarray]) -> np.ndarray:
    """Average per-window token arrays [window_len, ...] into one array [n_tokens, ...], weighting window centres.

    Each token takes a weighted mean over the windows that cover it; the weight falls off towards a window's edges,
    where the encoder saw less context.
    """
    if not values:
        return np.zeros((0,), dtype=np.float32)
    tail = values[0].shape[1:]
    total = np.zeros((n_tokens, *tail), dtype=np.float32)
    weight = np.zeros((n_tokens,), dtype=np.float32)
    for (start, end), val in zip(spans, values, strict=True):
        n = end - start
        pos = np.arange(n)
        w = np.minimum(np.minimum(pos + 1, n - pos), 32).astype(np.float32)  # flat in the interior
        total[start:end] += val * w.reshape(-1, *([1] * len(tail)))
        weight[start:end] += w
    total /= np.maximum(weight, 1e-9).reshape(-1, *([1] * len(tail)))
    return total


def runs(flags: Sequence[bool] | np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs [i, j) of consecutive true values."""
    out = []
    start = None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(flags)))
    return out


def split_at_blank_lines(text: str, offsets: Sequence[tuple[int, int]], i: int, j: int) -> list[tuple[int, int]]:
    """The run [i, j) of word pieces cut wherever a blank line separates two neighbouring pieces."""
    cuts = [t for t in range(i + 1, j) if _BLANK_LINE.search(text, offsets[t - 1][1], offsets[t][0])]
    bounds = [i, *cuts, j]
    return list(itertools.pairwise(bounds))


def _is_word_char(ch: str) -> bool:
    # combining marks belong to the letter before them ("e" + U+0301 in decomposed text is one "é"), and the
    # zero-width (non-)joiners to the word they sit in
    return ch.isalnum() or ch in "_'’-\u200c\u200d" or unicodedata.category(ch)[0] == "M"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words and trim surrounding whitespace; the result stays inside the text."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    while start > 0 and start < len(text) and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while 0 < end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_OPENING = {'"': '"', "“": "”", "‘": "’", "«": "»"}
_CLOSING = {"”": "“", "»": "«"}  # not ’, which is also an apostrophe ("the farmers’")


def trim_unpaired_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading opening quote whose closing quote is not in [start, end), and a trailing closing quote whose
    opening quote is not, with the whitespace they leave at the edge."""
    while start < end:
        span = text[start:end]
        if span[0] in _OPENING and _OPENING[span[0]] not in span[1:]:
            start += 1
        elif (span[-1] in _CLOSING and _CLOSING[span[-1]] not in span[:-1]) or (
            span[-1] == '"' and span.count('"') % 2 == 1 and len(span) > 1
        ):
            end -= 1
        else:
            break
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end
