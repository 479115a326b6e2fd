"""Sentence and paragraph alignment of two translations from multilingual embeddings.

The core (`align_vectors`) is pure numpy: embeddings of every run of 1..k consecutive
sentences ("overlaps") go in, monotone beads (n:m, 1-0, 0-1) with a similarity and a
confidence come out. What it takes from the two reference aligners and what it adds:

* bead pricing (`AlignParams.scoring`), two objectives:
  - "margin" (default), after bertalign: the path maximises the sum over beads of the bead's
    cosine minus its cosine to the sentences adjacent to the other side (a margin: a bead
    that is no closer to its counterpart than to that counterpart's neighbours is misplaced),
    times a length agreement; each 1-0 / 0-1 costs a fixed skip, and a merged sentence that
    is not in the other side's text pays a length-weighted coverage penalty (added here, so a
    lost sentence cannot ride along in a merge). Computed on centred vectors (below), it is
    the better of the two on Text+Berg (strict F1 0.921 against 0.899).
  - "ratio", after vecalign: bead cost = cosine distance normalised by the distance of each
    side to random segments of the other document (so "hub" sentences that resemble
    everything do not attract beads), times the bead's size; deletion cost from a percentile
    of sampled random-pair costs; plus a length z-score and a merge-gain term (below).
* vecalign: overlap embeddings (every run of 1..4 sentences embedded as joined text);
  coarse-to-fine dynamic programming so time and memory grow linearly with length.
* bertalign: n:m beads up to `max_bead` sentences in all (2-2, 3-2, 4-1, ...), searched in a
  narrow window around an anchor path.
* added here: a paragraph prior (paragraphs are aligned first and sentence beads may not
  cross aligned paragraph groups); a confidence for every bead that is its posterior
  probability under a soft-min (forward-backward) version of the same DP; for "ratio", a
  length model whose mean and spread are learnt from confident anchor pairs of the document.
* centring: costs are computed after subtracting each side's mean sentence vector, which
  removes the shared language/topic direction of anisotropic encoders (e5 gives any two
  paragraphs of one article a cosine of 0.85-0.92); reported similarities stay plain cosines.
* merge gain ("ratio"): an n:m bead pays for being less similar than its best part without an
  end sentence, so a bead cannot cheaply swallow an unrelated neighbour (a title, a fragment).
* paragraph refinement: a paragraph at the edge of an n:m paragraph bead whose sentences all
  come out as 1-0 / 0-1 in the sentence DP becomes a paragraph 1-0 / 0-1 bead of its own.

The band DP keeps, for each source boundary i (a DP row), only a window of target boundaries
[lo[i], lo[i] + width[i]); within a row, runs of 0-1 beads are solved at once with a prefix
minimum, so the Python loop runs once per row and per bead type, never per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from .types import Alignment, Bead, Document

EmbedFn = Callable[[Sequence[str]], np.ndarray]
Progress = Callable[[int, int], None]
BeadPair = tuple[tuple[int, ...], tuple[int, ...]]

_INF = np.inf
# By construction of the normaliser a random pair costs about 1; a little less at the low
# percentiles used for deletions.
_TYPICAL_RANDOM_COST = 0.9
# Below this many segments on a side, random pairs are too few to learn costs from.
_SMALL = 8


@dataclass(frozen=True)
class AlignParams:
    """Every alignment knob, with its default: the single source of defaults."""

    max_overlap: int = 4  # most sentences on one side of a bead
    max_bead: int = 5  # most sentences in a bead, both sides together (2-2, 3-2, 4-1)
    # How a bead is priced. "margin" (default): the path maximises the sum over beads of
    # (similarity - margin_weight * similarity to the adjacent sentences) * length agreement,
    # and every 1-0 / 0-1 costs `skip` (bertalign's objective, on centred vectors).
    # "ratio": vecalign's cost, 1 - cosine normalised by random pairs, times the bead's size,
    # with a deletion cost from a percentile of random-pair costs (the knobs below).
    # Text+Berg strict F1, e5-small: ratio 0.899, margin 0.921 (bench/align_ablation.py).
    scoring: str = "margin"
    # weight of the mean similarity to the sentences just outside the bead on either side
    # (Text+Berg / NTREX 15 %: 0 -> 0.915 / 0.968, 0.5 -> 0.921 / 0.967, 1.0 -> 0.917 / 0.942)
    margin_weight: float = 0.5
    # cost of each 1-0 / 0-1 bead under "margin" scoring (Text+Berg / NTREX 15 %: 0.05 ->
    # 0.906 / 0.982, 0.1 -> 0.921 / 0.967, 0.13 -> 0.922 / 0.956)
    skip: float = 0.1
    # ("margin") An n:m bead pays coverage_weight * sum over the sentences of each side that
    # has several of (share of the side's characters) * max(0, coverage_floor - cosine of
    # that sentence to the whole other side): a sentence that is not in the other side's
    # text (a lost sentence, a caption) cannot ride along in a merge, while a short fragment
    # costs little.
    # Strict F1 Text+Berg / NTREX 15 % damage: weight 0 -> 0.919 / 0.961, 0.5 -> 0.921 /
    # 0.967, 1.0 -> 0.918 / 0.970; floor 0.2 at weight 1.0 -> 0.914 / 0.977.
    coverage_weight: float = 0.5
    coverage_floor: float = 0.1
    # ("ratio" scoring) 1-0 + 0-1 together cost this percentile of the costs of random 1-1
    # pairs (Text+Berg de-fr, strict F1 over 7 documents, e5-small: 40 -> 0.877, 80 ->
    # 0.891, 95 -> 0.899;
    # NTREX 15 % damage 0.980 at 80, 0.975 at 95) ...
    deletion_percentile: float = 95.0
    # ... times this factor. Random-pair costs are narrowly spread once normalised, so the
    # percentile alone cannot move deletions far. Strict F1 by factor (percentile 80),
    # e5-small, Text+Berg / NTREX 15 %: 1.0 -> 0.873 / 0.982, 1.2 -> 0.891 / 0.980,
    # 1.5 -> 0.899 / 0.957.
    deletion_scale: float = 1.2
    # Extra cost per sentence beyond 1-1: prefers 1-1 when the merged bead is no better
    # (Text+Berg: 0.1 costs e5-small 0.02 strict F1 by turning 2-1 beads into 1-1 + 1-0).
    merge_penalty: float = 0.03
    # weight of the squared z-score of the log length ratio: a tie-breaker only (0.05 costs
    # Text+Berg 0.03-0.06 strict F1 by overriding the embeddings on noisy OCR lines)
    length_weight: float = 0.01
    # Weight of how much less similar an n:m bead is than its best part without an end
    # sentence (see `_best_part`): merges must earn their extra sentences.
    merge_gain_weight: float = 2.0
    length_z_cap: float = 5.0  # z-scores beyond this cost no more (lengths are noisy)
    random_samples: int = 128  # segments of the other side used to normalise each cost
    search_buffer: int = 6  # extra target boundaries kept either side of the coarse path
    full_dp_cells: int = 250_000  # below this many DP cells, no coarse-to-fine
    temperature: float = 0.015  # soft-min temperature of the confidence posterior
    seed: int = 0  # sampling of random pairs: fixed so results are reproducible
    paragraph_max_overlap: int = 3  # paragraph beads up to 3-1 / 1-3
    paragraph_max_bead: int = 4
    # Paragraph groups are used only if their mean confidence reaches this; else the whole
    # document is aligned sentence by sentence (structure absent or disagreeing).
    paragraph_min_confidence: float = 0.5
    # Embed every run of sentences as joined text (accurate, about k times the embedding
    # work); False approximates a run by the normalised sum of its sentences' vectors.
    embed_overlaps: bool = True
    # Subtract each side's mean sentence vector before computing costs (removes the shared
    # language and topic direction that makes every pair look alike with anisotropic models);
    # only with at least this many sentences on each side, 0 switches it off.
    center_min_items: int = 4


def describe(params: AlignParams) -> str:
    """A short stamp of the objective and the knobs that set it, for report signatures."""
    if params.scoring == "margin":
        knobs = (f"margin_weight={params.margin_weight:g},skip={params.skip:g},"
                 f"coverage={params.coverage_weight:g}@{params.coverage_floor:g}")
    else:
        knobs = (f"deletion_percentile={params.deletion_percentile:g},"
                 f"deletion_scale={params.deletion_scale:g},merge_penalty={params.merge_penalty:g},"
                 f"length_weight={params.length_weight:g},"
                 f"merge_gain_weight={params.merge_gain_weight:g}")
    return f"{params.scoring}({knobs},max_bead={params.max_bead},max_overlap={params.max_overlap})"


# ----------------------------------------------------------------------------- helpers


def overlap_texts(texts: Sequence[str], max_overlap: int) -> list[str]:
    """All runs of 1..max_overlap consecutive texts joined by one space, deduplicated."""
    out: list[str] = []
    for k in range(1, max_overlap + 1):
        for i in range(len(texts) - k + 1):
            out.append(" ".join(texts[i:i + k]))
    return list(dict.fromkeys(out))


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(n, 1e-12)


def sum_overlaps(vecs: np.ndarray, max_overlap: int) -> list[np.ndarray]:
    """Overlap embeddings approximated by the normalised sum of sentence embeddings.

    Used for the coarse levels and for synthetic benchmarks; real runs embed the joined text.
    """
    vecs = np.asarray(vecs, dtype=np.float32)
    out = [vecs]
    csum = np.concatenate([np.zeros((1, vecs.shape[1]), np.float32), np.cumsum(vecs, axis=0)])
    for k in range(2, max_overlap + 1):
        if len(vecs) >= k:
            out.append(_normalise(csum[k:] - csum[:-k]))
        else:
            out.append(np.zeros((0, vecs.shape[1]), np.float32))
    return out


def _center(vecs: list[np.ndarray], min_items: int) -> list[np.ndarray]:
    """Overlap embeddings minus the side's mean 1-sentence vector, renormalised.

    Multilingual encoders put every text of one language and topic in a narrow cone, so raw
    cosines of unrelated pairs are high and nearly equal (e5: 0.85-0.92 for any two paragraphs
    of one article). The mean of a side estimates that shared direction; what remains is what
    tells one segment from another. NaN rows (unused overlaps) stay NaN. Too few sentences
    give a poor mean (it would be mostly the segments themselves), so then nothing changes.
    """
    if min_items <= 0 or not vecs or len(vecs[0]) < min_items:
        return vecs
    ok = ~np.isnan(vecs[0][:, 0])
    if ok.sum() < min_items:
        return vecs
    mu = vecs[0][ok].mean(axis=0)
    return [_normalise(v - mu) if len(v) else v for v in vecs]


def bead_types(max_overlap: int, max_bead: int) -> list[tuple[int, int]]:
    """(1, 0), (0, 1), then every a:b with 1 <= a, b <= max_overlap and a + b <= max_bead."""
    types = [(1, 0), (0, 1)]
    for a in range(1, max_overlap + 1):
        for b in range(1, max_overlap + 1):
            if a + b <= max_bead:
                types.append((a, b))
    return types


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


# ----------------------------------------------------------------------------- costs


@dataclass
class _Problem:
    src: list[np.ndarray]  # overlap embeddings, src[k-1][i] = sentences i..i+k-1
    tgt: list[np.ndarray]
    types: list[tuple[int, int]]
    src_len: list[np.ndarray] | None  # char lengths of the same overlaps
    tgt_len: list[np.ndarray] | None
    src_group: list[np.ndarray] | None  # group id of each overlap, -1 if it crosses groups
    tgt_group: list[np.ndarray] | None


def _random_norm(vecs: list[np.ndarray], other: np.ndarray, k: int,
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
    rmax = np.full(n, -_INF)
    cmax = np.full(m, -_INF)
    np.maximum.at(rmax, r, s)
    np.maximum.at(cmax, c, s)
    mutual = (s >= rmax[r]) & (s >= cmax[c])
    if mutual.sum() < 5:
        return default
    pick = mutual & (s >= np.median(s[mutual]))
    lr = np.log((lt[c[pick]] + 1.0) / (ls[r[pick]] + 1.0))
    mu = float(np.median(lr))
    sd = float(1.4826 * np.median(np.abs(lr - mu)))
    return mu, max(sd, 0.1)


def _best_part(prob: _Problem, sims: dict[tuple[int, int], np.ndarray], band: _Band,
               a: int, b: int) -> np.ndarray:
    """Best similarity of the bead with its first or last sentence on one side left out.

    A genuine merge is more similar to its counterpart than any part of it; a bead that only
    swallowed an unrelated neighbour (a title, an OCR fragment, a sentence whose translation
    is missing) is less similar than the part without it, since embeddings of joined text
    average away what the extra sentence adds.
    """
    best = np.full(sims[(a, b)].shape, np.nan, np.float32)
    if a > 1:  # drop the first source sentence, then the last
        part = sims.get((a - 1, b))
        if part is None:
            part = _block_values(prob.src[a - 2], prob.tgt[b - 1], a - 1, b, band)
        best = np.fmax(best, part)
        best = np.fmax(best, _block_values(prob.src[a - 2], prob.tgt[b - 1], a, b, band))
    if b > 1:
        part = sims.get((a, b - 1))
        if part is None:
            part = _block_values(prob.src[a - 1], prob.tgt[b - 2], a, b - 1, band)
        best = np.fmax(best, part)
        best = np.fmax(best, _block_values(prob.src[a - 1], prob.tgt[b - 2], a, b, band))
    return best


class _Blocks:
    """`_block_values` of run embeddings, memoised: bead types share many of them."""

    def __init__(self, prob: _Problem, band: _Band) -> None:
        self.prob, self.band = prob, band
        self.memo: dict[tuple[int, int, int, int], np.ndarray] = {}

    def __call__(self, ks: int, kt: int, a: int, b: int) -> np.ndarray:
        """src run of ks sentences starting at i - a . tgt run of kt starting at j - b."""
        key = (ks, kt, a, b)
        if key not in self.memo:
            self.memo[key] = _block_values(self.prob.src[ks - 1], self.prob.tgt[kt - 1], a, b,
                                           self.band)
        return self.memo[key]


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


def _margin_costs(prob: _Problem, band: _Band, params: AlignParams) -> np.ndarray:
    """Cost (T, n+1, w) of every bead under the "margin" scoring (see AlignParams.scoring).

    A bead scores its cosine minus `margin_weight` times the mean cosine of each side to the
    sentences adjacent to the other side (bertalign's margin: a bead that is no closer to its
    counterpart than to that counterpart's neighbours is probably misplaced), times the
    length agreement log2(1 + shorter / longer) of its character lengths after rescaling the
    target by the document's length ratio. The cost is the negated score, so the DP maximises
    the summed score; 1-0 / 0-1 beads cost `skip` each, and n:m beads add the coverage
    penalty of `_uncovered`.
    """
    n1 = band.n + 1
    costs = np.full((len(prob.types), n1, band.w), _INF, np.float32)
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
            if prob.src_group is not None and prob.tgt_group is not None:
                gs = _row_take(prob.src_group[a - 1], n1, a)[:, None]
                gt = _cell_take(prob.tgt_group[b - 1], band, b)
                cost = np.where((gs == gt) & (gs >= 0), cost, np.nan)
            costs[t] = np.where(np.isnan(cost), _INF, cost)
    return costs


def _costs(prob: _Problem, band: _Band, params: AlignParams,
           rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Cost (T, n+1, w) of every bead type ending at every band cell, and the deletion cost."""
    if params.scoring == "margin":
        return _margin_costs(prob, band, params), params.skip
    if params.scoring != "ratio":
        raise ValueError(f"unknown alignment scoring {params.scoring!r} (margin or ratio)")
    n, m = len(prob.src[0]), len(prob.tgt[0])
    n1 = band.n + 1
    nrm_s = _random_norm(prob.src, prob.tgt[0], params.random_samples, rng)
    nrm_t = _random_norm(prob.tgt, prob.src[0], params.random_samples, rng)

    # Deletion cost from the data: a 1-0 plus a 0-1 cost as much as a random 1-1 pair at the
    # given percentile, so a pair is kept only if it beats most non-matching pairs. Pairs near
    # the diagonal may be translations, so only far-off-diagonal pairs are sampled; tiny
    # documents have too few and use the normalised cost's typical random value instead.
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

    costs = np.full((len(prob.types), n1, band.w), _INF, np.float32)
    sims: dict[tuple[int, int], np.ndarray] = {}
    for a, b in prob.types:
        if a and b:
            sims[(a, b)] = _block_values(prob.src[a - 1], prob.tgt[b - 1], a, b, band)

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
            if a + b > 2 and params.merge_gain_weight > 0:
                loss = np.maximum(_best_part(prob, sims, band, a, b) - sim, 0.0)
                cost = cost + params.merge_gain_weight * np.nan_to_num(loss) / norm
            if use_len:
                assert prob.src_len is not None and prob.tgt_len is not None
                lr = np.log((_cell_take(prob.tgt_len[b - 1], band, b) + 1.0)
                            / (_row_take(prob.src_len[a - 1], n1, a)[:, None] + 1.0))
                z = np.minimum(np.abs(lr - mu) / sd, params.length_z_cap)
                cost = cost + params.length_weight * z * z
            if prob.src_group is not None and prob.tgt_group is not None:
                gs = _row_take(prob.src_group[a - 1], n1, a)[:, None]
                gt = _cell_take(prob.tgt_group[b - 1], band, b)
                cost = np.where((gs == gt) & (gs >= 0), cost, np.nan)
            costs[t] = np.where(np.isnan(cost), _INF, cost)
    return costs, del_cost


# ----------------------------------------------------------------------------- DP
# Row i of every DP table holds target boundaries lo[i] .. lo[i] + w - 1. Tables carry a
# padding of `w + 8` columns either side so that the cells a bead type reads from an earlier
# (or later) row are one contiguous slice at a per-row shift: no gathers in the inner loop.


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
    D = np.full((n + 1, w + 2 * pad), _INF)
    bp = np.full((n + 1, w), -2, np.int16)
    sh = _shifts(band, types, 1)
    live = [t for t, (a, _) in enumerate(types) if a > 0]
    cand = np.empty((len(live), w))
    for i in range(n + 1):
        cand.fill(_INF)
        for k, t in enumerate(live):
            a = types[t][0]
            s = int(sh[t, i])
            if a > i or s >= w or s <= -w:
                continue
            np.add(D[i - a, pad + s:pad + s + w], costs[t, i], out=cand[k])
        if i == 0:
            cand[0, 0] = 0.0 if len(live) else _INF
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
    fw = np.full((n + 1, w + 2 * pad), -_INF)
    bw = np.full((n + 1, w + 2 * pad), -_INF)
    live = [t for t, (a, _) in enumerate(types) if a > 0]
    amax = max((types[t][0] for t in live), default=1)
    sf, sb = _shifts(band, types, 1), _shifts(band, types, -1)
    cand = np.empty((len(live) + 1, w))
    # backward needs bw[row] - cost[row]/temp of later rows: a ring buffer of amax+1 rows
    ring = np.full((amax + 1, len(types), w + 2 * pad), -_INF)
    with np.errstate(invalid="ignore", over="ignore"):
        for i in range(n + 1):
            cand.fill(-_INF)
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
            cand.fill(-_INF)
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
            slot.fill(-_INF)
            for t in live:
                slot[t, pad:pad + w] = row - costs[t, i] / temp
    return fw, bw, pad


# ----------------------------------------------------------------------------- coarse-to-fine


def _downsample(vecs: np.ndarray) -> np.ndarray:
    if len(vecs) % 2:
        vecs = np.concatenate([vecs, np.zeros((1, vecs.shape[1]), vecs.dtype)])
    return _normalise(vecs[0::2] + vecs[1::2])


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
    coarse_params = replace(params, merge_penalty=0.0)
    costs, del_t = _costs(prob, cband, coarse_params, rng)
    path = _viterbi(costs, types, cband, del_t)
    buf = params.search_buffer
    lo = np.full(n + 1, m + 1, np.int64)
    hi = np.zeros(n + 1, np.int64)
    prev = (0, 0)
    for t, i, j in path:
        r0, r1 = max(0, 2 * prev[0] - buf), min(n, 2 * i + buf)
        lo[r0:r1 + 1] = np.minimum(lo[r0:r1 + 1], 2 * prev[1] - buf)
        hi[r0:r1 + 1] = np.maximum(hi[r0:r1 + 1], 2 * j + buf + 1)
        prev = (i, j)
        del t
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


# ----------------------------------------------------------------------------- core


def _group_of_overlaps(groups: np.ndarray, k_max: int) -> list[np.ndarray]:
    out = []
    for k in range(1, k_max + 1):
        if len(groups) < k:
            out.append(np.zeros(0, np.int64))
            continue
        first, last = groups[:len(groups) - k + 1], groups[k - 1:]
        out.append(np.where(first == last, first, -1))
    return out


def _len_overlaps(lengths: np.ndarray, k_max: int) -> list[np.ndarray]:
    csum = np.concatenate([[0.0], np.cumsum(np.asarray(lengths, np.float64))])
    # a joining space per extra sentence, as in the embedded text
    return [csum[k:] - csum[:-k] + (k - 1) for k in range(1, k_max + 1)]


def align_vectors(src: Sequence[np.ndarray], tgt: Sequence[np.ndarray],
                  params: AlignParams = AlignParams(),
                  src_lengths: np.ndarray | None = None,
                  tgt_lengths: np.ndarray | None = None,
                  src_groups: np.ndarray | None = None,
                  tgt_groups: np.ndarray | None = None,
                  progress: Progress | None = None) -> list[Bead]:
    """Align two documents given their overlap embeddings; the pure numpy core.

    `src[k-1]` holds the L2-normalised embeddings of every run of k consecutive source
    sentences (row i = sentences i..i+k-1), for k = 1..params.max_overlap (see
    `sum_overlaps` for an approximation from sentence vectors). Optional character lengths
    switch on the length model. Optional non-decreasing group ids per sentence (aligned
    paragraph groups: equal ids on both sides are aligned) forbid beads that cross groups;
    overlaps that cross groups may then be NaN rows, since they are never read.
    Returns beads in order covering every sentence once; `confidence` is the bead's posterior
    probability, `similarity` the cosine of the two sides (None for 1-0 / 0-1).
    """
    k = params.max_overlap
    srcv = [np.asarray(v, np.float32) for v in list(src)[:k]]
    tgtv = [np.asarray(v, np.float32) for v in list(tgt)[:k]]
    n = len(srcv[0]) if srcv else 0
    m = len(tgtv[0]) if tgtv else 0
    if n == 0 or m == 0:
        return [Bead((i,), (), None, 1.0) for i in range(n)] + [
            Bead((), (j,), None, 1.0) for j in range(m)]
    rng = np.random.default_rng(params.seed)
    types = bead_types(min(k, len(srcv), len(tgtv)), params.max_bead)
    if progress:
        progress(0, 3)
    raw_s, raw_t = srcv, tgtv  # reported similarities are plain cosines of the texts
    srcv = _center(srcv, params.center_min_items)
    tgtv = _center(tgtv, params.center_min_items)
    if src_groups is not None and tgt_groups is not None:
        sg = np.asarray(src_groups, np.int64)
        tg = np.asarray(tgt_groups, np.int64)
        band = _group_band(sg, tg, n, m)
        sgo: list[np.ndarray] | None = _group_of_overlaps(sg, k)
        tgo: list[np.ndarray] | None = _group_of_overlaps(tg, k)
    else:
        band = _coarse_band(np.nan_to_num(srcv[0]), np.nan_to_num(tgtv[0]), params, rng)
        sgo = tgo = None
    if progress:
        progress(1, 3)
    prob = _Problem(
        srcv, tgtv, types,
        _len_overlaps(src_lengths, k) if src_lengths is not None else None,
        _len_overlaps(tgt_lengths, k) if tgt_lengths is not None else None,
        sgo, tgo,
    )
    costs, del_t = _costs(prob, band, params, rng)
    path = _viterbi(costs, types, band, del_t)
    if progress:
        progress(2, 3)
    fw, bw, pad = _soft(costs, types, band, del_t, params.temperature)
    total = fw[n, pad + m - band.lo[n]]
    beads: list[Bead] = []
    for t, i, j in path:
        if t == -1:
            a, b, c = 0, 1, del_t
        else:
            a, b = types[t]
            c = float(costs[t, i, j - band.lo[i]])
        start = fw[i - a, pad + j - b - band.lo[i - a]]
        logp = start - c / params.temperature + bw[i, pad + j - band.lo[i]] - total
        conf = float(np.clip(np.exp(min(0.0, logp)), 0.0, 1.0))
        sim = None
        if a and b:
            sim = float(np.dot(raw_s[a - 1][i - a], raw_t[b - 1][j - b]))
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), sim, conf))
    if progress:
        progress(3, 3)
    return beads


