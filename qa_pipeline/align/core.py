"""The array-level aligner: run embeddings in, beads with similarity and confidence out.

`align_vectors` centres the vectors, chooses the search band (paragraph groups, or
coarse-to-fine on halved documents for long ones), prices every bead with the objective
named by `AlignParams.scoring`, takes the best path and reads each bead's posterior from a
soft-min version of the same DP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from ..types import Bead
from .band import _Band, _band_around_path, _downsample, _full_band, _group_band
from .costs import _Problem
from .costs_margin import _margin_costs
from .costs_ratio import _ratio_costs
from .dp import Gaps, _soft, _steps, _viterbi, step_bead
from .params import AlignParams, bead_types
from .runs import (
    _boundaries_of_overlaps,
    _center,
    _group_of_overlaps,
    _len_overlaps,
    sum_overlaps,
)

Progress = Callable[[int, int], None]


def _costs(prob: _Problem, band: _Band, params: AlignParams,
           rng: np.random.Generator) -> tuple[np.ndarray, Gaps]:
    """Cost (T, n+1, w) of every bead type ending at every band cell, and the deletion costs
    (runs of deletions are affine under "margin", linear under "ratio")."""
    if params.scoring == "margin":
        mp = params.margin
        return _margin_costs(prob, band, mp), Gaps(mp.skip, min(mp.skip, mp.skip_extend),
                                                   params.max_overlap)
    if params.scoring != "ratio":
        raise ValueError(f"unknown alignment scoring {params.scoring!r} (margin or ratio)")
    costs, del_t = _ratio_costs(prob, band, params.ratio, rng)
    return costs, Gaps.linear(del_t)


def _coarse_band(src: np.ndarray, tgt: np.ndarray, params: AlignParams,
                 rng: np.random.Generator) -> _Band:
    """Search band for full-resolution rows, from the path found on halved documents."""
    n, m = len(src), len(tgt)
    if (n + 1) * (m + 1) <= params.full_dp_cells or n < 4 or m < 4:
        return _full_band(n, m)
    cs, ct = _downsample(src), _downsample(tgt)
    cband = _coarse_band(cs, ct, params, rng)
    types = bead_types(2, 3)
    prob = _Problem(sum_overlaps(cs, 2), sum_overlaps(ct, 2), types, None, None, None, None)
    coarse_params = replace(params, ratio=replace(params.ratio, merge_penalty=0.0))
    costs, gaps = _costs(prob, cband, coarse_params, rng)
    path = _viterbi(costs, types, cband, Gaps.linear(gaps.open))
    return _band_around_path(path, n, m, params.search_buffer)


def _finite(v: np.ndarray) -> np.ndarray:
    """NaN rows (unused runs) as zeros; the array itself when it has none (no 60 MB copy)."""
    return v if np.isfinite(v).all() else np.nan_to_num(v)


def _bounds(paragraphs: np.ndarray | None, k: int,
            params: AlignParams) -> list[np.ndarray] | None:
    """Paragraph boundaries each run spans, for the soft prior; None when it is off."""
    if paragraphs is None or not params.paragraph_prior:
        return None
    return _boundaries_of_overlaps(np.asarray(paragraphs), k)


# (source masks, target masks, bonus): see `align_vectors`
ApproxBonus = tuple[Sequence[np.ndarray], Sequence[np.ndarray], float]


def align_vectors(src: Sequence[np.ndarray], tgt: Sequence[np.ndarray],
                  params: AlignParams = AlignParams(),
                  src_lengths: np.ndarray | None = None,
                  tgt_lengths: np.ndarray | None = None,
                  src_groups: np.ndarray | None = None,
                  tgt_groups: np.ndarray | None = None,
                  src_paragraphs: np.ndarray | None = None,
                  tgt_paragraphs: np.ndarray | None = None,
                  progress: Progress | None = None,
                  approx_bonus: ApproxBonus | None = None) -> list[Bead]:
    """Align two documents given their overlap embeddings; the pure numpy core.

    `src[k-1]` holds the L2-normalised embeddings of every run of k consecutive source
    sentences (row i = sentences i..i+k-1), for k = 1..params.max_overlap (see
    `sum_overlaps` for an approximation from sentence vectors). Optional character lengths
    switch on the length model. Optional non-decreasing group ids per sentence (aligned
    paragraph groups: equal ids on both sides are aligned) forbid beads that cross groups;
    overlaps that cross groups may then be NaN rows, since they are never read. Optional
    paragraph ids per sentence of a side (its own marks, not aligned with the other side's)
    are a soft prior instead: a bead pays `params.paragraph_prior` deletions per paragraph
    boundary its run on that side spans (nothing when the prior is 0).
    `approx_bonus` (source masks, target masks, bonus): runs marked True in the masks (one
    boolean per run, per length, per side) hold approximations, and every bead that reads one
    costs `bonus` less (`lazy.py` explores with it); the beads then carry no confidence.
    Returns beads in order covering every sentence once; `confidence` is the bead's posterior
    probability, `similarity` the cosine of the two sides (None for 1-0 / 0-1).
    """
    k = params.max_overlap
    srcv: Sequence[np.ndarray] = [np.asarray(v, np.float32) for v in list(src)[:k]]
    tgtv: Sequence[np.ndarray] = [np.asarray(v, np.float32) for v in list(tgt)[:k]]
    n = len(srcv[0]) if srcv else 0
    m = len(tgtv[0]) if tgtv else 0
    if n == 0 or m == 0:
        return [Bead((i,), (), None, 1.0) for i in range(n)] + [
            Bead((), (j,), None, 1.0) for j in range(m)]
    rng = np.random.default_rng(params.ratio.seed)
    types = bead_types(min(k, len(srcv), len(tgtv)), params.max_bead)
    if progress:
        progress(0, 3)
    raw_s, raw_t = srcv, tgtv  # reported similarities are plain cosines of the texts
    srcv = _center(srcv, params.center_min_items)
    tgtv = _center(tgtv, params.center_min_items)
    if (srcv is raw_s or tgtv is raw_t) and params.margin.margin_weight:
        # Too few segments to centre (a one- or three-string update): on raw cosines every
        # neighbour is about as close as the counterpart, so the margin would price each
        # bead near zero except one without neighbours, the whole text as one bead. Plain
        # cosines then pair the segments.
        params = replace(params, margin=replace(params.margin, margin_weight=0.0))
    if src_groups is not None and tgt_groups is not None:
        sg = np.asarray(src_groups, np.int64)
        tg = np.asarray(tgt_groups, np.int64)
        band = _group_band(sg, tg, n, m)
        sgo: list[np.ndarray] | None = _group_of_overlaps(sg, k)
        tgo: list[np.ndarray] | None = _group_of_overlaps(tg, k)
    else:
        band = _coarse_band(_finite(srcv[0]), _finite(tgtv[0]), params, rng)
        sgo = tgo = None
    if progress:
        progress(1, 3)
    prob = _Problem(
        srcv, tgtv, types,
        _len_overlaps(src_lengths, k) if src_lengths is not None else None,
        _len_overlaps(tgt_lengths, k) if tgt_lengths is not None else None,
        sgo, tgo,
        _bounds(src_paragraphs, k, params), _bounds(tgt_paragraphs, k, params),
        params.paragraph_prior,
    )
    costs, gaps = _costs(prob, band, params, rng)
    if approx_bonus is not None:
        _lower_approximated(costs, types, band, n, m, *approx_bonus)
    path = _viterbi(costs, types, band, gaps)
    if progress:
        progress(2, 3)
    # Posteriors only for true costs: a path explored with a bonus is never reported.
    soft = _soft(costs, types, band, gaps, params.temperature) if approx_bonus is None else None
    steps = _steps(types, gaps)
    beads: list[Bead] = []
    for step in path:
        _, i, j = step
        a, b, c = step_bead(costs, steps, gaps, band, step)
        conf = None
        if soft is not None:
            logp = soft.log_posterior(band, steps, step, c, params.temperature)
            conf = float(np.clip(np.exp(min(0.0, logp)), 0.0, 1.0))
        if not (a and b):  # each deleted sentence is a bead of its own
            beads += [Bead((s,), (), None, conf) for s in range(i - a, i)]
            beads += [Bead((), (u,), None, conf) for u in range(j - b, j)]
            continue
        sim = float(np.dot(raw_s[a - 1][i - a], raw_t[b - 1][j - b]))
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), sim, conf))
    if progress:
        progress(3, 3)
    return beads


def _lower_approximated(costs: np.ndarray, types: list[tuple[int, int]], band: _Band, n: int,
                        m: int, src_approx: Sequence[np.ndarray],
                        tgt_approx: Sequence[np.ndarray], bonus: float) -> None:
    """Lower by `bonus`, in place, the cost of every n:m bead that reads a run marked as
    approximated (`src_approx[k-1][i]`: the source run of k sentences from i)."""
    w = costs.shape[2]
    rows = np.arange(n + 1)
    for t, (a, b) in enumerate(types):
        if not (a and b) or (a < 2 and b < 2) or a > n or b > m:
            continue
        cells = np.zeros((n + 1, w), bool)
        if a >= 2:
            cells[a:] |= src_approx[a - 1][rows[a:] - a][:, None]
        if b >= 2:
            j = band.lo[:, None] + np.arange(w)[None, :] - b
            cells |= ((j >= 0) & (j <= m - b)) & tgt_approx[b - 1][np.clip(j, 0, m - b)]
        costs[t][cells] -= bonus
