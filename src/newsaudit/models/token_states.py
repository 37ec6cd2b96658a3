"""Contextual token states for a whole article: overlapping encoder windows merged back per word piece."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from newsaudit.models.chunking import merge_windows, windows
from newsaudit.models.encoder import OnnxEncoder
from newsaudit.unicode_text import replace_surrogates


@dataclass
class TokenStates:
    """Word-piece character offsets into the text and the encoder state of each word piece [n, dim]."""

    offsets: list[tuple[int, int]]
    states: np.ndarray

    @cached_property
    def starts(self) -> np.ndarray:
        """Start offset of each word piece (computed once: `token_range` runs per span)."""
        return np.array([a for a, _ in self.offsets], dtype=np.int64)

    @cached_property
    def ends(self) -> np.ndarray:
        """End offset of each word piece."""
        return np.array([b for _, b in self.offsets], dtype=np.int64)

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens [i, j) overlapping characters [start, end), or None."""
        if not self.offsets:
            return None
        starts, ends = self.starts, self.ends
        i = int(np.searchsorted(ends, start, side="right"))
        j = int(np.searchsorted(starts, end, side="left"))
        return (i, j) if i < j else None


def encode_texts(
    encoder: OnnxEncoder, texts: Sequence[str], *, window: int = 254, stride: int = 224, batch_size: int = 8
) -> list[TokenStates]:
    """Token states for each text: windows of `window` word pieces every `stride`, run in batches, then merged."""
    # the tokenizer cannot take an unpaired surrogate; U+FFFD stands in, one character for one, so offsets still hold
    toks = encoder.tokenize([replace_surrogates(t) for t in texts])
    jobs: list[tuple[int, int, int]] = []  # (text index, token start, token end)
    for t, (ids, _) in enumerate(toks):
        jobs.extend((t, a, b) for a, b in windows(len(ids), window, stride) if b > a)
    order = sorted(range(len(jobs)), key=lambda j: jobs[j][2] - jobs[j][1])
    outputs: list[np.ndarray | None] = [None] * len(jobs)
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        hidden, _ = encoder.run_ids([toks[jobs[j][0]][0][jobs[j][1] : jobs[j][2]] for j in idx])
        for r, j in enumerate(idx):
            n = jobs[j][2] - jobs[j][1]
            outputs[j] = hidden[r, 1 : n + 1]
    result = []
    per_text: dict[int, list[int]] = {}
    for j, (t, _, _) in enumerate(jobs):
        per_text.setdefault(t, []).append(j)
    dim = outputs[0].shape[-1] if jobs else 384  # type: ignore[union-attr]
    for t, (ids, offsets) in enumerate(toks):
        js = per_text.get(t, [])
        if not js:
            result.append(TokenStates([], np.zeros((0, dim), dtype=np.float32)))
            continue
        merged = merge_windows(len(ids), [jobs[j][1:] for j in js], [outputs[j] for j in js])  # type: ignore[misc]
        result.append(TokenStates(list(offsets), merged))
    return result
