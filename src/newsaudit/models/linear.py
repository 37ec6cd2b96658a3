"""A logistic regression over binary string features, stored as a gzip-compressed JSON weight table."""

from __future__ import annotations

import gzip
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

_ZEROS = itertools.repeat(0.0)  # the default weight of an unseen feature, for map(dict.get, feats, _ZEROS)


@dataclass(frozen=True)
class LinearModel:
    """Feature weights, an intercept and the threshold its caller compares probabilities (or margins) with."""

    weights: dict[str, float]
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path) -> Self:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        return cls(data["weights"], data["bias"], data["threshold"])

    def save(self, path: Path, **info: object) -> None:
        """Write the table (and `info`, e.g. how it was trained) as gzip JSON, byte-identical for equal content."""
        payload = {"bias": self.bias, "threshold": self.threshold, **info, "weights": self.weights}
        data = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        path.write_bytes(gzip.compress(data, mtime=0))

    def probability(self, feats: Sequence[str]) -> float:
        """The probability of the positive class for an example with these features."""
        z = self.bias + sum(map(self.weights.get, feats, _ZEROS))
        return 1.0 / (1.0 + math.exp(-z))
