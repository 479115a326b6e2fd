"""Span attribution by occlusion: which words of a bead have no counterpart on the other side.

Deleting a word that has a counterpart makes the two sides less similar; deleting one that has
none (an added qualifier, a calque, a mistranslated phrase) makes them *more* similar. So for
each side we delete word windows, embed the shortened texts together in one batch, and keep
the deletion that raises the cross-side cosine most ("gain"). A coarse pass over windows (and
over punctuation-delimited clauses, which gives the evidence for partial omissions/additions)
is followed by one refining pass around the best window; every pass is a single encode call
for all beads, so the cost is a known number of embeddings that the caller budgets.

How a deletion is scored (`attribute`'s `mode`): re-encoding the shortened text is the
measure the drift calibration's span stage was fitted on, and costs a forward pass per
deletion. Leaving the deleted words' tokens out of the mean pooling of the side's own token
states (`token_states.py`) costs none, but ranks a little differently and gives gains ~10x
smaller and noisier on human translations (BENCHMARKS, "Occlusion from token states").
"shortlist" takes both: pooled gains rank every deletion, and only each side's few best per
pass are re-encoded, so the gains stay re-encoded ones. The default, "refine", goes one step
further: the coarse window is chosen by its pooled gain alone (no coarse window is
re-encoded), and only the shortlisted clauses and the refining pass around that window (the
window itself among them) are re-encoded; every gain it reports is still a re-encoded one.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..embed import Encoder
from ..text import word_spans
from ..token_states import can_pool, deletion_vectors

# Clause boundaries: punctuation only, so the method stays language independent.
_CLAUSE_BREAK = re.compile(r"[,;:()–—]|\s-\s")

# Windows are bigrams up to this many words, trigrams with stride 2 beyond (cost ~ n/2).
SHORT_SIDE_WORDS = 20
# A clause (or a large window) must hold at least this share of the words to count as one.
MIN_CLAUSE_FRACTION = 0.25
MIN_CLAUSE_WORDS = 3


@dataclass(frozen=True)
class SideEvidence:
    """Occlusion evidence for one side of a bead; offsets are into the joined side text."""

    span: tuple[int, int] | None  # characters of the best (short) deletion
    gain: float  # cosine increase when `span` is deleted (0 when nothing was tried)
    clause: tuple[int, int] | None  # characters of the best large deletion (clause)
    clause_gain: float
    clause_fraction: float  # share of the side's words inside `clause`


EMPTY_EVIDENCE = SideEvidence(None, 0.0, None, 0.0, 0.0)


def delete_words(text: str, words: Sequence[tuple[int, int]], lo: int, hi: int) -> str:
    """`text` without words lo..hi-1 (and the text between them); spacing stays single."""
    start, end = words[lo][0], words[hi - 1][1]
    out = (text[:start].rstrip() + " " + text[end:].lstrip()).strip()
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    # A deleted clause leaves its delimiters behind: keep one, and none at the start.
    out = re.sub(r"([,;:])[,;:]+", r"\1", out)
    return out.lstrip(",;: ")


def _coarse_windows(n: int) -> list[tuple[int, int]]:
    if n <= 1:
        return []
    if n <= 3:
        return [(i, i + 1) for i in range(n)]
    width, stride = (2, 1) if n <= SHORT_SIDE_WORDS else (3, 2)
    out = [(i, min(i + width, n)) for i in range(0, n - 1, stride)]
    return list(dict.fromkeys(out))


def _clause_windows(text: str, words: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Word ranges of punctuation-delimited clauses and of ~1/3-length sliding windows."""
    n = len(words)
    if n < 2 * MIN_CLAUSE_WORDS:
        return []
    cuts = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    bounds = [0]
    for c in cuts:
        k = sum(1 for w in words if w[1] <= c)
        if 0 < k < n and k != bounds[-1]:
            bounds.append(k)
    bounds.append(n)
    out = [(a, b) for a, b in itertools.pairwise(bounds)
           if b - a >= max(MIN_CLAUSE_WORDS, MIN_CLAUSE_FRACTION * n) and b - a < n]
    width = max(MIN_CLAUSE_WORDS, round(n / 3))
    stride = max(1, width // 2)
    out += [(i, i + width) for i in range(0, n - width + 1, stride)]
    return list(dict.fromkeys(out))


def _refinements(best: tuple[int, int], n: int) -> list[tuple[int, int]]:
    """Sub-ranges of the best window and the window grown by one word either side."""
    lo, hi = best
    out = [(a, b) for a in range(lo, hi) for b in range(a + 1, hi + 1) if (a, b) != best]
    if lo > 0:
        out.append((lo - 1, hi))
    if hi < n:
        out.append((lo, hi + 1))
    return out


def coarse_cost(text: str) -> int:
    """How many embeddings the coarse pass needs for one side (the budget unit)."""
    words = word_spans(text)
    return len(_coarse_windows(len(words))) + len(_clause_windows(text, words))


@dataclass
class _Side:
    text: str
    words: list[tuple[int, int]]
    other: np.ndarray  # the other side's embedding
    base: float  # the bead's cosine
    best: tuple[tuple[int, int], float] | None = None
    clause: tuple[tuple[int, int], float] | None = None


# How `attribute` scores a deletion (DriftParams.occlusion).
OCCLUSION_MODES = ("encode", "pooled", "shortlist", "refine")


def occlusion_mode(mode: str, encoder: Encoder) -> str:
    """The mode `attribute` runs: `mode`, or "encode" where the encoder gives no token
    states."""
    if mode not in OCCLUSION_MODES:
        raise ValueError(f"occlusion mode {mode!r}; choose from {', '.join(OCCLUSION_MODES)}")
    return mode if mode == "encode" or can_pool(encoder) else "encode"


def attribute(pairs: Sequence[tuple[str, str]], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
              encoder: Encoder, mode: str = "encode", shortlist: int = 0,
              refine_shortlist: int = 0) -> list[tuple[SideEvidence, SideEvidence]]:
    """Occlusion evidence for each (source text, target text) pair, given their embeddings.
    `mode` says how a deletion is scored (an encoder without token states always encodes):
    "encode" re-encodes the shortened text; "pooled" leaves the deleted words' tokens out of
    the mean pooling of the side's one forward pass (`token_states.py`); "shortlist" ranks
    every deletion that way and re-encodes only the `shortlist` best of each side and pass,
    so the gains are the re-encoded ones at a fraction of the passes; "refine" (the default)
    chooses each side's coarse window by its pooled gain alone and re-encodes only the
    shortlisted clauses and the refining pass (that window among its refinements), so every
    gain it reports is still a re-encoded one. `refine_shortlist`, where not 0, is the
    refining pass's own shortlist (the clauses keep `shortlist`)."""
    mode = occlusion_mode(mode, encoder)
    sides: list[_Side] = []
    for (s, t), sv, tv in zip(pairs, src_vecs, tgt_vecs, strict=True):
        base = float(np.dot(sv, tv))
        sides.append(_Side(s, word_spans(s), tv, base))
        sides.append(_Side(t, word_spans(t), sv, base))
    if mode == "pooled" and sides:
        # Gains against the pooled vector itself: the states' pooling, not the stored vector.
        whole = deletion_vectors(encoder, [(side.text, (0, 0)) for side in sides])
        for side, v in zip(sides, whole, strict=True):
            side.base = float(np.dot(v, side.other))

    # Pass 1: coarse windows and clauses of every side, one batch.
    jobs: list[_Job] = []
    for k, side in enumerate(sides):
        jobs += [(k, w, False) for w in _coarse_windows(len(side.words))]
        jobs += [(k, w, True) for w in _clause_windows(side.text, side.words)]
    if mode == "refine":  # windows by pooled gain only; clauses as the shortlist
        scored = _scored(sides, [j for j in jobs if not j[2]], encoder, "pooled", 0) + \
            _scored(sides, [j for j in jobs if j[2]], encoder, "shortlist", shortlist)
    else:
        scored = _scored(sides, jobs, encoder, mode, shortlist)
    for (k, w, is_clause), gain in scored:
        side = sides[k]
        slot = side.clause if is_clause else side.best
        if slot is None or gain > slot[1]:
            if is_clause:
                side.clause = (w, gain)
            else:
                side.best = (w, gain)

    # Pass 2: refine the best window of every side, one batch ("refine": the window itself
    # competes with its refinements, and only re-encoded gains count).
    refine = mode == "refine"
    jobs = [(k, w, False) for k, side in enumerate(sides) if side.best is not None
            for w in [side.best[0]] * refine + _refinements(side.best[0], len(side.words))]
    if refine:
        for side in sides:
            if side.best is not None:
                side.best = (side.best[0], -math.inf)
    for (k, w, _), gain in _scored(sides, jobs, encoder, "shortlist" if refine else mode,
                                   refine_shortlist or shortlist):
        side = sides[k]
        assert side.best is not None
        # The deletion that raises the similarity most; a tie goes to the shorter span. A word
        # with a counterpart lowers the gain when added, so spans do not grow without cause.
        cur_w, cur_g = side.best
        if (gain, cur_w[1] - cur_w[0]) > (cur_g, w[1] - w[0]):
            side.best = (w, gain)

    out: list[tuple[SideEvidence, SideEvidence]] = []
    for i in range(0, len(sides), 2):
        out.append((_evidence(sides[i]), _evidence(sides[i + 1])))
    return out


_Job = tuple[int, tuple[int, int], bool]  # (side, word window, is a clause)


def _scored(sides: Sequence[_Side], jobs: Sequence[_Job], encoder: Encoder, mode: str,
            shortlist: int) -> list[tuple[_Job, float]]:
    """The jobs with their gains; in "shortlist" mode only each side's `shortlist` best jobs
    of each kind by pooled gain, with their re-encoded gains."""
    if mode == "pooled":
        return list(zip(jobs, _gains(sides, jobs, encoder, True), strict=True))
    if mode == "shortlist" and shortlist > 0:
        groups: dict[tuple[int, bool], list[tuple[float, int]]] = {}
        for r, ((k, _, is_clause), g) in enumerate(zip(jobs, _gains(sides, jobs, encoder, True),
                                                       strict=True)):
            groups.setdefault((k, is_clause), []).append((-g, r))
        jobs = [jobs[r] for group in groups.values() for _, r in sorted(group)[:shortlist]]
    return list(zip(jobs, _gains(sides, jobs, encoder, False), strict=True))


def _gains(sides: Sequence[_Side], jobs: Sequence[_Job], encoder: Encoder,
           pooled: bool) -> list[float]:
    if not jobs:
        return []
    if pooled:
        vecs = deletion_vectors(encoder, [(sides[k].text, _chars(sides[k], w))
                                          for k, w, _ in jobs])
    else:
        vecs = encoder.encode([delete_words(sides[k].text, sides[k].words, lo, hi)
                               for k, (lo, hi), _ in jobs])
    others = np.stack([sides[k].other for k, _, _ in jobs])
    sims = np.einsum("ij,ij->i", vecs, others)
    return [float(s) - sides[k].base for s, (k, _, _) in zip(sims, jobs, strict=True)]


def _chars(side: _Side, w: tuple[int, int]) -> tuple[int, int]:
    return side.words[w[0]][0], side.words[w[1] - 1][1]


def _evidence(side: _Side) -> SideEvidence:
    span, gain = (None, 0.0) if side.best is None else (_chars(side, side.best[0]), side.best[1])
    if side.clause is None:
        return SideEvidence(span, gain, None, 0.0, 0.0)
    (lo, hi), cg = side.clause
    return SideEvidence(span, gain, _chars(side, (lo, hi)), cg, (hi - lo) / len(side.words))
