"""Seeded generator of realistic translation damage with the gold beads it implies.

Starts from a line-aligned pair (line i of one side translates line i of the other) and, with
probability `rate` per original pair, applies one of: delete a sentence on either side, merge
2-3 adjacent sentences on one side, split a sentence at a clause boundary (a comma or
semicolon near its middle), or drop a run of 2-4 sentences on one side (a lost paragraph).
The damage rate is the share of original sentence pairs touched by some operation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa_pipeline.io.beads import BeadPair

OPS = (("delete_src", 0.15), ("delete_tgt", 0.15), ("merge_src", 0.15), ("merge_tgt", 0.15),
       ("split_src", 0.125), ("split_tgt", 0.125), ("drop_src", 0.075), ("drop_tgt", 0.075))
_CLAUSE = re.compile(r"[,;:] ")


@dataclass(frozen=True)
class Damaged:
    src: list[str]
    tgt: list[str]
    gold: list[BeadPair]
    touched: int  # original pairs touched by an operation


def split_clause(text: str) -> tuple[str, str] | None:
    """Split at the clause boundary nearest the middle, both parts at least 3 words."""
    best: tuple[int, int] | None = None
    for m in _CLAUSE.finditer(text):
        left, right = text[:m.start()], text[m.end():]
        if len(left.split()) >= 3 and len(right.split()) >= 3:
            d = abs(m.start() - len(text) // 2)
            if best is None or d < best[0]:
                best = (d, m.start())
    if best is None:
        return None
    cut = best[1]
    left, right = text[:cut].rstrip() + ".", text[cut + 1:].strip()
    return left, right[:1].upper() + right[1:]


def damage(src: Sequence[str], tgt: Sequence[str], rate: float, seed: int) -> Damaged:
    if len(src) != len(tgt):
        raise ValueError("damage needs a line-aligned pair")
    rng = random.Random(seed)
    names = [o for o, _ in OPS]
    weights = [w for _, w in OPS]
    out_s: list[str] = []
    out_t: list[str] = []
    gold: list[BeadPair] = []
    touched = 0
    i = 0
    n = len(src)

    def keep(k: int) -> None:
        gold.append(((len(out_s),), (len(out_t),)))
        out_s.append(src[k])
        out_t.append(tgt[k])

    while i < n:
        if rng.random() >= rate:
            keep(i)
            i += 1
            continue
        op = rng.choices(names, weights)[0]
        side_src = op.endswith("_src")
        if op.startswith("delete") or op.startswith("drop"):
            k = 1 if op.startswith("delete") else rng.randint(2, 4)
            k = min(k, n - i)
            for j in range(i, i + k):
                if side_src:  # the source lost it: the target has material the source lacks
                    gold.append(((), (len(out_t),)))
                    out_t.append(tgt[j])
                else:
                    gold.append(((len(out_s),), ()))
                    out_s.append(src[j])
            touched += k
            i += k
        elif op.startswith("merge"):
            k = min(rng.randint(2, 3), n - i)
            if k < 2:
                keep(i)
                i += 1
                continue
            if side_src:
                gold.append(((len(out_s),), tuple(range(len(out_t), len(out_t) + k))))
                out_s.append(" ".join(src[i:i + k]))
                out_t.extend(tgt[i:i + k])
            else:
                gold.append((tuple(range(len(out_s), len(out_s) + k)), (len(out_t),)))
                out_s.extend(src[i:i + k])
                out_t.append(" ".join(tgt[i:i + k]))
            touched += k
            i += k
        else:
            parts = split_clause(src[i] if side_src else tgt[i])
            if parts is None:
                keep(i)
                i += 1
                continue
            if side_src:
                gold.append(((len(out_s), len(out_s) + 1), (len(out_t),)))
                out_s.extend(parts)
                out_t.append(tgt[i])
            else:
                gold.append(((len(out_s),), (len(out_t), len(out_t) + 1)))
                out_s.append(src[i])
                out_t.extend(parts)
            touched += 1
            i += 1
    return Damaged(out_s, out_t, gold, touched)
