"""The role tagger's probabilities over a text, for the learned attribution steps to read per span or per word."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from newsaudit.document import Document


@dataclass(frozen=True)
class RoleProbabilities:
    """Word-piece offsets [n, 2] (zero-width special pieces left out) and the probability of each role over them
    [n, 3] (Source, Cue, Content: the B and I tags summed)."""

    offsets: np.ndarray
    roles: np.ndarray
    _starts: list[int] = field(init=False, repr=False, compare=False)
    _ends: list[int] = field(init=False, repr=False, compare=False)
    _cumulative: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", self.offsets[:, 0].tolist())
        object.__setattr__(self, "_ends", self.offsets[:, 1].tolist())
        cumulative = np.zeros((len(self.roles) + 1, 3))
        cumulative[1:] = np.cumsum(self.roles, axis=0)
        object.__setattr__(self, "_cumulative", cumulative)

    @classmethod
    def of(cls, offsets: Sequence[tuple[int, int]], tags: np.ndarray) -> RoleProbabilities:
        """From the tagger's offsets and its 7 tag probabilities per word piece (O, then B/I of each role)."""
        off = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
        keep = off[:, 1] > off[:, 0]
        tags = np.asarray(tags)[keep]
        return cls(off[keep], tags[:, 1:7:2] + tags[:, 2:7:2])

    def over(self, start: int, end: int, role: int) -> tuple[float, float] | None:
        """Mean and max probability of `role` (0 Source, 1 Cue, 2 Content) over the word pieces touching
        text[start:end], or None when none does."""
        # pieces are sorted and do not overlap: those touching the range are a slice
        lo, hi = bisect.bisect_right(self._ends, start), bisect.bisect_left(self._starts, end)
        if hi <= lo:
            return None
        mean = (self._cumulative[hi, role] - self._cumulative[lo, role]) / (hi - lo)
        return float(mean), float(self.roles[lo:hi, role].max())

    def mean(self, start: int, end: int, role: int) -> float | None:
        """Mean probability of `role` over the word pieces starting in text[start:end] (fast: for every word)."""
        lo, hi = bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)
        if hi <= lo:
            return None
        return float((self._cumulative[hi, role] - self._cumulative[lo, role]) / (hi - lo))


def role_probabilities(doc: Document, model_dir: str | None = None) -> RoleProbabilities:
    """The role tagger's output over a Document, from the model in `model_dir` (default: the shipped one); computed
    once per model output, for every model step."""
    from newsaudit.models.audit_model import document_output, load_model

    model = load_model(model_dir)
    out = document_output(doc, model)
    key = ("newsaudit.role_probabilities", str(model.model_dir))
    cached = doc.cache.get(key)
    if cached is None or cached[0] is not out:
        cached = (out, RoleProbabilities.of(out.tokens.offsets, out.roles))
        doc.cache[key] = cached
    return cached[1]


def tenths(p: float) -> int:
    """A probability as a feature value: its tenth, 0 to 9."""
    return min(9, int(p * 10))


def tenths_or_none(p: float | None) -> str:
    """`tenths(p)` as a feature value, or "none" where no word piece was there to score."""
    return "none" if p is None else str(tenths(p))
