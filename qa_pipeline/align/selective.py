"""Run vectors for the DP: every run embedded, none, the runs the path takes (`lazy.py`), or the
runs where the path is unsure.

Embedding every run of 1..k sentences ("exact") costs about 4.7 texts and ten times the tokens
per sentence, yet most beads of real translations are 1-1 and never read a run vector.
"selective" embeds each sentence once and aligns with every run approximated by the
normalised sum of its sentences' vectors (`runs.sum_overlaps`); then, around every bead that
is not a confident 1-1 (n:m, 1-0, 0-1, or a 1-1 below `SelectiveParams.min_confidence`), it
embeds the joined text of the runs within `context` sentences and aligns again with those
real run vectors only: elsewhere runs are missing, so no n:m bead can be taken there (the
DP never prices a bead on an approximation). The loop repeats while a round opens new
sentences. The final DP is the exact objective restricted to n:m beads in the opened
windows, so wherever the exact path's n:m beads lie inside them it finds the same path; the
text -> vector table stays keyed by text, so the embedding cache and the later stages read
the same vectors as with "exact".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..types import Bead
from .core import ApproxBonus, align_vectors
from .lazy import align_lazy
from .params import AlignParams
from .runs import run_matrix, run_texts, sum_overlaps
from .windows import widen

EmbedFn = Callable[[Sequence[str]], np.ndarray]


def embed_missing(table: dict[str, np.ndarray], texts: Sequence[str], embed: EmbedFn) -> None:
    """Embed, in one call, the distinct texts not yet in `table`, and add them to it."""
    todo = list(dict.fromkeys(t for t in texts if t not in table))
    if not todo:
        return
    vecs = np.asarray(embed(todo), np.float32)
    if vecs.shape[0] != len(todo):
        raise ValueError(f"embed returned {vecs.shape[0]} rows for {len(todo)} texts")
    table.update(zip(todo, vecs, strict=True))


def align_runs(src: Sequence[str], tgt: Sequence[str], table: dict[str, np.ndarray],
               embed: EmbedFn, params: AlignParams,
               src_groups: np.ndarray | None = None,
               tgt_groups: np.ndarray | None = None,
               src_paragraphs: np.ndarray | None = None,
               tgt_paragraphs: np.ndarray | None = None) -> list[Bead]:
    """Align two lists of segments with run vectors as `params.runs` says.

    `table` (text -> unit vector) is read first and receives every text embedded; the
    segments themselves are always embedded. Groups (a hard constraint) and paragraphs (a
    soft prior, in every round) as in `core.align_vectors`.
    """
    k = params.max_overlap
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return align_vectors([np.zeros((n, 1))], [np.zeros((m, 1))], params)
    lens = (np.array([len(t) for t in src], np.float64),
            np.array([len(t) for t in tgt], np.float64))
    mode = params.runs
    if mode == "exact":
        embed_missing(table, run_texts(src, k, src_groups) + run_texts(tgt, k, tgt_groups), embed)
    else:
        embed_missing(table, [*src, *tgt], embed)
    dim = len(table[src[0]])

    def align(s: list[np.ndarray], t: list[np.ndarray],
              bonus: ApproxBonus | None = None) -> list[Bead]:
        return align_vectors(s, t, params, *lens, src_groups, tgt_groups, src_paragraphs,
                             tgt_paragraphs, approx_bonus=bonus)

    if mode == "exact":
        return align(run_matrix(src, k, table, dim, src_groups),
                     run_matrix(tgt, k, table, dim, tgt_groups))
    s1 = run_matrix(src, 1, table, dim)[0]
    t1 = run_matrix(tgt, 1, table, dim)[0]
    if mode == "lazy":
        return align_lazy(src, tgt, s1, t1, k, table,
                          lambda texts: embed_missing(table, texts, embed), align, params.lazy,
                          params.selective if params.lazy.within_unsure else None,
                          src_groups, tgt_groups)
    beads = align(sum_overlaps(s1, k), sum_overlaps(t1, k))
    if mode == "sum":
        return beads
    if mode != "selective":
        raise ValueError(f"unknown runs mode {mode!r} (exact, lazy, selective or sum)")

    def realign(s_open: np.ndarray, t_open: np.ndarray) -> list[Bead]:
        embed_missing(table, run_texts(src, k, src_groups, s_open)
                      + run_texts(tgt, k, tgt_groups, t_open), embed)
        return align(run_matrix(src, k, table, dim, src_groups, s_open),
                     run_matrix(tgt, k, table, dim, tgt_groups, t_open))

    return widen(beads, n, m, params.selective, params.selective.rounds, realign)
