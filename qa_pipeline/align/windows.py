"""Where runs of several sentences are worth pricing: around the beads a path is unsure of.

`unsure_windows` marks the sentences within `SelectiveParams.context` of every bead that is not
a confident 1-1; `widen` realigns with runs inside the marked sentences and repeats while a new
path marks new ones. Both "selective" (which embeds every run in the windows) and "lazy" (which
embeds the runs its path takes, inside the windows) use them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..types import Bead
from .params import SelectiveParams

RealignFn = Callable[[np.ndarray, np.ndarray], list[Bead]]


def unsure_windows(beads: Sequence[Bead], n: int, m: int,
                   params: SelectiveParams) -> tuple[np.ndarray, np.ndarray]:
    """Sentences (source, target masks) within `context` of a bead that is not a confident
    1-1; a 1-0 / 0-1 bead sits at its boundary on the side it lacks."""
    s_open = np.zeros(n, bool)
    t_open = np.zeros(m, bool)
    i = j = 0
    c = params.context
    for b in beads:
        i1, j1 = i + len(b.source), j + len(b.target)
        one = len(b.source) == 1 and len(b.target) == 1
        if not one or (b.confidence if b.confidence is not None else 0.0) < params.min_confidence:
            s_open[max(0, i - c):min(n, i1 + c)] = True
            t_open[max(0, j - c):min(m, j1 + c)] = True
        i, j = i1, j1
    return s_open, t_open


def widen(beads: list[Bead], n: int, m: int, params: SelectiveParams, rounds: int,
          realign: RealignFn) -> list[Bead]:
    """Realign (`realign(source mask, target mask)`) with runs inside the unsure windows of
    `beads`, then of each new path added to them, until a path opens no new sentence (at
    most `rounds` realignments)."""
    s_open = np.zeros(n, bool)
    t_open = np.zeros(m, bool)
    for r in range(max(1, rounds)):
        s_new, t_new = unsure_windows(beads, n, m, params)
        s_new |= s_open
        t_new |= t_open
        if r and (s_new == s_open).all() and (t_new == t_open).all():
            break
        s_open, t_open = s_new, t_new
        beads = realign(s_open, t_open)
    return beads


__all__ = ["unsure_windows", "widen"]
