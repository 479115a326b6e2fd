"""Unmatched words: how well each target word is matched by a word, or two adjacent words, of
the source, read from the encoder's own contextual word states.

A word's contextual state carries both the word and its sentence; the two sides of a bead
share the sentence, so every pair of their words looks alike. Centring each side on its mean
word state cancels what the sentence contributes, and what is left compares the words
themselves (`token_states.span_means` does the same for the entity check's names). A target
word replaced by an unrelated one keeps no counterpart: its best centred cosine is low.

The word tagger adds that evidence to its target P(BAD): ``P + weight · (centre − best)``,
clipped to [0, 1], with the layer and weight chosen on held-out data and shipped in the cross
tagger's header (``bench/tagger_match.py``: on NTREX lt–et documents it never saw, a word
swapped for an unrelated one is its sentence's most suspicious word in 38 % of the swaps
instead of 28 %, at MLQE-PE word MCC 0.371 instead of 0.382).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..text import unit_rows
from .tagger import PairTags, WordStates


@dataclass(frozen=True)
class WordMatch:
    """Where the evidence is read and how much it weighs: `layer` is a hidden layer of the
    encoder (0 = the embeddings); target P(BAD) += `weight` · (`centre` − best cosine)."""

    layer: int
    weight: float
    centre: float


def best_match(mine: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Per row of `mine` (words, dim): its best cosine with a row of `other` or the mean of two
    adjacent rows, each side centred on its own mean row first. NaN (no evidence) when either
    side has fewer than two words: a lone word centred on itself is nothing."""
    if len(mine) < 2 or len(other) < 2:
        return np.full(len(mine), np.nan)
    cands = np.concatenate([other, (other[:-1] + other[1:]) / 2])
    a = unit_rows(mine - mine.mean(axis=0))
    c = unit_rows(cands - other.mean(axis=0))
    return np.asarray((a @ c.T).max(axis=1), dtype=float)


def with_match(tags: PairTags, source: WordStates, target: WordStates, layers: tuple[int, ...],
               match: WordMatch) -> PairTags:
    """`tags` with the target words' P(BAD) raised where they have no counterpart (and
    lowered where they have a close one; unchanged without evidence); `source` / `target` are
    the sides' word states at `layers`, which include `match.layer`."""
    k = layers.index(match.layer)
    best = best_match(target.states[:, k], source.states[:, k])
    shift = np.nan_to_num(match.weight * (match.centre - best), nan=0.0)
    return replace(tags, target_bad=np.clip(tags.target_bad + shift, 0.0, 1.0))


__all__ = ["WordMatch", "best_match", "with_match"]
