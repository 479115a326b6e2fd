"""Riders: a sentence that rides inside an n:m bead although the other side never translated it.

A sentence deleted on one side sits between two translated neighbours; the DP may merge it into
a neighbour's bead (2-1, 3-1) instead of paying for a 1-0 / 0-1, because e5's sentence vector
of the merged run hardly moves. Sentence vectors alone cannot tell such a rider from a genuine
part of a merge (an OCR fragment, a caption, a clause the other side joined): both can have a
low cosine to the other side (BENCHMARKS "Session 12"). Its *words* can: a rider's words have
no counterpart among the other side's words, a genuine part's do.

For each end sentence of a multi-sentence side of an n:m bead, `split_riders` reads two
things: how much the bead's cosine rises when the sentence is left out (`gain`, from the run
vectors), and the share of its words that have a *mutual* best match among the other side's
words (token states of one hidden layer, every word of the bead competing; SimAlign's argmax
rule). A sentence with a gain above `RiderParams.min_gain` and a share below
`RiderParams.max_match` becomes a 1-0 / 0-1 bead of its own; the rest of the bead keeps its
confidence and gets its own cosine, and is read again (a lost paragraph rides as several
sentences: they come off one by one). Pure: the caller gives the word vectors (`MatchFn`).

Two more ways to ride (BENCHMARKS "Session 25"): a sentence almost none of whose words match,
beside a part of the bead that matches well, rides unless leaving it out lowers the cosine
(`lone_match`, `lone_rest`, `lone_gain`: e5's run vector often does not move for an unrelated
sentence); and where no end sentence rides alone, a run of end sentences rides together by the
first rule (`runs`: a lost paragraph's sentences hide one another in the run vector).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from ..text import unit_rows
from ..types import Bead
from .params import RiderParams
from .runs import run_text
from .selective import EmbedFn, embed_missing

# Per text, its words' vectors (words, dim) at the layer `RiderParams.layer` names.
WordVectorsFn = Callable[[Sequence[str]], Sequence[np.ndarray]]
# (the sentences of a bead's multi-sentence side, the other side's run text) -> each
# sentence's share of words with a mutual best match on the other side.
MatchFn = Callable[[Sequence[str], str], Sequence[float]]


def mutual_shares(parts: Sequence[np.ndarray], other: np.ndarray) -> list[float]:
    """For each part (its words' vectors), the share of its words whose most similar word of
    `other` has that word, among all the parts' words, as its own most similar (cosine). A
    part without words counts as matched (1.0): there is nothing in it to lose."""
    sizes = [len(p) for p in parts]
    if not sum(sizes) or not len(other):
        return [1.0] * len(parts)
    mine = unit_rows(np.concatenate([p for p in parts if len(p)]).astype(np.float32))
    sim = mine @ unit_rows(other.astype(np.float32)).T
    forward, backward = sim.argmax(1), sim.argmax(0)
    mutual = backward[forward] == np.arange(len(mine))
    out, at = [], 0
    for n in sizes:
        out.append(float(mutual[at:at + n].mean()) if n else 1.0)
        at += n
    return out


def match_from_words(words: WordVectorsFn) -> MatchFn:
    """A `MatchFn` over a word-vector function."""
    def match(parts: Sequence[str], other: str) -> list[float]:
        vecs = words([*parts, other])
        return mutual_shares(vecs[:-1], vecs[-1])
    return match


def split_riders(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str],
                 table: dict[str, np.ndarray], embed: EmbedFn, match: MatchFn,
                 params: RiderParams = RiderParams()) -> list[Bead]:
    """`beads` with the riders of their n:m beads split off as 1-0 / 0-1 beads. `table` holds
    the run vectors (text -> vector; the few runs it lacks are embedded into it)."""
    if not params.enabled:
        return list(beads)
    out: list[Bead] = []
    for bead in beads:
        parts = _split(bead, src, tgt, table, embed, match, params)
        while len(parts) > 1:  # what is left of the bead may carry another rider
            core = next(b for b in parts if b.source and b.target)
            again = _split(core, src, tgt, table, embed, match, params)
            if len(again) == 1:
                break
            k = parts.index(core)
            parts = parts[:k] + again + parts[k + 1:]
        out += parts
    return out


def _split(bead: Bead, src: Sequence[str], tgt: Sequence[str], table: dict[str, np.ndarray],
           embed: EmbedFn, match: MatchFn, params: RiderParams) -> list[Bead]:
    """The bead, or its riders as 1-0 / 0-1 beads around the rest of it."""
    found = _riders(bead, src, tgt, table, embed, match, params)
    if found is None:
        return [bead]
    side, cut = found
    ids, other, texts, others = _oriented(bead, src, tgt, side)
    lead = next(k for k in range(len(ids) + 1) if k not in cut)
    trail = next(k for k in range(len(ids) + 1) if len(ids) - 1 - k not in cut)
    front, back = list(ids[:lead]), list(ids[len(ids) - trail:])
    core = tuple(ids[lead:len(ids) - trail])
    core_run, other_run = _run(texts, core), _run(others, other)
    embed_missing(table, [core_run], embed)
    rest = replace(bead, source=core if side == 0 else bead.source,
                   target=bead.target if side == 0 else core,
                   similarity=_cos(table[core_run], table[other_run]))

    def alone(i: int) -> Bead:
        return Bead((i,), (), None, bead.confidence) if side == 0 else \
            Bead((), (i,), None, bead.confidence)
    return [*map(alone, front), rest, *map(alone, back)]


def _riders(bead: Bead, src: Sequence[str], tgt: Sequence[str], table: dict[str, np.ndarray],
            embed: EmbedFn, match: MatchFn, params: RiderParams
            ) -> tuple[int, set[int]] | None:
    """The side (0 source, 1 target) whose end sentences ride and which ends (positions in
    the side's run), or None: on a two-sentence side its least matched rider, on a longer one
    every end that rides."""
    if not bead.source or not bead.target:
        return None
    # The words are matched only where leaving the sentence out could split it off.
    floor = params.min_gain if params.lone_match is None else min(params.min_gain,
                                                                  params.lone_gain)
    found: list[tuple[float, int, int]] = []
    for side in (0, 1):
        ids, other, texts, others = _oriented(bead, src, tgt, side)
        if len(ids) < 2:
            continue
        other_run = _run(others, other)
        gains = {c[0]: g for c, g in _gains(texts, ids, [[0], [len(ids) - 1]], other_run,
                                             table, embed).items()}
        if any(g > floor for g in gains.values()):
            shares = match([texts[i] for i in ids], other_run)
            found += [(shares[q], side, q) for q, g in gains.items()
                      if _rides(q, g, shares, params)]
    if not found:
        return _run_riders(bead, src, tgt, table, embed, match, params)
    found.sort()
    side = found[0][1]
    if len(bead.source if side == 0 else bead.target) == 2:
        return side, {found[0][2]}
    return side, {q for _, sd, q in found if sd == side}


def _run_riders(bead: Bead, src: Sequence[str], tgt: Sequence[str],
                table: dict[str, np.ndarray], embed: EmbedFn, match: MatchFn,
                params: RiderParams) -> tuple[int, set[int]] | None:
    """Where no end sentence rides alone: the longest run of end sentences (two or more,
    leaving one) that rides together by the first rule, its mean share of matched words and
    the cosine gain of leaving the whole run out (a lost paragraph's sentences keep the run's
    vector where it is for one another, so one at a time none of them raises the cosine)."""
    if not params.runs:
        return None
    for side in (0, 1):
        ids, other, texts, others = _oriented(bead, src, tgt, side)
        n = len(ids)
        if n < 3:
            continue
        other_run = _run(others, other)
        # Front and back runs, the longest first (dicts keep that order).
        cuts = [tuple(c) for k in range(n - 1, 1, -1) for c in (range(k), range(n - k, n))]
        shares: Sequence[float] | None = None
        for c, gain in _gains(texts, ids, cuts, other_run, table, embed).items():
            if gain <= params.min_gain:
                continue
            if shares is None:
                shares = match([texts[i] for i in ids], other_run)
            if sum(shares[q] for q in c) / len(c) < params.max_match:
                return side, set(c)
    return None


def _oriented(bead: Bead, src: Sequence[str], tgt: Sequence[str], side: int
              ) -> tuple[tuple[int, ...], tuple[int, ...], Sequence[str], Sequence[str]]:
    """(this side's ids, the other side's ids, this side's texts, the other side's texts)."""
    return ((bead.source, bead.target, src, tgt) if side == 0
            else (bead.target, bead.source, tgt, src))


def _gains(texts: Sequence[str], ids: Sequence[int], cuts: Sequence[Sequence[int]],
           other_run: str, table: dict[str, np.ndarray], embed: EmbedFn
           ) -> dict[tuple[int, ...], float]:
    """For each cut (positions in `ids`), how much the cosine with `other_run` rises when
    those sentences are left out of the run (the runs it lacks are embedded into `table`)."""
    whole = _run(texts, ids)
    rests = {tuple(c): _run(texts, [i for q, i in enumerate(ids) if q not in c]) for c in cuts}
    embed_missing(table, [whole, other_run, *rests.values()], embed)
    base = _cos(table[whole], table[other_run])
    return {c: _cos(table[rest], table[other_run]) - base for c, rest in rests.items()}


def _rides(q: int, gain: float, shares: Sequence[float], params: RiderParams) -> bool:
    """Whether end `q` (its cosine gain when left out, every part's word-match share) rides:
    few of its words match and leaving it out raises the cosine, or almost none match beside
    a well matched part of the bead and leaving it out hardly lowers the cosine. (The best
    part, not the rest's mean: a lost paragraph rides as several unmatched sentences beside
    the one translated sentence, and comes off one end at a time.)"""
    if gain > params.min_gain and shares[q] < params.max_match:
        return True
    if params.lone_match is None or gain <= params.lone_gain or shares[q] >= params.lone_match:
        return False
    return max(x for k, x in enumerate(shares) if k != q) >= params.lone_rest


def _run(texts: Sequence[str], ids: Sequence[int]) -> str:
    """The run text of consecutive sentences `ids`."""
    return run_text(texts, ids[0], len(ids))


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))


__all__ = ["MatchFn", "WordVectorsFn", "match_from_words", "mutual_shares", "split_riders"]
