"""The "margin" objective (the default, after bertalign): a bead's score is its cosine minus its
cosine to the neighbours of its counterpart, times a length agreement; deletions cost a fixed
skip, and merged sentences missing from the other side pay a coverage penalty."""

from __future__ import annotations

import numpy as np

from .band import _Band
from .costs import _Blocks, _cell_take, _finish, _Problem, _row_take
from .params import MarginParams


def _neighbour_sim(blocks: _Blocks, a: int, b: int, src_side: bool) -> np.ndarray:
    """Mean similarity of a bead side to the sentences just before and after the other side.

    For the bead of sentences i-a..i-1 and j-b..j-1 (cell (i, j)) and `src_side` False, the
    source run is compared with target sentences j-b-1 and j; with `src_side` True, the
    target run with source sentences i-a-1 and i. Where one neighbour is missing (document
    edge) the other is used alone; with neither, 0.
    """
    if src_side:
        before, after = blocks(1, b, a + 1, b), blocks(1, b, 0, b)
    else:
        before, after = blocks(a, 1, a, b + 1), blocks(a, 1, a, 0)
    both = np.stack([before, after])
    count = np.sum(~np.isnan(both), axis=0)
    return np.where(count > 0, np.nansum(both, axis=0) / np.maximum(count, 1), 0.0)


def _uncovered(blocks: _Blocks, a: int, b: int, floor: float) -> np.ndarray:
    """Length-weighted shortfall of each sentence of a bead's n-side below `floor` cosine to
    the other side's whole run (both sides' sentences when both have several)."""
    prob, band = blocks.prob, blocks.band
    n1 = band.n + 1
    out = np.zeros((n1, band.w), np.float64)
    for k, src_side in ((a, True), (b, False)):
        if k < 2:
            continue
        lens = prob.src_len if src_side else prob.tgt_len
        for q in range(k):
            if src_side:  # sentence i - a + q against target run j-b .. j-1
                part = blocks(1, b, a - q, b)
                share = (np.full((n1, 1), 1.0 / k) if lens is None else
                         (_row_take(lens[0], n1, a - q) / _row_take(lens[a - 1], n1, a))[:, None])
            else:
                part = blocks(a, 1, a, b - q)
                share = (np.full((1, band.w), 1.0 / k) if lens is None else
                         _cell_take(lens[0], band, b - q) / _cell_take(lens[b - 1], band, b))
            out += np.nan_to_num(share * np.maximum(0.0, floor - part))
    return out


def _margin_costs(prob: _Problem, band: _Band, params: MarginParams) -> np.ndarray:
    """Cost (T, n+1, w) of every bead under the "margin" scoring (see AlignParams.scoring).

    A bead scores its cosine minus `margin_weight` times the mean cosine of each side to the
    sentences adjacent to the other side (bertalign's margin: a bead that is no closer to its
    counterpart than to that counterpart's neighbours is probably misplaced), times the
    length agreement log2(1 + shorter / longer) of its character lengths after rescaling the
    target by the document's length ratio. The cost is the negated score, so the DP maximises
    the summed score; 1-0 / 0-1 beads cost `skip` each, and n:m beads add the coverage
    penalty of `_uncovered` and `merge_penalty` per sentence beyond 1-1.
    """
    n1 = band.n + 1
    costs = np.full((len(prob.types), n1, band.w), np.inf, np.float32)
    use_len = prob.src_len is not None and prob.tgt_len is not None
    ratio = 1.0
    if use_len:
        assert prob.src_len is not None and prob.tgt_len is not None
        ratio = float((prob.src_len[0].sum() + 1.0) / (prob.tgt_len[0].sum() + 1.0))
    inband = np.arange(band.w)[None, :] < band.width[:, None]
    blocks = _Blocks(prob, band)
    with np.errstate(invalid="ignore"):
        for t, (a, b) in enumerate(prob.types):
            if b == 0:
                costs[t][1:][inband[1:]] = params.skip
                continue
            if a == 0:  # 0-1 steps are handled inside the DP rows
                continue
            sim = blocks(a, b, a, b)
            if params.margin_weight:
                near = 0.5 * (_neighbour_sim(blocks, a, b, False)
                              + _neighbour_sim(blocks, a, b, True))
                sim = sim - params.margin_weight * near
            if use_len:
                assert prob.src_len is not None and prob.tgt_len is not None
                ls = _row_take(prob.src_len[a - 1], n1, a)[:, None]
                lt = _cell_take(prob.tgt_len[b - 1], band, b) * ratio
                sim = sim * np.log2(1.0 + np.minimum(ls, lt) / np.maximum(np.maximum(ls, lt), 1.0))
            cost = -sim
            if params.coverage_weight and a + b > 2:
                cost = cost + params.coverage_weight * _uncovered(blocks, a, b,
                                                                  params.coverage_floor)
            if params.merge_penalty:
                cost = cost + params.merge_penalty * (a + b - 2)
            costs[t] = _finish(cost, prob, band, a, b)
    return costs
