"""The SI span filter: a logistic score over each decoded technique span, shared by training and run time.

About half of the spans the token taggers decode overlap no gold technique span; a span's probability profile, length,
place in the article and technique taggers separate some of them (figures in the multitask model card).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsaudit.models.token_states import TokenStates

_CONTEXT = 3  # word pieces either side whose mean probability is a feature
N_GENERIC = 14


def filter_features(
    text: str, tokens: TokenStates, probs: np.ndarray, tech: np.ndarray, spans: Sequence[tuple[int, int]]
) -> np.ndarray:
    """[n, 14 + techniques] features of each span: its word pieces' SI probabilities (mean, max, min, spread, the
    mean of the 3 before and after), log characters and words, relative position, title line, share of its line,
    quotes, '!', share of capitalised words, and the mean of each technique tagger over its word pieces."""
    n_tech = tech.shape[1]
    out = np.zeros((len(spans), N_GENERIC + n_tech), dtype=np.float32)
    title_end = text.find("\n")
    for row, (start, end) in enumerate(spans):
        where = tokens.token_range(start, end)
        if where is None:
            continue
        i, j = where
        p = probs[i:j]
        before = probs[max(0, i - _CONTEXT) : i]
        after = probs[j : j + _CONTEXT]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        words = text[start:end].split()
        out[row, :N_GENERIC] = (
            p.mean(),
            p.max(),
            p.min(),
            p.std(),
            np.log(end - start),
            np.log1p(len(words)),
            start / len(text),
            float(start < title_end or title_end < 0),
            (end - start) / max(1, line_end - line_start),
            before.mean() if len(before) else 0.0,
            after.mean() if len(after) else 0.0,
            float(any(q in text[start:end] for q in '"“”')),
            float("!" in text[start:end]),
            sum(w[:1].isupper() for w in words) / max(1, len(words)),
        )
        out[row, N_GENERIC:] = tech[i:j].mean(0)
    return out


def filter_scores(weights: dict[str, np.ndarray], features: np.ndarray) -> np.ndarray:
    """P(the span overlaps a technique span) from the filter's standardised logistic weights (`sif_*`)."""
    z = (features - weights["sif_mean"]) / weights["sif_scale"]
    return 1.0 / (1.0 + np.exp(-(z @ weights["sif_w"] + weights["sif_b"])))
