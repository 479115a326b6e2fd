"""Words that do not fit their own sentence: a linear probe over a word's contextual states.

A word swapped in from elsewhere, or a calque (a word-for-word rendering of an idiom of the
original), is often odd in its own sentence, whatever the other side says. Contextual
states carry some of that: a logistic probe over a word's mean sub-token states at a few
layers, trained on sentences with one word swapped in from elsewhere in the same corpus
(`bench/tagger_fit.py`: MLQE-PE train Estonian sources and English post-edits, no NTREX),
tells the swapped word from the sentence's own words (NTREX lt–et odd documents: sentence AUC
0.60 alone, the swapped word its sentence's top word in 44 % of swaps; `bench/word_incongruity.py`).

The word tagger adds it to each target word's P(BAD) as ``weight · (P(misfit) − centre)``
(clipped to [0, 1]) for *marking* words only (`PairTags.target_mark`, cut against the header's
`word_mark_target`): the sentence-level word evidence the drift score reads stays as it was,
so drift scores do not move. It reads the layers the feature tagger keeps (no extra pass); the
weight and cut are chosen on held-out data and shipped in the cross tagger's header (`fit`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .tagger import PairTags, WordStates


@dataclass(frozen=True)
class WordFit:
    """The probe (`coef` over the concatenated states at `layers`, standardisation folded
    in) and how much it weighs: target P(BAD) += `weight` · (P(misfit) − `centre`)."""

    layers: tuple[int, ...]
    coef: tuple[float, ...]
    intercept: float
    weight: float
    centre: float


def misfit(states: WordStates, layers: tuple[int, ...], fit: WordFit) -> np.ndarray:
    """P(misfit) of each word of one side; `states` holds `layers`, which include the
    probe's."""
    if not states.spans:
        return np.zeros(0)
    idx = [layers.index(k) for k in fit.layers]
    x = states.states[:, idx].astype(np.float64).reshape(len(states.spans), -1)
    coef = np.asarray(fit.coef, dtype=np.float64)
    if x.shape[1] != coef.size:
        raise ValueError(f"word fit: {coef.size} weights for {x.shape[1]} state values")
    return np.asarray(1.0 / (1.0 + np.exp(-(x @ coef + fit.intercept))), dtype=float)


def with_fit(tags: PairTags, target: WordStates, layers: tuple[int, ...],
             fit: WordFit) -> PairTags:
    """`tags` with `target_mark`: each target word's P(BAD) moved by how little it fits its
    sentence (everything else as it was)."""
    shift = fit.weight * (misfit(target, layers, fit) - fit.centre)
    mark = np.clip(tags.target_bad + shift, 0.0, 1.0) if shift.size else tags.target_bad
    return replace(tags, target_mark=mark)


__all__ = ["WordFit", "misfit", "with_fit"]
