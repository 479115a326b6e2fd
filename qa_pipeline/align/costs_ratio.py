"""The "ratio" objective (after vecalign): a bead costs its cosine distance normalised by each
side's distance to random segments of the other document, times its size; deletions cost a
percentile of random-pair costs; a length model learnt from the document's own anchors and a
merge-gain term make n:m beads earn their extra sentences."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..text import robust_stats
from .band import _Band
from .costs import BlockKey, _Blocks, _cell_take, _finish, _Problem, _row_take
from .params import RatioParams

# By construction of the normaliser a random pair costs about 1; a little less at the low
# percentiles used for deletions.
_TYPICAL_RANDOM_COST = 0.9
# Below this many segments on a side, random pairs are too few to learn costs from.
_SMALL = 8


def _random_norm(vecs: Sequence[np.ndarray], other: np.ndarray, k: int,
                 rng: np.random.Generator) -> list[np.ndarray]:
    """1 - mean cosine of each overlap to k random sentences of the other side."""
    pool = np.flatnonzero(~np.isnan(other[:, 0]))
    idx = rng.choice(pool, size=min(k, len(pool)), replace=False)
    sample = other[idx]
    out = []
    for v in vecs:
        if len(v) == 0 or len(sample) < _SMALL:
            # too few segments to tell random from related: no normalisation
            out.append(np.ones(len(v), np.float32))
            continue
        sims = np.sort(np.nan_to_num(v) @ sample.T, axis=1)
        # the top two may be the segment's own translation and a neighbour of it
        out.append((1.0 - sims[:, :-2].mean(axis=1)).astype(np.float32))
    return out


def _length_stats(sims11: np.ndarray, band: _Band, ls: np.ndarray,
                  lt: np.ndarray) -> tuple[float, float]:
    """Median and robust spread of log(tgt/src length) over confident anchor pairs.

    Anchors are 1-1 cells that are the best in both their row and their column and whose
    similarity is in the top half of such pairs: the document's own sure matches.
    """
    n, m = len(ls), len(lt)
    default = (float(np.log((lt.sum() + 1.0) / (ls.sum() + 1.0))), 0.3)
    rows = np.repeat(np.arange(band.n + 1), band.w)
    cols = (band.lo[:, None] + np.arange(band.w)[None, :]).ravel()
    s = sims11.ravel()
    ok = np.isfinite(s)
    r, c, s = rows[ok] - 1, cols[ok] - 1, s[ok]
    if len(s) == 0:
        return default
    rmax = np.full(n, -np.inf)
    cmax = np.full(m, -np.inf)
    np.maximum.at(rmax, r, s)
    np.maximum.at(cmax, c, s)
    mutual = (s >= rmax[r]) & (s >= cmax[c])
    if mutual.sum() < 5:
        return default
    pick = mutual & (s >= np.median(s[mutual]))
    lr = np.log((lt[c[pick]] + 1.0) / (ls[r[pick]] + 1.0))
    mu, sd = robust_stats(lr)
    return mu, max(sd, 0.1)


def _part_keys(a: int, b: int) -> list[BlockKey]:
    """The blocks `_best_part` reads: the bead without its first, then its last sentence, of
    the source side if it has several, then of the target side."""
    keys: list[BlockKey] = []
    if a > 1:
        keys += [(a - 1, b, a - 1, b), (a - 1, b, a, b)]
    if b > 1:
        keys += [(a, b - 1, a, b - 1), (a, b - 1, a, b)]
    return keys


def _best_part(blocks: _Blocks, a: int, b: int) -> np.ndarray:
    """Best similarity of the bead with its first or last sentence on one side left out.

    A genuine merge is more similar to its counterpart than any part of it; a bead that only
    swallowed an unrelated neighbour (a title, an OCR fragment, a sentence whose translation
    is missing) is less similar than the part without it, since embeddings of joined text
    average away what the extra sentence adds.
    """
    best = np.full((blocks.band.n + 1, blocks.band.w), np.nan, np.float32)
    for key in _part_keys(a, b):
        best = np.fmax(best, blocks(*key))
    return best


def _deletion_cost(prob: _Problem, nrm_s: list[np.ndarray], nrm_t: list[np.ndarray],
                   params: RatioParams, rng: np.random.Generator) -> float:
    """Cost of one 1-0 or 0-1 bead, from the distribution of random-pair costs.

    A 1-0 plus a 0-1 cost as much as a random 1-1 pair at the given percentile, so a pair is
    kept only if it beats most non-matching pairs. Pairs near the diagonal may be
    translations, so only far-off-diagonal pairs are sampled; tiny documents have too few and
    use the normalised cost's typical random value instead.
    """
    n, m = len(prob.src[0]), len(prob.tgt[0])
    ns = min(4000, 4 * n * m)
    ri = rng.integers(0, n, ns)
    rj = rng.integers(0, m, ns)
    far = np.abs(ri / n - rj / m) >= 0.2
    ri, rj = ri[far], rj[far]
    ok = ~(np.isnan(prob.src[0][ri, 0]) | np.isnan(prob.tgt[0][rj, 0]))
    ri, rj = ri[ok], rj[ok]
    if len(ri) >= 50:
        rsim = np.einsum("ij,ij->i", prob.src[0][ri], prob.tgt[0][rj])
        rcost = (1.0 - rsim) / np.maximum(0.05, 0.5 * (nrm_s[0][ri] + nrm_t[0][rj]))
        del_cost = 0.5 * float(np.percentile(rcost, params.deletion_percentile))
    else:
        del_cost = 0.5 * _TYPICAL_RANDOM_COST
    del_cost *= params.deletion_scale
    if min(n, m) < _SMALL:
        # A handful of segments: centring makes them anti-correlated (cosine about -1/(n-1)),
        # which would price deletions above any merge; a deletion pair then costs no more
        # than a pair of unrelated texts (cosine 0 once centred: cost 1).
        del_cost = min(del_cost, 0.5)
    return del_cost


def _ratio_costs(prob: _Problem, band: _Band, params: RatioParams,
                 rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Cost (T, n+1, w) of every bead under the "ratio" scoring, and the deletion cost."""
    n1 = band.n + 1
    nrm_s = _random_norm(prob.src, prob.tgt[0], params.random_samples, rng)
    nrm_t = _random_norm(prob.tgt, prob.src[0], params.random_samples, rng)
    del_cost = _deletion_cost(prob, nrm_s, nrm_t, params, rng)

    costs = np.full((len(prob.types), n1, band.w), np.inf, np.float32)
    blocks = _Blocks(prob, band)
    pairs = [(a, b) for a, b in prob.types if a and b]
    merge_gain = params.merge_gain_weight > 0
    blocks.prefetch([(a, b, a, b) for a, b in pairs]
                    + [k for a, b in pairs if a + b > 2 and merge_gain for k in _part_keys(a, b)])
    sims = {(a, b): blocks(a, b, a, b) for a, b in pairs}

    use_len = prob.src_len is not None and prob.tgt_len is not None and params.length_weight > 0
    mu, sd = 0.0, 1.0
    if use_len and (1, 1) in sims:
        assert prob.src_len is not None and prob.tgt_len is not None
        mu, sd = _length_stats(sims[(1, 1)], band, prob.src_len[0], prob.tgt_len[0])

    inband = np.arange(band.w)[None, :] < band.width[:, None]
    with np.errstate(invalid="ignore"):
        for t, (a, b) in enumerate(prob.types):
            if b == 0:  # 1-0: deletion of source sentence row-1
                costs[t][1:][inband[1:]] = del_cost
                continue
            if a == 0:  # 0-1 steps are handled inside the DP rows
                continue
            sim = sims[(a, b)]
            norm = np.maximum(0.05, 0.5 * (_row_take(nrm_s[a - 1], n1, a)[:, None]
                                           + _cell_take(nrm_t[b - 1], band, b)))
            cost = a * b * (1.0 - sim) / norm + params.merge_penalty * (a + b - 2)
            if a + b > 2 and merge_gain:
                loss = np.maximum(_best_part(blocks, a, b) - sim, 0.0)
                cost = cost + params.merge_gain_weight * np.nan_to_num(loss) / norm
            if use_len:
                assert prob.src_len is not None and prob.tgt_len is not None
                lr = np.log((_cell_take(prob.tgt_len[b - 1], band, b) + 1.0)
                            / (_row_take(prob.src_len[a - 1], n1, a)[:, None] + 1.0))
                z = np.minimum(np.abs(lr - mu) / sd, params.length_z_cap)
                cost = cost + params.length_weight * z * z
            costs[t] = _finish(cost, prob, band, a, b, del_cost)
    return costs, del_cost
