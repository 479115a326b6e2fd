"""The n-way table: pairwise alignments to one pivot text merged into monotone rows.

Each translation is aligned to the pivot (the source, or without one the translation chosen
as pivot). A row is a run of pivot sentences that no pairwise bead splits (the common
coarsening of every translation's bead boundaries) with, per translation, the sentences of the
beads inside it. A translation's 0-1 beads (sentences with no pivot counterpart) that fall on a
row boundary become rows of their own with an empty pivot side; inside a row they join that
row's cell. Every sentence of every text is in exactly one row, and every column is monotone.
Pure: beads in, rows out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..types import Bead


@dataclass(frozen=True)
class Row:
    pivot: tuple[int, ...]  # pivot sentence ids (empty: a row of additions)
    cells: Mapping[str, tuple[int, ...]]  # language -> that text's sentence ids (may be empty)


def _boundaries(n_pivot: int, aligned: Mapping[str, Sequence[Bead]]) -> list[int]:
    """Pivot positions k (0 < k < n) where a row may end before sentence k."""
    cut = [True] * (n_pivot + 1)
    for beads in aligned.values():
        for b in beads:
            for i in b.source[1:]:
                cut[i] = False  # a bead spanning i-1..i forbids a boundary there
    return [k for k in range(1, n_pivot) if cut[k]]


def build_rows(n_pivot: int, aligned: Mapping[str, Sequence[Bead]]) -> tuple[Row, ...]:
    """Rows from each language's beads against the pivot (bead.source = pivot ids)."""
    langs = list(aligned)
    starts = [0, *_boundaries(n_pivot, aligned)]
    ends = [*starts[1:], n_pivot]
    segment_of = [0] * n_pivot
    for s, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
        for i in range(lo, hi):
            segment_of[i] = s
    n_seg = len(starts) if n_pivot else 0
    cells: list[dict[str, list[int]]] = [{lang: [] for lang in langs} for _ in range(n_seg)]
    # Additions at a boundary: before segment s (s == n_seg: after the last one).
    extra: dict[int, dict[str, list[int]]] = {}
    for lang in langs:
        last = -1  # the last pivot id seen in this language's beads
        for b in aligned[lang]:
            if b.source:
                cells[segment_of[b.source[0]]][lang].extend(b.target)
                last = b.source[-1]
                continue
            nxt = last + 1  # the pivot sentence that follows this addition
            if nxt >= n_pivot or nxt == 0 or segment_of[nxt] != segment_of[last]:
                at = segment_of[nxt] if nxt < n_pivot else n_seg
                extra.setdefault(at, {x: [] for x in langs})[lang].extend(b.target)
            else:  # inside a row that another language's bead holds together
                cells[segment_of[last]][lang].extend(b.target)
    rows: list[Row] = []
    for s in range(n_seg + 1):
        if s in extra:
            rows.append(Row((), {x: tuple(extra[s][x]) for x in langs}))
        if s < n_seg:
            rows.append(Row(tuple(range(starts[s], ends[s])),
                            {x: tuple(sorted(cells[s][x])) for x in langs}))
    return tuple(rows)


def check_rows(rows: Sequence[Row], n_pivot: int, sizes: Mapping[str, int]) -> None:
    """Raise AssertionError unless every sentence is in exactly one row, in order."""
    pivot = [i for r in rows for i in r.pivot]
    assert pivot == list(range(n_pivot)), "pivot column"
    for lang, n in sizes.items():
        col = [i for r in rows for i in r.cells[lang]]
        assert col == list(range(n)), f"{lang} column"
