"""Centred run vectors held one run length at a time (what `runs._center` returns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np

from ..text import unit_rows


class _Centred(Sequence[np.ndarray]):
    """Run embeddings of one side minus a mean vector, renormalised: `unit_rows(v - mu)` per
    run length, computed when the length is read and only the last `keep` lengths held.

    Every length of a 20k-sentence side at 768 dimensions is 60 MB; holding all of them next
    to the caller's raw vectors doubled the aligner's memory. The cost tables read them about
    one length at a time (bead types ordered by run length in `costs_margin`, blocks ordered
    by `costs._Blocks.prefetch` in `costs_ratio`), so holding one costs a few recomputations.
    A length's vectors are the same bits however often they are recomputed.
    """

    def __init__(self, raw: Sequence[np.ndarray], mu: np.ndarray, keep: int = 1) -> None:
        self.raw, self.mu, self.keep = list(raw), mu, max(1, keep)
        self._held: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.raw)

    @overload
    def __getitem__(self, k: int) -> np.ndarray: ...

    @overload
    def __getitem__(self, k: slice) -> list[np.ndarray]: ...

    def __getitem__(self, k: int | slice) -> np.ndarray | list[np.ndarray]:
        if isinstance(k, slice):
            return [self[i] for i in range(len(self))[k]]
        k = range(len(self))[k]  # IndexError past the end, as a list
        v = self._held.pop(k, None)
        if v is None:
            while len(self._held) >= self.keep:  # free before computing: one length at a time
                self._held.pop(next(iter(self._held)))
            raw = self.raw[k]
            v = unit_rows(raw - self.mu) if len(raw) else raw
        self._held[k] = v
        return v
