"""The aligner's memory-bounded internals: centred run vectors computed one length at a time,
and cost blocks prefetched in run-length order, change no value and miss no block."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from qa_pipeline.align import (
    AlignParams,
    align_vectors,
    bead_types,
    costs_margin,
    costs_ratio,
    sum_overlaps,
)
from qa_pipeline.align.band import _full_band
from qa_pipeline.align.costs import BlockKey, _Blocks, _Problem
from qa_pipeline.align.runs import _center, _Centred, _len_overlaps
from qa_pipeline.text import unit_rows


def _runs(n: int, d: int = 24, seed: int = 0, k: int = 4, noise: float = 0.0,
          noise_seed: int = 1) -> list[np.ndarray]:
    vecs = unit_rows(np.random.default_rng(seed).normal(size=(n, d)) + 2.0)  # a narrow cone
    vecs = unit_rows(vecs + noise * np.random.default_rng(noise_seed).normal(size=(n, d)))
    return sum_overlaps(vecs, k)


def test_centred_lengths_equal_eager_centring_bit_for_bit() -> None:
    runs = _runs(50)
    runs[2][::3] = np.nan  # unused runs stay NaN
    mu = runs[0].mean(axis=0)
    lazy = _center(runs, 4)
    assert isinstance(lazy, _Centred)
    for k in (3, 0, 2, 0, 1, 3):  # any order, recomputed after eviction
        want = unit_rows(runs[k] - mu)
        assert np.array_equal(lazy[k], want, equal_nan=True)
    assert len(lazy) == 4 and len(list(lazy)) == 4 and len(lazy[1:3]) == 2
    with pytest.raises(IndexError):
        lazy[4]


def test_centred_holds_at_most_keep_lengths() -> None:
    lazy = _Centred(_runs(30), np.zeros(24, np.float32), keep=2)
    for k in (0, 1, 2, 3, 1):
        lazy[k]
        assert len(lazy._held) <= 2
    assert set(lazy._held) == {3, 1}


def test_too_few_items_are_not_centred() -> None:
    runs = _runs(3)
    assert _center(runs, 4) is runs
    assert _center(runs, 0) is runs


class _StrictBlocks(_Blocks):
    """Fails if a cost function reads a block it did not prefetch."""

    def prefetch(self, keys: object) -> None:
        super().prefetch(keys)  # type: ignore[arg-type]
        self.sealed = True

    def __call__(self, ks: int, kt: int, a: int, b: int) -> np.ndarray:
        key: BlockKey = (ks, kt, a, b)
        if getattr(self, "sealed", False) and key not in self.memo:
            raise AssertionError(f"block {key} read but not prefetched")
        return super().__call__(ks, kt, a, b)


@pytest.mark.parametrize("scoring", ["margin", "ratio"])
@pytest.mark.parametrize(("max_overlap", "max_bead"), [(4, 5), (3, 4), (2, 3)])
def test_every_block_a_cost_reads_is_prefetched(monkeypatch: pytest.MonkeyPatch, scoring: str,
                                                max_overlap: int, max_bead: int) -> None:
    monkeypatch.setattr(costs_margin, "_Blocks", _StrictBlocks)
    monkeypatch.setattr(costs_ratio, "_Blocks", _StrictBlocks)
    src, tgt = _runs(20, seed=1, k=max_overlap), _runs(22, seed=2, k=max_overlap)
    lens_s, lens_t = np.arange(20) + 5.0, np.arange(22) + 7.0
    types = bead_types(max_overlap, max_bead)
    prob = _Problem(_center(src, 4), _center(tgt, 4), types, _len_overlaps(lens_s, max_overlap),
                    _len_overlaps(lens_t, max_overlap), None, None)
    band = _full_band(20, 22)
    params = AlignParams(scoring=scoring)  # type: ignore[arg-type]
    if scoring == "margin":
        costs = costs_margin._margin_costs(prob, band, params.margin)
    else:
        costs, _ = costs_ratio._ratio_costs(prob, band, params.ratio, np.random.default_rng(0))
    assert costs.shape == (len(types), 21, 23) and np.isfinite(costs).any()


@pytest.mark.parametrize("scoring", ["margin", "ratio"])
def test_one_length_held_gives_the_same_beads_as_all_held(monkeypatch: pytest.MonkeyPatch,
                                                          scoring: str) -> None:
    # a noisy copy; coarse-to-fine at this size
    src, tgt = _runs(700, seed=3), _runs(700, seed=3, noise=0.1)
    params = AlignParams(scoring=scoring)  # type: ignore[arg-type]
    one = align_vectors(src, tgt, params)

    class _HoldAll(_Centred):
        def __init__(self, raw: list[np.ndarray], mu: np.ndarray, keep: int = 1) -> None:
            super().__init__(raw, mu, keep=99)

    monkeypatch.setattr("qa_pipeline.align.runs._Centred", _HoldAll)
    assert align_vectors(src, tgt, params) == one
    assert align_vectors(src, tgt, replace(params, center_min_items=0)) != one
