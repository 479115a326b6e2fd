"""Runs ("overlaps") of 1..k consecutive sentences: their texts, vectors, lengths and groups.

`xs[k-1][i]` always describes the run of sentences i..i+k-1, whatever `x` holds. A run's
text is its sentences joined by one space (`run_text`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from ..text import unit_rows
from .centred import _Centred


def overlap_texts(texts: Sequence[str], max_overlap: int) -> list[str]:
    """All runs of 1..max_overlap consecutive texts joined by one space, deduplicated."""
    out: list[str] = []
    for k in range(1, max_overlap + 1):
        for i in range(len(texts) - k + 1):
            out.append(" ".join(texts[i:i + k]))
    return list(dict.fromkeys(out))


def run_text(texts: Sequence[str], i: int, k: int) -> str:
    """The text of the run of sentences i..i+k-1, as embedded."""
    return " ".join(texts[i:i + k])


def runs_allowed(n: int, k_max: int, groups: np.ndarray | None = None,
                 open_: np.ndarray | None = None) -> list[np.ndarray]:
    """Per run length k (item k-1), one boolean per start i: whether the run of sentences
    i..i+k-1 stays inside one group and, for k >= 2, inside `open_` (a boolean per sentence:
    where runs of several sentences are wanted; None: everywhere)."""
    g = None if groups is None else np.asarray(groups)
    closed = None if open_ is None else np.concatenate(
        [[0], np.cumsum(~np.asarray(open_, bool))])
    out = []
    for k in range(1, k_max + 1):
        count = max(0, n - k + 1)
        ok = np.ones(count, bool)
        if count and g is not None:
            ok &= g[:count] == g[k - 1:k - 1 + count]
        if count and k > 1 and closed is not None:
            ok &= closed[k:k + count] == closed[:count]
        out.append(ok)
    return out


def _runs(n: int, k_max: int, groups: np.ndarray | None, open_: np.ndarray | None
          ) -> Iterator[tuple[int, int]]:
    """(k, i) of every run `runs_allowed` allows, by length then start."""
    for k, ok in enumerate(runs_allowed(n, k_max, groups, open_), start=1):
        for i in np.flatnonzero(ok).tolist():
            yield k, i


def run_texts(texts: Sequence[str], k_max: int, groups: np.ndarray | None = None,
              open_: np.ndarray | None = None) -> list[str]:
    """The texts `run_matrix` will look up, in order (not deduplicated)."""
    return [run_text(texts, i, k) for k, i in _runs(len(texts), k_max, groups, open_)]


def run_matrix(texts: Sequence[str], k_max: int, table: Mapping[str, np.ndarray], dim: int,
               groups: np.ndarray | None = None,
               open_: np.ndarray | None = None) -> list[np.ndarray]:
    """Run vectors read from a text -> vector table; runs crossing a group, or of several
    sentences outside `open_`, are NaN rows (the DP never takes a bead on them)."""
    n = len(texts)
    out = [np.full((max(0, n - k + 1), dim), np.nan, np.float32) for k in range(1, k_max + 1)]
    for k, i in _runs(n, k_max, groups, open_):
        out[k - 1][i] = table[run_text(texts, i, k)]
    return out


def sum_overlaps(vecs: np.ndarray, max_overlap: int) -> list[np.ndarray]:
    """Overlap embeddings approximated by the normalised sum of sentence embeddings.

    Used for the coarse levels and for synthetic benchmarks; real runs embed the joined text.
    """
    vecs = np.asarray(vecs, dtype=np.float32)
    out = [vecs]
    csum = np.concatenate([np.zeros((1, vecs.shape[1]), np.float32), np.cumsum(vecs, axis=0)])
    for k in range(2, max_overlap + 1):
        if len(vecs) >= k:
            out.append(unit_rows(csum[k:] - csum[:-k]))
        else:
            out.append(np.zeros((0, vecs.shape[1]), np.float32))
    return out


def _center(vecs: Sequence[np.ndarray], min_items: int) -> Sequence[np.ndarray]:
    """Overlap embeddings minus the side's mean 1-sentence vector, renormalised (`_Centred`).

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
    mu = (vecs[0] if ok.all() else vecs[0][ok]).mean(axis=0)
    return _Centred(vecs, mu)


def _len_overlaps(lengths: np.ndarray, k_max: int) -> list[np.ndarray]:
    """Character length of every run as embedded: a joining space per extra sentence."""
    csum = np.concatenate([[0.0], np.cumsum(np.asarray(lengths, np.float64))])
    return [csum[k:] - csum[:-k] + (k - 1) for k in range(1, k_max + 1)]


def _group_of_overlaps(groups: np.ndarray, k_max: int) -> list[np.ndarray]:
    """Group id of every run, -1 where the run crosses a group boundary."""
    out = []
    for k in range(1, k_max + 1):
        if len(groups) < k:
            out.append(np.zeros(0, np.int64))
            continue
        first, last = groups[:len(groups) - k + 1], groups[k - 1:]
        out.append(np.where(first == last, first, -1))
    return out


def _boundaries_of_overlaps(ids: np.ndarray, k_max: int) -> list[np.ndarray]:
    """How many paragraph boundaries (changes of `ids` between neighbours) each run spans."""
    ids = np.asarray(ids)
    steps = np.concatenate([[0.0], np.cumsum(ids[1:] != ids[:-1], dtype=np.float64)])
    return [steps[k - 1:] - steps[:len(steps) - k + 1] if len(ids) >= k else np.zeros(0)
            for k in range(1, k_max + 1)]
