"""The banded competitor statistics equal those of the full similarity matrix."""

from __future__ import annotations

import numpy as np
import pytest

from qa_pipeline.detect.drift import competitor_stats


def _full(src: np.ndarray, tgt: np.ndarray, win: int, k: int):
    sims = src @ tgt.T
    m = len(src)
    cos, margin, nbr = np.diag(sims).astype(float), np.full(m, np.nan), np.full(m, np.nan)
    for i in range(m):
        lo, hi = max(0, i - win), min(m, i + win + 1)
        comp = np.concatenate([np.delete(sims[i, lo:hi], i - lo),
                               np.delete(sims[lo:hi, i], i - lo)])
        if comp.size:
            margin[i], nbr[i] = cos[i] - comp.max(), np.sort(comp)[-k:].mean()
    return cos, margin, nbr


@pytest.mark.parametrize(("m", "win", "chunk"), [(1, 20, 512), (7, 20, 512), (1300, 20, 512),
                                                 (300, 5, 64), (30, 0, 512)])
def test_competitor_stats_match_the_full_matrix(m: int, win: int, chunk: int) -> None:
    rng = np.random.default_rng(m)
    src = rng.normal(size=(m, 16)).astype(np.float32)
    tgt = (src + rng.normal(scale=0.8, size=(m, 16))).astype(np.float32)
    got = competitor_stats(src, tgt, win, 3, chunk=chunk)
    for a, b in zip(got, _full(src, tgt, win, 3), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
