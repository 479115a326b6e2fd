"""The alignment DP against brute force, and what affine deletion runs change.

`dp._viterbi` and `dp._soft` solve the same model as an enumeration of every step sequence
from (0, 0) to (n, m) on a tiny problem: bead types priced by a random cost table, source runs
of 2..max_run deletions and target runs (not two in a row) priced by `Gaps`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from qa_pipeline.align import AlignParams, MarginParams, align_vectors, bead_types, sum_overlaps
from qa_pipeline.align.band import _full_band
from qa_pipeline.align.dp import Gaps, _soft, _steps, _viterbi

TEMP = 0.1


def enumerate_paths(costs: np.ndarray, types: list[tuple[int, int]], gaps: Gaps, n: int,
                    m: int) -> list[tuple[float, list[tuple[int, int, int]]]]:
    """Every step sequence with its cost, steps as `_viterbi` reports them."""
    steps = _steps(types, gaps)
    out: list[tuple[float, list[tuple[int, int, int]]]] = []

    def walk(i: int, j: int, after_run: bool, cost: float,
             path: list[tuple[int, int, int]]) -> None:
        if (i, j) == (n, m):
            out.append((cost, path))
        for t, (a, b) in enumerate(steps):
            if a == 0 or i + a > n or j + b > m:
                continue
            c = float(costs[t, i + a, j + b]) if t < len(types) else gaps.cost(a)
            walk(i + a, j + b, False, cost + c, [*path, (t, i + a, j + b)])
        if not after_run:
            for r in range(1, m - j + 1):
                walk(i, j + r, True, cost + gaps.cost(r), [*path, (-r, i, j + r)])

    walk(0, 0, False, 0.0, [])
    return out


def path_cost(costs: np.ndarray, types: list[tuple[int, int]], gaps: Gaps,
              path: list[tuple[int, int, int]]) -> float:
    steps = _steps(types, gaps)
    total = 0.0
    for t, i, j in path:
        total += (gaps.cost(-t) if t < 0 else float(costs[t, i, j]) if t < len(types)
                  else gaps.cost(steps[t][0]))
    return total


def logsumexp(x: list[float]) -> float:
    top = max(x)
    return top + float(np.log(np.sum(np.exp(np.array(x) - top))))


@pytest.mark.parametrize("gaps", [Gaps.linear(0.3), Gaps(0.3, 0.1, 3)])
@pytest.mark.parametrize("seed", range(4))
def test_dp_agrees_with_brute_force(gaps: Gaps, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 3, 3
    types = bead_types(2, 3)
    band = _full_band(n, m)
    costs = rng.uniform(-0.5, 0.5, size=(len(types), n + 1, m + 1)).astype(np.float32)
    paths = enumerate_paths(costs, types, gaps, n, m)
    best = min(c for c, _ in paths)
    path = _viterbi(costs, types, band, gaps)
    assert path_cost(costs, types, gaps, path) == pytest.approx(best, abs=1e-5)

    soft = _soft(costs, types, band, gaps, TEMP)
    assert soft.log_total(band) == pytest.approx(logsumexp([-c / TEMP for c, _ in paths]),
                                                 abs=1e-4)
    steps = _steps(types, gaps)
    for step in path:  # each step's posterior is the mass of the paths through it
        t = step[0]
        c = gaps.cost(-t) if t < 0 else path_cost(costs, types, gaps, [step])
        through = [-pc / TEMP for pc, p in paths if step in p]
        want = logsumexp(through) - logsumexp([-pc / TEMP for pc, _ in paths])
        assert soft.log_posterior(band, steps, step, c, TEMP) == pytest.approx(want,
                                                                                     abs=1e-4)


def lost_paragraph(seed: int, sim: float = 0.6, lost: int = 3, n: int = 12,
                   at: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Random source sentences; the target translates each (cosine about `sim`) except a
    run of `lost` sentences from `at`."""
    rng = np.random.default_rng(seed)

    def unit(x: np.ndarray) -> np.ndarray:
        return np.asarray(x / np.linalg.norm(x, axis=-1, keepdims=True))

    src = unit(rng.normal(size=(n, 64)))
    keep = [i for i in range(n) if not at <= i < at + lost]
    noise = unit(rng.normal(size=(len(keep), 64)))
    return src, unit(sim * src[keep] + np.sqrt(1 - sim ** 2) * noise)


def deleted(extend: float, src: np.ndarray, tgt: np.ndarray) -> list[int]:
    params = replace(AlignParams(runs="exact"), margin=replace(MarginParams(),
                                                                skip_extend=extend))
    beads = align_vectors(sum_overlaps(src, 4), sum_overlaps(tgt, 4), params)
    return [b.source[0] for b in beads if not b.target]


def test_a_lost_paragraph_comes_out_as_deletions_not_inside_a_merge() -> None:
    src, tgt = lost_paragraph(seed=1)
    skip = MarginParams().skip
    # priced per sentence, two of the three lost sentences ride in a merge with a neighbour
    assert len(deleted(skip, src, tgt)) < 3
    # priced per run, all three are 1-0 beads, and nothing else is
    assert deleted(MarginParams().skip_extend, src, tgt) == [5, 6, 7]
    # the target side is priced the same way
    assert [b.target for b in align_vectors(
        sum_overlaps(tgt, 4), sum_overlaps(src, 4), AlignParams(runs="exact"))
        if not b.source] == [(5,), (6,), (7,)]
