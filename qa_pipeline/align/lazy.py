"""Run vectors on demand (`runs="lazy"`, the default): a run of several sentences has its joined
text embedded only once the DP's best path takes it.

Every sentence is embedded once. Every run of 2..k sentences starts priced by its sum
approximation (the normalised sum of its sentences' vectors, `runs.sum_overlaps`), and a bead
that reads such a run costs `LazyParams.bonus` less: the approximation undervalues real
merges, so an approximated run must look better than it is to be tried. The DP runs; the
approximated runs its path takes are embedded (joined text, as "exact" embeds them) and the
DP runs again, until the path takes embedded runs only. Such a path is optimal among the paths
over embedded runs (their costs carry no bonus, and removing the approximated runs only
removes alternatives), so a last DP without them gives the same path with true confidences,
and no bead is ever priced on an approximation. The bonus sets what may be missed: a run
whose bead the approximation undervalues by more than the bonus is never tried (with an
unbounded bonus this is "exact"; with none it misses most merges).

By default (`LazyParams.within_unsure`) runs exist only inside "selective"'s windows: around
the beads of a first DP on approximations that are not confident 1-1, widened while later
paths open new places; on clean text most runs are then never priced at all. On Text+Berg
this embeds 1.37 texts per sentence against "selective"'s 2.29 and "exact"'s 3.95, with the
same beads (BENCHMARKS "Session 15: lazy runs").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..types import Bead
from .core import ApproxBonus
from .params import LazyParams, SelectiveParams
from .runs import run_text, runs_allowed, sum_overlaps
from .windows import widen

AlignFn = Callable[[list[np.ndarray], list[np.ndarray], ApproxBonus | None], list[Bead]]


class _Side:
    """One side's runs: which are embedded, and the matrices the DP reads."""

    def __init__(self, texts: Sequence[str], sentences: np.ndarray, k: int,
                 groups: np.ndarray | None) -> None:
        self.texts = texts
        self.groups = groups
        # every run's vector: its sum approximation until embedded
        self.real = sum_overlaps(sentences, k)
        self.real[0] = sentences
        # runs that cross a group never exist (NaN rows, as run_matrix gives them)
        self.allowed = runs_allowed(len(texts), k, groups)
        self.embedded = [np.zeros(len(ok), bool) for ok in self.allowed]
        self.embedded[0][:] = True

    def open(self, mask: np.ndarray) -> None:
        """Allow only the runs of several sentences that lie inside `mask` (one boolean per
        sentence)."""
        self.allowed = runs_allowed(len(self.texts), len(self.allowed), self.groups, mask)

    def wanted(self, beads: Sequence[Bead], source: bool) -> list[tuple[int, int]]:
        """(length, start) of every approximated run the path takes on this side."""
        out = []
        for b in beads:
            ids = b.source if source else b.target
            if len(ids) >= 2 and not self.embedded[len(ids) - 1][ids[0]]:
                out.append((len(ids), ids[0]))
        return out

    def add(self, runs: Sequence[tuple[int, int]], table: dict[str, np.ndarray]) -> None:
        for k, i in runs:
            self.real[k - 1][i] = table[run_text(self.texts, i, k)]
            self.embedded[k - 1][i] = True

    def matrices(self, with_approx: bool) -> list[np.ndarray]:
        """Run vectors: embedded rows, approximated rows (or NaN without them), NaN where a
        run crosses a group."""
        out = []
        for real, emb, ok in zip(self.real, self.embedded, self.allowed, strict=True):
            keep = ok & (True if with_approx else emb)
            out.append(np.where(keep[:, None], real, np.nan).astype(np.float32, copy=False))
        return out

    def approximated(self) -> list[np.ndarray]:
        """Per run length, the runs that exist and still hold their approximation."""
        return [ok & ~emb for emb, ok in zip(self.embedded, self.allowed, strict=True)]


def align_lazy(src: Sequence[str], tgt: Sequence[str], s1: np.ndarray, t1: np.ndarray,
               k: int, table: dict[str, np.ndarray], embed_missing: Callable[[Sequence[str]],
                                                                              None],
               align: AlignFn, params: LazyParams, windows: SelectiveParams | None = None,
               src_groups: np.ndarray | None = None,
               tgt_groups: np.ndarray | None = None) -> list[Bead]:
    """The beads of the path over embedded runs that the bonus-explored DP settles on.
    `s1`/`t1` are the sentence vectors; `embed_missing(texts)` embeds the texts not yet in
    `table` (one call per round). With `windows` (how `windows.unsure_windows` marks them),
    runs exist only inside the unsure windows of a first DP on approximations, widened while
    later paths open new ones (`windows.widen`, at most `params.window_rounds` times)."""
    sides = (_Side(src, s1, k, src_groups), _Side(tgt, t1, k, tgt_groups))
    if windows is None:
        return _explore(sides, table, embed_missing, align, params)

    def realign(s_open: np.ndarray, t_open: np.ndarray) -> list[Bead]:
        sides[0].open(s_open)
        sides[1].open(t_open)
        return _explore(sides, table, embed_missing, align, params)

    first = align(sides[0].matrices(True), sides[1].matrices(True), None)
    return widen(first, len(src), len(tgt), windows, params.window_rounds, realign)


def _explore(sides: tuple[_Side, _Side], table: dict[str, np.ndarray],
             embed_missing: Callable[[Sequence[str]], None], align: AlignFn,
             params: LazyParams) -> list[Bead]:
    """Embed the approximated runs each bonus DP's path takes until it takes none; then the
    DP over embedded runs alone."""
    for _ in range(max(1, params.rounds)):
        bonus = (sides[0].approximated(), sides[1].approximated(), params.bonus)
        beads = align(sides[0].matrices(True), sides[1].matrices(True), bonus)
        wanted = (sides[0].wanted(beads, True), sides[1].wanted(beads, False))
        if not wanted[0] and not wanted[1]:
            break
        embed_missing([run_text(side.texts, i, n) for side, runs in zip(sides, wanted,
                                                                         strict=True)
                       for n, i in runs])
        for side, runs in zip(sides, wanted, strict=True):
            side.add(runs, table)
    return align(sides[0].matrices(False), sides[1].matrices(False), None)


__all__ = ["align_lazy"]