# ----------------------------------------------------------------------------- text level


def _overlap_matrix(texts: Sequence[str], k_max: int, vec: dict[str, np.ndarray], dim: int,
                    groups: np.ndarray | None) -> list[np.ndarray]:
    """Overlap embeddings from a text -> vector table; crossing overlaps are NaN (unused)."""
    out = []
    for k in range(1, k_max + 1):
        rows = np.full((max(0, len(texts) - k + 1), dim), np.nan, np.float32)
        for i in range(len(texts) - k + 1):
            if groups is None or groups[i] == groups[i + k - 1]:
                rows[i] = vec[" ".join(texts[i:i + k])]
        out.append(rows)
    return out


def _needed(texts: Sequence[str], k_max: int, groups: np.ndarray | None) -> list[str]:
    out = []
    for k in range(1, k_max + 1):
        for i in range(len(texts) - k + 1):
            if groups is None or groups[i] == groups[i + k - 1]:
                out.append(" ".join(texts[i:i + k]))
    return out


def _embed_table(texts: list[str], embed: EmbedFn) -> tuple[dict[str, np.ndarray], int]:
    uniq = list(dict.fromkeys(texts))
    if not uniq:
        return {}, 0
    vecs = np.asarray(embed(uniq), np.float32)
    if vecs.shape[0] != len(uniq):
        raise ValueError(f"embed returned {vecs.shape[0]} rows for {len(uniq)} texts")
    return dict(zip(uniq, vecs, strict=True)), int(vecs.shape[1])


