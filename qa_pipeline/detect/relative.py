"""Document-relative drift: how far a bead stands out from the other beads of its document.

A document's own outliers are worth a look even below the absolute thresholds. The old score,
a robust z of the drift within the document with a hand-set floor under the spread, hinged on
that floor: in a short or uniform document the spread is the floor, and a bead's flag then
moved with any small change of its drift. This score needs no floor. It works on the logit of
the drift (drift is a probability: its spread shrinks near 0 and 1, its logit's does not), and
the document's centre and spread are shrunk towards a *reference* calibrated on many clean
documents (`RelativeReference`, fitted by `fit_reference` and shipped in the drift calibration):
a short document leans on the reference, a long one on itself, with the same pseudo-count as
the drift features' reference (`DriftParams.shrink_beads`). A uniform document therefore has
the reference's spread, not a floor's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..text import robust_stats

# Drift is clipped away from 0 and 1 before the logit (a 1-0 bead's drift is exactly 1).
_EPS = 1e-4


@dataclass(frozen=True)
class RelativeReference:
    """Clean documents' logit drift: the median of all beads, and the typical within-document
    robust spread (the median over documents of their scaled MAD)."""

    median: float
    spread: float
    documents: int = 0  # how many documents it was fitted on (provenance)

    @staticmethod
    def from_dict(d: Mapping[str, float]) -> RelativeReference:
        return RelativeReference(float(d["median"]), float(d["spread"]),
                                 int(d.get("documents", 0)))

    def to_dict(self) -> dict[str, float]:
        return {"median": self.median, "spread": self.spread, "documents": self.documents}


def logit(drift: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(drift, dtype=float), _EPS, 1 - _EPS)
    return np.asarray(np.log(p / (1 - p)), dtype=float)


def relative_scores(drift: np.ndarray, ref: RelativeReference, shrink: float) -> np.ndarray:
    """Each bead's logit drift minus the document's (shrunk) centre, over its (shrunk) spread."""
    x = logit(drift)
    if not x.size:
        return np.zeros(0)
    med, sd = robust_stats(x)
    w = x.size / (x.size + shrink)
    centre = w * med + (1 - w) * ref.median
    spread = math.sqrt(w * sd * sd + (1 - w) * ref.spread * ref.spread)
    return np.asarray((x - centre) / spread, dtype=float)


def fit_reference(documents: Sequence[np.ndarray]) -> RelativeReference:
    """The reference from clean documents' drift (documents with fewer than 3 beads carry no
    spread and only count towards the median)."""
    xs = [logit(d) for d in documents if len(d)]
    med = float(np.median(np.concatenate(xs)))
    spreads = [robust_stats(x)[1] for x in xs if x.size >= 3]
    return RelativeReference(round(med, 6), round(float(np.median(spreads)), 6), len(xs))


__all__ = ["RelativeReference", "fit_reference", "logit", "relative_scores"]
