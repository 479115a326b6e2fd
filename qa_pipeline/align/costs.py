"""What both objectives price beads from: the problem, and band-shaped similarity tables.

A cost table has shape (bead types, n+1, band width): entry [t, i, c] prices the bead of type
t = (a, b) that ends at source boundary i and target boundary lo[i] + c, that is source
sentences i-a..i-1 with target sentences j-b..j-1. The objectives themselves are in
`costs_margin` and `costs_ratio`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .band import _Band


@dataclass
class _Problem:
    # overlap embeddings, src[k-1][i] = sentences i..i+k-1 (a list, or `runs._Centred`)
    src: Sequence[np.ndarray]
    tgt: Sequence[np.ndarray]
    types: list[tuple[int, int]]
    src_len: list[np.ndarray] | None  # char lengths of the same overlaps
    tgt_len: list[np.ndarray] | None
    src_group: list[np.ndarray] | None  # group id of each overlap, -1 if it crosses groups
    tgt_group: list[np.ndarray] | None
    # The soft paragraph prior: how many of the side's own paragraph boundaries each overlap
    # spans (None: no prior on that side), and the price of one boundary in deletions.
    src_bounds: list[np.ndarray] | None = None
    tgt_bounds: list[np.ndarray] | None = None
    bound_price: float = 0.0


def _block_values(x: np.ndarray, y: np.ndarray, a: int, b: int, band: _Band,
                  chunk: int = 32) -> np.ndarray:
    """x[i - a] . y[j - b] for every band cell (i, j); NaN where out of range or missing.

    Rows are taken in small chunks; one matrix product per chunk covers the chunk's columns,
    so the work is BLAS on dense blocks rather than per-cell gathers. Small chunks keep the
    redundant products (cells outside the band) to about chunk / band width.
    """
    n1, w = band.n + 1, band.w
    out = np.full((n1, w), np.nan, np.float32)
    bad_x = np.isnan(x[:, 0]) if len(x) else np.zeros(0, bool)
    bad_y = np.isnan(y[:, 0]) if len(y) else np.zeros(0, bool)
    if bad_x.any():
        x = np.where(bad_x[:, None], 0.0, x).astype(np.float32)
    if bad_y.any():
        y = np.where(bad_y[:, None], 0.0, y).astype(np.float32)
    offs = np.arange(w)
    for r0 in range(a, n1, chunk):
        r1 = min(n1, r0 + chunk, len(x) + a)
        if r1 <= r0:
            break
        lo = band.lo[r0:r1]
        c0 = max(0, int(lo[0]) - b)
        c1 = min(len(y), int(lo[-1]) + w - b)
        if c1 <= c0:
            continue
        block = x[r0 - a:r1 - a] @ y[c0:c1].T
        jj = lo[:, None] + offs[None, :] - b - c0
        ok = (jj >= 0) & (jj < c1 - c0) & (offs[None, :] < band.width[r0:r1, None])
        jc = np.clip(jj, 0, c1 - c0 - 1)
        vals = np.take_along_axis(block, jc, axis=1)
        bad = bad_x[r0 - a:r1 - a, None] | bad_y[c0 + jc]
        vals[~ok | bad] = np.nan
        out[r0:r1] = vals
    return out


def _cell_take(v: np.ndarray, band: _Band, b: int) -> np.ndarray:
    """v[j - b] for every band cell, NaN where out of range (per-target-overlap values)."""
    jj = band.lo[:, None] + np.arange(band.w)[None, :] - b
    if not len(v):
        return np.full(jj.shape, np.nan)
    ok = (jj >= 0) & (jj < len(v)) & (np.arange(band.w)[None, :] < band.width[:, None])
    return np.where(ok, np.asarray(v, np.float64)[np.clip(jj, 0, len(v) - 1)], np.nan)


def _row_take(v: np.ndarray, n1: int, a: int) -> np.ndarray:
    """v[i - a] for every row i, NaN where out of range."""
    ii = np.arange(n1) - a
    ok = (ii >= 0) & (ii < len(v))
    if not len(v):
        return np.full(n1, np.nan)
    return np.where(ok, np.asarray(v, np.float64)[np.clip(ii, 0, len(v) - 1)], np.nan)


BlockKey = tuple[int, int, int, int]  # (ks, kt, a, b) as `_Blocks.__call__` takes them


class _Blocks:
    """`_block_values` of run embeddings, memoised: bead types share many of them."""

    def __init__(self, prob: _Problem, band: _Band, uses: Iterable[BlockKey] = ()) -> None:
        """`uses`: every read that will be `release`d (a key once per reader); a block is
        dropped when its last reader releases it. Blocks not counted are held to the end."""
        self.prob, self.band = prob, band
        self.memo: dict[BlockKey, np.ndarray] = {}
        self.readers: dict[BlockKey, int] = {}
        for key in uses:
            self.readers[key] = self.readers.get(key, 0) + 1

    def release(self, keys: Iterable[BlockKey]) -> None:
        """One reader of each key is done with it; a block with no reader left is dropped."""
        for key in keys:
            if key in self.readers:
                self.readers[key] -= 1
                if self.readers[key] <= 0:
                    del self.readers[key]
                    self.memo.pop(key, None)

    def prefetch(self, keys: Iterable[BlockKey]) -> None:
        """Compute these blocks now, ordered by the run lengths they read: source length
        outermost, target length back and forth inside it, so that each side's centred run
        vectors (`runs._Centred`, one length held at a time) are computed about once per
        length instead of once per bead type. The values are the same in any order."""
        todo = sorted(set(keys) - self.memo.keys(),
                      key=lambda k: (k[0], k[1] if k[0] % 2 else -k[1], k[2], k[3]))
        for key in todo:
            self(*key)

    def __call__(self, ks: int, kt: int, a: int, b: int) -> np.ndarray:
        """src run of ks sentences starting at i - a . tgt run of kt starting at j - b."""
        key = (ks, kt, a, b)
        if key not in self.memo:
            self.memo[key] = _block_values(self.prob.src[ks - 1], self.prob.tgt[kt - 1], a, b,
                                           self.band)
        return self.memo[key]


def _finish(cost: np.ndarray, prob: _Problem, band: _Band, a: int, b: int,
            deletion: float) -> np.ndarray:
    """A bead type's costs plus the soft paragraph prior (`bound_price` deletions, each
    costing `deletion`, per paragraph boundary a side's run spans), with the cells it may not
    take (a bead crossing aligned groups, a side out of range or missing: NaN) set to
    infinity."""
    if prob.bound_price:
        price = prob.bound_price * deletion
        if prob.src_bounds is not None:
            cost = cost + price * _row_take(prob.src_bounds[a - 1], band.n + 1, a)[:, None]
        if prob.tgt_bounds is not None:
            cost = cost + price * _cell_take(prob.tgt_bounds[b - 1], band, b)
    if prob.src_group is not None and prob.tgt_group is not None:
        gs = _row_take(prob.src_group[a - 1], band.n + 1, a)[:, None]
        gt = _cell_take(prob.tgt_group[b - 1], band, b)
        cost = np.where((gs == gt) & (gs >= 0), cost, np.nan)
    return np.where(np.isnan(cost), np.inf, cost)