def _overlaps(texts: Sequence[str], k: int, table: dict[str, np.ndarray], dim: int,
              groups: np.ndarray | None, params: AlignParams) -> list[np.ndarray]:
    if params.embed_overlaps:
        return _overlap_matrix(texts, k, table, dim, groups)
    return sum_overlaps(_overlap_matrix(texts, 1, table, dim, None)[0], k)


def align_sentences(src_texts: Sequence[str], tgt_texts: Sequence[str], embed: EmbedFn,
                    params: AlignParams = AlignParams()) -> list[Bead]:
    """Whole-document sentence alignment (no paragraph step); one embed call."""
    k = params.max_overlap
    ke = k if params.embed_overlaps else 1
    table, dim = _embed_table(_needed(src_texts, ke, None) + _needed(tgt_texts, ke, None), embed)
    if not table:
        return align_vectors([np.zeros((0, 1))], [np.zeros((0, 1))], params)
    return align_vectors(
        _overlaps(src_texts, k, table, dim, None, params),
        _overlaps(tgt_texts, k, table, dim, None, params),
        params,
        np.array([len(t) for t in src_texts], np.float64),
        np.array([len(t) for t in tgt_texts], np.float64),
    )


def _paragraph_params(params: AlignParams) -> AlignParams:
    return replace(params, max_overlap=params.paragraph_max_overlap,
                   max_bead=params.paragraph_max_bead)


