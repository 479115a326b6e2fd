"""Dynamic programming over the band: the best path (Viterbi) and soft-min posteriors.

Row i of every DP table holds target boundaries lo[i] .. lo[i] + w - 1. Tables carry a
padding of `w + 8` columns either side so that the cells a bead type reads from an earlier
(or later) row are one contiguous slice at a per-row shift: no gathers in the inner loop.
Within a row, runs of 0-1 beads are solved at once with a prefix minimum (a prefix log-sum
for the soft version), so the Python loop runs once per row and per bead type, never per cell.
"""

from __future__ import annotations

import numpy as np

from .band import _Band


def _shifts(band: _Band, types: list[tuple[int, int]], sign: int) -> np.ndarray:
    """shift[t, i] = lo[i] - sign*b - lo[i - sign*a] (column offset into the other row)."""
    n1 = band.n + 1
    out = np.zeros((len(types), n1), np.int64)
    for t, (a, b) in enumerate(types):
        other = np.clip(np.arange(n1) - sign * a, 0, n1 - 1)
        out[t] = band.lo - sign * b - band.lo[other]
    return out


def _viterbi(costs: np.ndarray, types: list[tuple[int, int]], band: _Band,
             del_t: float) -> list[tuple[int, int, int]]:
    """Best path; returns beads as (type index, end row, end col), type -1 meaning 0-1."""
    n, w = band.n, band.w
    pad = w + 8
    D = np.full((n + 1, w + 2 * pad), np.inf)
    bp = np.full((n + 1, w), -2, np.int16)
    sh = _shifts(band, types, 1)
    live = [t for t, (a, _) in enumerate(types) if a > 0]
    cand = np.empty((len(live), w))
    for i in range(n + 1):
        cand.fill(np.inf)
        for k, t in enumerate(live):
            a = types[t][0]
            s = int(sh[t, i])
            if a > i or s >= w or s <= -w:
                continue
            np.add(D[i - a, pad + s:pad + s + w], costs[t, i], out=cand[k])
        if i == 0:
            cand[0, 0] = 0.0 if len(live) else np.inf
        best = cand.argmin(axis=0)
        E = np.take_along_axis(cand, best[None, :], axis=0)[0]
        if i == 0 and not len(live):
            E[0] = 0.0
        B = np.asarray(live, np.int16)[best] if live else np.full(w, -2, np.int16)
        B[~np.isfinite(E)] = -2
        # runs of 0-1 beads: D[j] = min_k E[k] + (j - k) * del_t, a prefix minimum
        off = (band.lo[i] + np.arange(w)) * del_t
        val = E - off
        run = np.minimum.accumulate(val)
        B[val > run] = -1
        D[i, pad:pad + w] = run + off
        bp[i] = B
    m = int(band.lo[n] + band.width[n] - 1)
    jn = m - int(band.lo[n])
    if not np.isfinite(D[n, pad + jn]):
        raise ValueError("no alignment path inside the search band")
    path: list[tuple[int, int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(bp[i, j - band.lo[i]])
        if t == -2:
            raise ValueError("broken back-pointer in the alignment DP")
        path.append((t, i, j))
        if t == -1:
            j -= 1
        else:
            a, b = types[t]
            i, j = i - a, j - b
    path.reverse()
    return path


def _soft(costs: np.ndarray, types: list[tuple[int, int]], band: _Band, del_t: float,
          temp: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Forward and backward log-sums of exp(-cost / temp) over all paths in the band.

    Returns the two padded tables and the padding, for reading cells back.
    """
    n, w = band.n, band.w
    pad = w + 8
    fw = np.full((n + 1, w + 2 * pad), -np.inf)
    bw = np.full((n + 1, w + 2 * pad), -np.inf)
    live = [t for t, (a, _) in enumerate(types) if a > 0]
    amax = max((types[t][0] for t in live), default=1)
    sf, sb = _shifts(band, types, 1), _shifts(band, types, -1)
    cand = np.empty((len(live) + 1, w))
    # backward needs bw[row] - cost[row]/temp of later rows: a ring buffer of amax+1 rows
    ring = np.full((amax + 1, len(types), w + 2 * pad), -np.inf)
    with np.errstate(invalid="ignore", over="ignore"):
        for i in range(n + 1):
            cand.fill(-np.inf)
            for k, t in enumerate(live):
                a = types[t][0]
                s = int(sf[t, i])
                if a > i or s >= w or s <= -w:
                    continue
                np.subtract(fw[i - a, pad + s:pad + s + w], costs[t, i] / temp, out=cand[k])
            if i == 0:
                cand[-1, 0] = 0.0
            E = np.logaddexp.reduce(cand, axis=0)
            off = (band.lo[i] + np.arange(w)) * (del_t / temp)
            fw[i, pad:pad + w] = np.logaddexp.accumulate(E + off) - off
        for i in range(n, -1, -1):
            cand.fill(-np.inf)
            for k, t in enumerate(live):
                a, _b = types[t]
                s = int(sb[t, i])
                if i + a > n or s >= w or s <= -w:
                    continue
                cand[k] = ring[(i + a) % (amax + 1), t, pad + s:pad + s + w]
            if i == n:
                cand[-1, int(band.width[n]) - 1] = 0.0
            E = np.logaddexp.reduce(cand, axis=0)
            off = (band.lo[i] + np.arange(w)) * (del_t / temp)
            row = np.logaddexp.accumulate((E - off)[::-1])[::-1] + off
            bw[i, pad:pad + w] = row
            slot = ring[i % (amax + 1)]
            slot.fill(-np.inf)
            for t in live:
                slot[t, pad:pad + w] = row - costs[t, i] / temp
    return fw, bw, pad
