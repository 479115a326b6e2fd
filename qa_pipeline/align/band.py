"""The search band: which DP cells (source boundary i, target boundary j) are kept.

For each source boundary i (a DP row) the band keeps a window of target boundaries
[lo[i], lo[i] + width[i]). A full band keeps everything; a group band keeps only the
rectangles of aligned paragraph groups; the coarse-to-fine band (`core._coarse_band`, which
runs the DP on halved documents) keeps a buffer around the coarse path (`_band_around_path`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text import unit_rows


@dataclass(frozen=True)
class _Band:
    lo: np.ndarray  # (n+1,) first target boundary of each row
    width: np.ndarray  # (n+1,) number of target boundaries kept in each row

    @property
    def n(self) -> int:
        return len(self.lo) - 1

    @property
    def w(self) -> int:
        return int(self.width.max())


def _full_band(n: int, m: int) -> _Band:
    return _Band(np.zeros(n + 1, np.int64), np.full(n + 1, m + 1, np.int64))


def _band_from_ranges(lo: np.ndarray, hi: np.ndarray, m: int) -> _Band:
    """Make windows [lo, hi) monotone, connected and containing the start and end nodes."""
    lo = np.clip(lo, 0, m).astype(np.int64)
    hi = np.clip(hi, 1, m + 1).astype(np.int64)
    lo[0] = 0
    hi[-1] = m + 1
    lo = np.minimum.accumulate(lo[::-1])[::-1].copy()
    hi = np.maximum.accumulate(hi)
    # consecutive rows must share a column so that 1-0 steps keep the path connected
    lo[1:] = np.minimum(lo[1:], hi[:-1] - 1)
    hi = np.maximum(hi, lo + 1)
    return _Band(lo, hi - lo)


def _downsample(vecs: np.ndarray) -> np.ndarray:
    """Sentence vectors of a document of half the length: each pair summed, renormalised."""
    if len(vecs) % 2:
        vecs = np.concatenate([vecs, np.zeros((1, vecs.shape[1]), vecs.dtype)])
    return unit_rows(vecs[0::2] + vecs[1::2])


def _band_around_path(path: Sequence[tuple[int, int, int]], n: int, m: int,
                      buffer: int) -> _Band:
    """Full-resolution band around a path found on halved documents, `buffer` boundaries wide
    on either side (path steps as `dp._viterbi` returns them: type, end row, end column)."""
    lo = np.full(n + 1, m + 1, np.int64)
    hi = np.zeros(n + 1, np.int64)
    prev = (0, 0)
    for _t, i, j in path:
        r0, r1 = max(0, 2 * prev[0] - buffer), min(n, 2 * i + buffer)
        lo[r0:r1 + 1] = np.minimum(lo[r0:r1 + 1], 2 * prev[1] - buffer)
        hi[r0:r1 + 1] = np.maximum(hi[r0:r1 + 1], 2 * j + buffer + 1)
        prev = (i, j)
    return _band_from_ranges(lo, hi, m)


def _group_band(src_group: np.ndarray, tgt_group: np.ndarray, n: int, m: int) -> _Band:
    """Band allowing only nodes inside the rectangles of aligned groups (ids increase)."""
    lo = np.full(n + 1, m + 1, np.int64)
    hi = np.zeros(n + 1, np.int64)
    groups = np.union1d(src_group, tgt_group)
    s_start = np.searchsorted(src_group, groups, side="left")
    s_end = np.searchsorted(src_group, groups, side="right")
    t_start = np.searchsorted(tgt_group, groups, side="left")
    t_end = np.searchsorted(tgt_group, groups, side="right")
    for s0, s1, t0, t1 in zip(s_start, s_end, t_start, t_end, strict=True):
        lo[s0:s1 + 1] = np.minimum(lo[s0:s1 + 1], t0)
        hi[s0:s1 + 1] = np.maximum(hi[s0:s1 + 1], t1 + 1)
    return _band_from_ranges(lo, hi, m)
