"""Character ranges indexed by start, for the overlap questions the attribution steps ask of every relation."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from newsaudit.document import Span


class SpanIndex:
    """Character ranges, each with an owner, sorted by start: which ones a range overlaps is a bisection and a short
    walk back (no range is longer than the longest seen), not a scan of all (an article of 40,000 attributions took
    minutes)."""

    def __init__(self) -> None:
        self._ranges: list[tuple[int, int, int]] = []  # (start, end, owner)
        self._longest = 0

    @classmethod
    def of(cls, spans: Sequence[Span]) -> SpanIndex:
        """An index of `spans`, each owned by its position in the sequence."""
        index = cls()
        for k, span in enumerate(spans):
            index.add(span.start, span.end, k)
        return index

    def add(self, start: int, end: int, owner: int = 0) -> None:
        bisect.insort(self._ranges, (start, end, owner))
        self._longest = max(self._longest, end - start)

    def overlapping(self, start: int, end: int) -> Iterator[int]:
        """The owners of the ranges that share a character with [start, end), nearest start first."""
        i = bisect.bisect_left(self._ranges, (end,))  # the ranges that start before `end`
        while i > 0:
            i -= 1
            b, e, owner = self._ranges[i]
            if b < start - self._longest:  # so e <= start, and so for every range before it
                return
            if e > start:
                yield owner

    def overlaps(self, start: int, end: int, *, skip: int | None = None) -> bool:
        """Whether [start, end) shares a character with a range of an owner other than `skip`."""
        return any(owner != skip for owner in self.overlapping(start, end))