def align_documents(src: Document, tgt: Document, embed: EmbedFn,
                    params: AlignParams = AlignParams(),
                    progress: Progress | None = None) -> Alignment:
    """Paragraphs first, then sentences inside aligned paragraph groups.

    Falls back to whole-document sentence alignment when either side has a single paragraph
    or the paragraph beads are not confident enough (structure absent or disagreeing).
    Sentence confidences inside a group are multiplied by the group's paragraph confidence.
    """
    s_texts, t_texts = src.texts, tgt.texts
    k = params.max_overlap
    pk = params.paragraph_max_overlap
    n_sp, n_tp = len(src.paragraphs), len(tgt.paragraphs)
    use_par = n_sp > 1 and n_tp > 1
    if progress:
        progress(0, 4)
    para_beads: list[Bead] = []
    table: dict[str, np.ndarray] = {}
    dim = 0
    s_par = [src.paragraph_text(p.id) for p in src.paragraphs]
    t_par = [tgt.paragraph_text(p.id) for p in tgt.paragraphs]
    if use_par:
        first = _needed(s_par, pk, None) + _needed(t_par, pk, None) + s_texts + t_texts
        table, dim = _embed_table(first, embed)
        para_beads = align_vectors(
            _overlap_matrix(s_par, pk, table, dim, None),
            _overlap_matrix(t_par, pk, table, dim, None),
            _paragraph_params(params),
            np.array([len(t) for t in s_par], np.float64),
            np.array([len(t) for t in t_par], np.float64),
        )
    if progress:
        progress(1, 4)
    paired = [b for b in para_beads if b.source and b.target]
    use_groups = bool(paired) and float(np.mean([b.confidence or 0.0 for b in paired])) >= (
        params.paragraph_min_confidence)
    s_groups: np.ndarray | None = None
    t_groups: np.ndarray | None = None
    group_conf: list[float] = []
    if use_groups:
        s_groups = np.zeros(len(s_texts), np.int64)
        t_groups = np.zeros(len(t_texts), np.int64)
        for g, b in enumerate(para_beads):
            for p in b.source:
                s_groups[list(src.paragraphs[p].sentences)] = g
            for p in b.target:
                t_groups[list(tgt.paragraphs[p].sentences)] = g
            group_conf.append(b.confidence if b.confidence is not None else 1.0)
    ke = k if params.embed_overlaps else 1
    need = [t for t in _needed(s_texts, ke, s_groups) + _needed(t_texts, ke, t_groups)
            if t not in table]
    more, dim2 = _embed_table(need, embed)
    table.update(more)
    dim = dim or dim2
    if progress:
        progress(2, 4)
    if not s_texts or not t_texts or not table:
        sent = align_vectors([np.zeros((len(s_texts), 1))], [np.zeros((len(t_texts), 1))], params)
    else:
        sent = align_vectors(
            _overlaps(s_texts, k, table, dim, s_groups, params),
            _overlaps(t_texts, k, table, dim, t_groups, params),
            params,
            np.array([len(t) for t in s_texts], np.float64),
            np.array([len(t) for t in t_texts], np.float64),
            s_groups, t_groups,
        )
    if use_groups and s_groups is not None and t_groups is not None:
        scaled = []
        for b in sent:
            g = int(s_groups[b.source[0]] if b.source else t_groups[b.target[0]])
            scaled.append(replace(b, confidence=(b.confidence or 0.0) * group_conf[g]))
        sent = scaled
    if use_groups:
        para_beads = _split_unmatched_edges(para_beads, sent, src, tgt, s_par, t_par, table)
    if progress:
        progress(4, 4)
    return Alignment(paragraphs=tuple(para_beads), sentences=tuple(sent))


