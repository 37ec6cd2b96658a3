"""Alignment of gold character spans to word pieces: technique multi-hot labels and BIO role tags."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from newsaudit.analysis.labels import PTC_TECHNIQUES

log = logging.getLogger(__name__)

N_TECH = len(PTC_TECHNIQUES) + 1  # 14 techniques + "any technique" (span identification)
N_ROLE_TAGS = 7  # O, then B/I for Source, Cue, Content
IGNORE = -100


def technique_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """[tokens, 15] multi-hot: a token carries technique k when it overlaps a gold span of k; column 14 = any."""
    out = np.zeros((len(offsets), N_TECH), dtype=np.uint8)
    starts = np.array([a for a, _ in offsets], dtype=np.int64)
    ends = np.array([b for _, b in offsets], dtype=np.int64)
    for k, s, e in spans:
        hit = (starts < e) & (s < ends) & (ends > starts)
        out[hit, k] = 1
        out[hit, N_TECH - 1] = 1
    return out


def role_tags(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """BIO tags per token (0 = O, 1 + 2r = B-role r, 2 + 2r = I-role r); the first overlapping token of a span is B."""
    out = np.zeros((len(offsets),), dtype=np.int64)
    starts = np.array([a for a, _ in offsets], dtype=np.int64)
    ends = np.array([b for _, b in offsets], dtype=np.int64)
    for r, s, e in sorted(spans, key=lambda x: (x[1], x[2])):
        idx = np.nonzero((starts < e) & (s < ends) & (ends > starts))[0]
        if len(idx) == 0:
            continue
        out[idx] = 2 + 2 * r
        out[idx[0]] = 1 + 2 * r
    return out
