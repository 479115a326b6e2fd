"""The "margin" objective (the default, after bertalign): a bead's score is its cosine minus its
cosine to the neighbours of its counterpart, times a length agreement; deletions cost a fixed
skip, and merged sentences missing from the other side pay a coverage penalty."""

from __future__ import annotations

import numpy as np

from .band import _Band
from .costs import BlockKey, _Blocks, _cell_take, _finish, _Problem, _row_take
from .params import MarginParams


def _neighbour_keys(a: int, b: int, src_side: bool) -> tuple[BlockKey, BlockKey]:
    """The blocks `_neighbour_sim` reads: the run against the sentence before, then after."""
    if src_side:
        return (1, b, a + 1, b), (1, b, 0, b)
    return (a, 1, a, b + 1), (a, 1, a, 0)


def _coverage_keys(a: int, b: int) -> list[tuple[bool, int, BlockKey]]:
    """(source side?, q, block) of each sentence `_uncovered` prices, in its order: sentence
    i - a + q of the source against the target run, or j - b + q of the target against the
    source run, for each side with several sentences."""
    out = []
    for k, src_side in ((a, True), (b, False)):
        if k < 2:
            continue
        for q in range(k):
            out.append((src_side, q, (1, b, a - q, b) if src_side else (a, 1, a, b - q)))
    return out


def _type_keys(a: int, b: int, params: MarginParams) -> list[BlockKey]:
    """The blocks `_margin_costs` reads for the bead type (a, b)."""
    if not (a and b):
        return []
    keys: list[BlockKey] = [(a, b, a, b)]
    if params.margin_weight:
        keys += [*_neighbour_keys(a, b, False), *_neighbour_keys(a, b, True)]
    if params.coverage_weight and a + b > 2:
        keys += [key for _, _, key in _coverage_keys(a, b)]
    return keys


def _margin_keys(types: list[tuple[int, int]], params: MarginParams) -> list[BlockKey]:
    """Every block `_margin_costs` reads."""
    return [key for a, b in types for key in _type_keys(a, b, params)]


def _neighbour_sim(blocks: _Blocks, a: int, b: int, src_side: bool) -> np.ndarray:
    """Mean similarity of a bead side to the sentences just before and after the other side.

    For the bead of sentences i-a..i-1 and j-b..j-1 (cell (i, j)) and `src_side` False, the
    source run is compared with target sentences j-b-1 and j; with `src_side` True, the
    target run with source sentences i-a-1 and i. Where one neighbour is missing (document
    edge) the other is used alone; with neither, 0.
    """
    before, after = (blocks(*key) for key in _neighbour_keys(a, b, src_side))
    both = np.stack([before, after])
    count = np.sum(~np.isnan(both), axis=0)
    return np.where(count > 0, np.nansum(both, axis=0) / np.maximum(count, 1), 0.0)


def _uncovered(blocks: _Blocks, a: int, b: int, floor: float) -> np.ndarray:
    """Length-weighted shortfall of each sentence of a bead's n-side below `floor` cosine to
    the other side's whole run (both sides' sentences when both have several)."""
    prob, band = blocks.prob, blocks.band
    n1 = band.n + 1
    out = np.zeros((n1, band.w), np.float64)
    for src_side, q, key in _coverage_keys(a, b):
        lens = prob.src_len if src_side else prob.tgt_len
        part = blocks(*key)
        if src_side:  # sentence i - a + q against target run j-b .. j-1
            share = (np.full((n1, 1), 1.0 / a) if lens is None else
                     (_row_take(lens[0], n1, a - q) / _row_take(lens[a - 1], n1, a))[:, None])
        else:
            share = (np.full((1, band.w), 1.0 / b) if lens is None else
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
    # Bead types in order of their target then source run length, so that blocks shared by
    # neighbouring types are read close together; each block is dropped after the last type
    # that reads it (holding every block of a 38,000-sentence side took over 1 GB).
    order = sorted(range(len(prob.types)), key=lambda t: prob.types[t][::-1])
    blocks = _Blocks(prob, band, uses=_margin_keys(prob.types, params))
    with np.errstate(invalid="ignore"):
        for t in order:
            a, b = prob.types[t]
            if b == 0:
                costs[t][1:][inband[1:]] = params.skip
            elif a:  # 0-1 steps are handled inside the DP rows
                costs[t] = _type_costs(blocks, prob, band, params, a, b, ratio)
            blocks.release(_type_keys(a, b, params))
    return costs


def _type_costs(blocks: _Blocks, prob: _Problem, band: _Band, params: MarginParams, a: int,
                b: int, ratio: float) -> np.ndarray:
    """The costs (n+1, w) of the bead type (a, b), both sides non-empty."""
    n1 = band.n + 1
    sim = blocks(a, b, a, b)
    if params.margin_weight:
        near = 0.5 * (_neighbour_sim(blocks, a, b, False) + _neighbour_sim(blocks, a, b, True))
        sim = sim - params.margin_weight * near
    if prob.src_len is not None and prob.tgt_len is not None:
        ls = _row_take(prob.src_len[a - 1], n1, a)[:, None]
        lt = _cell_take(prob.tgt_len[b - 1], band, b) * ratio
        sim = sim * np.log2(1.0 + np.minimum(ls, lt) / np.maximum(np.maximum(ls, lt), 1.0))
    cost = -sim
    if params.coverage_weight and a + b > 2:
        cost = cost + params.coverage_weight * _uncovered(blocks, a, b, params.coverage_floor)
    if params.merge_penalty:
        cost = cost + params.merge_penalty * (a + b - 2)
    return _finish(cost, prob, band, a, b, params.skip)