def _split_unmatched_edges(para_beads: Sequence[Bead], sent: Sequence[Bead], src: Document,
                           tgt: Document, s_par: Sequence[str], t_par: Sequence[str],
                           table: dict[str, np.ndarray]) -> list[Bead]:
    """Refine n:m paragraph beads with the sentence evidence found inside them.

    A paragraph that adds little text to a merged bead (a title, a caption) barely moves the
    bead's embedding, so the paragraph DP may take it into a 2-1 bead instead of deleting it.
    The sentence DP inside the group sees it clearly: if every sentence of a paragraph at
    either end of a bead is a 1-0 / 0-1 bead, that paragraph is split off as its own 1-0 / 0-1
    paragraph bead (confidence: the mean of its sentences'), and the rest keeps the group's
    confidence with its similarity recomputed.
    """
    deleted_s = {b.source[0]: b.confidence or 0.0 for b in sent if b.source and not b.target}
    deleted_t = {b.target[0]: b.confidence or 0.0 for b in sent if b.target and not b.source}

    def unmatched(par: int, side: Document, deleted: dict[int, float]) -> float | None:
        ids = side.paragraphs[par].sentences
        if ids and all(i in deleted for i in ids):
            return float(np.mean([deleted[i] for i in ids]))
        return None

    out: list[Bead] = []
    for b in para_beads:
        if not (b.source and b.target) or len(b.source) + len(b.target) <= 2:
            out.append(b)
            continue
        s_ids, t_ids = list(b.source), list(b.target)
        head: list[Bead] = []
        tail: list[Bead] = []
        for ids, side, deleted, is_src in ((s_ids, src, deleted_s, True),
                                           (t_ids, tgt, deleted_t, False)):
            for at_end in (False, True):
                while len(ids) > 1:
                    par = ids[-1] if at_end else ids[0]
                    conf = unmatched(par, side, deleted)
                    if conf is None:
                        break
                    ids.remove(par)
                    one = Bead((par,), (), None, conf) if is_src else Bead((), (par,), None, conf)
                    if at_end:
                        tail.insert(0, one)
                    else:
                        head.append(one)
        if len(s_ids) == len(b.source) and len(t_ids) == len(b.target):
            out.append(b)
            continue
        sv = table.get(" ".join(s_par[i] for i in s_ids))
        tv = table.get(" ".join(t_par[j] for j in t_ids))
        sim = float(np.dot(sv, tv)) if sv is not None and tv is not None else b.similarity
        out += [*head, Bead(tuple(s_ids), tuple(t_ids), sim, b.confidence), *tail]
    return out


