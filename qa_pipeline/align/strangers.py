"""Strangers: a 1-1 bead of two sentences that are no translation of each other.

When one sentence is deleted on each side at the same place (a "crossing" deletion), the two
sentences left between the translated neighbours are their neighbours' texts, and the DP pairs
them as a 1-1 bead: two deletions cost more than one poor pair. Their sentence vectors, centred
on each side's mean (what the aligner's costs read, `runs._center`), are less alike than any
translation's: on NTREX-128 the least alike of 16,000 translations in eight other language
pairs has a centred cosine of 0.065, and crossed neighbours' pairs often fall below it
(BENCHMARKS "Session 28: strangers"). `split_strangers` makes such a bead a 1-0 and a 0-1.
Pure: the caller gives the sentence vectors (`table`, text -> unit vector).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from importlib import resources

import numpy as np

from ..text import unit_rows
from ..types import Bead
from .params import AlignParams

# Per model, the cut `bench/stranger_cut.py --write` derived (a cosine is the encoder's own:
# a model without an entry keeps its 1-1 beads).
CUTS_FILE = "stranger_cut.json"


@lru_cache(maxsize=1)
def stranger_cuts() -> Mapping[str, float]:
    data = json.loads(resources.files("qa_pipeline.data").joinpath(CUTS_FILE).read_text("utf-8"))
    return {name: float(v["split_below"]) for name, v in data["models"].items()}


def params_for(params: AlignParams, model: str) -> AlignParams:
    """`params` with the strangers' cut of `model` where it has one and none is set."""
    cut = stranger_cuts().get(model)
    if not params.strangers or params.split_below is not None or cut is None:
        return params
    return replace(params, split_below=cut)


def centred_rows(texts: Sequence[str], table: Mapping[str, np.ndarray]) -> np.ndarray:
    """The texts' vectors minus the side's mean vector, renormalised."""
    v = unit_rows(np.stack([np.asarray(table[t], np.float32) for t in texts]))
    return unit_rows(v - v.mean(axis=0))


def split_strangers(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str],
                    table: Mapping[str, np.ndarray], below: float | None,
                    min_items: int, min_words: int = 0) -> list[Bead]:
    """`beads` with every 1-1 bead whose centred cosine is under `below` split into a 1-0 and
    a 0-1 bead (keeping its confidence, as `riders.split_riders` does), where both sentences
    have at least `min_words` words. Off when `below` is None or a side has fewer than
    `min_items` sentences (its mean is no centre)."""
    if below is None or min(len(src), len(tgt)) < max(2, min_items):
        return list(beads)
    cs, ct = centred_rows(src, table), centred_rows(tgt, table)
    out: list[Bead] = []
    for b in beads:
        if len(b.source) == 1 and len(b.target) == 1 and min(
                len(src[b.source[0]].split()), len(tgt[b.target[0]].split())) >= min_words \
                and float(cs[b.source[0]] @ ct[b.target[0]]) < below:
            out += [Bead(b.source, (), None, b.confidence), Bead((), b.target, None, b.confidence)]
        else:
            out.append(b)
    return out


__all__ = ["CUTS_FILE", "centred_rows", "params_for", "split_strangers", "stranger_cuts"]