# ----------------------------------------------------------------------------- I/O


def format_beads(beads: Sequence[Bead]) -> str:
    """vecalign format, one `[0, 1]:[2]:0.812345` line per bead; the number is the confidence."""
    lines = []
    for b in beads:
        conf = b.confidence if b.confidence is not None else 0.0
        lines.append(f"[{', '.join(map(str, b.source))}]:[{', '.join(map(str, b.target))}]"
                     f":{conf:.6f}")
    return "\n".join(lines) + ("\n" if lines else "")


def _ids(part: str) -> tuple[int, ...]:
    part = part.strip()
    if not (part.startswith("[") and part.endswith("]")):
        raise ValueError(f"not a bead side: {part!r}")
    inner = part[1:-1].strip()
    return tuple(int(x) for x in inner.split(",")) if inner else ()


def parse_beads(text: str) -> list[BeadPair]:
    """Read vecalign-format beads (`[9, 10]:[9]` with an optional `:score`)."""
    out: list[BeadPair] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split(":")
        if len(parts) < 2:
            raise ValueError(f"not a bead line: {line!r}")
        out.append((_ids(parts[0]), _ids(parts[1])))
    return out


def bead_pairs(beads: Sequence[Bead]) -> list[BeadPair]:
    return [(b.source, b.target) for b in beads]


__all__ = [
    "AlignParams", "EmbedFn", "align_documents", "align_sentences", "align_vectors",
    "bead_pairs", "bead_types", "describe", "format_beads", "overlap_texts", "parse_beads",
    "sum_overlaps",
]


def _pairwise_monotone(beads: Sequence[Bead]) -> bool:  # used by tests
    s = [i for b in beads for i in b.source]
    t = [j for b in beads for j in b.target]
    return all(x < y for x, y in pairwise(s)) and all(x < y for x, y in pairwise(t))

