"""Where the shipped aligner still loses deleted sentences, and whether the rider evidence
could take the rest (analysis; nothing here changes the aligner).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/deletion_misses.py [--seeds 1 2 3]

For every damage seed and rate of `bench/align_ntrex.py`, each gold 1-0 / 0-1 bead that the
aligner does not output as such is classed by the bead that holds its sentence: a 1-1 bead
whose other sentence is itself a gold deletion ("facing": two deletions paired, a crossing),
another 1-1 bead, or an n:m bead (the sentence rides in a merge). Then, on the first three
seeds and Text+Berg, every end sentence of the final n:m beads gets the two quantities the
rider split reads (`align/riders.py`): how much the bead's cosine rises when it is left out
(`gain`) and the share of its words with a mutual best match on the other side (`share`). The
grid counts, per rule "gain > g and share < s", the residual riders it would split off and the
genuine parts (of gold-correct beads and others) it would wrongly split. Writes
bench/results/deletion_misses.json.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

import numpy as np
from align_common import make_embed, make_match, md_table, write_results
from align_ntrex import damaged, documents
from align_textberg import documents as textberg_documents
from align_textberg import params_from

from qa_pipeline.align import align_sentences
from qa_pipeline.align.runs import run_text
from qa_pipeline.align.strangers import centred_rows
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import BeadPair
from qa_pipeline.types import Bead


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))


def misses(src: list[str], tgt: list[str], gold: list[BeadPair], beads: list[Bead],
           embed: Any) -> list[dict[str, Any]]:
    """One record per gold 1-0 / 0-1 bead the aligner did not output."""
    test = {(tuple(b.source), tuple(b.target)) for b in beads}
    one_sided = {("s", a[0]) for a, b in gold if a and not b} | \
        {("t", b[0]) for a, b in gold if b and not a}
    vecs = dict(zip(src + tgt, embed(src + tgt), strict=True))
    cs, ct = centred_rows(src, vecs), centred_rows(tgt, vecs)
    out = []
    for a, b in gold:
        if bool(a) == bool(b) or (tuple(a), tuple(b)) in test:
            continue
        side, idx = ("s", a[0]) if a else ("t", b[0])
        holder = next(h for h in beads if idx in (h.source if side == "s" else h.target))
        other = holder.target if side == "s" else holder.source
        kind = f"{len(holder.source)}-{len(holder.target)}"
        if kind == "1-1":
            facing = ("t" if side == "s" else "s", other[0]) in one_sided
            kind = "1-1 facing" if facing else "1-1 other"
        centred = (float(cs[holder.source[0]] @ ct[holder.target[0]])
                   if kind.startswith("1-1") else None)
        out.append({"kind": kind if kind.startswith("1-1") else "n:m", "bead": kind,
                    "words": len((src if side == "s" else tgt)[idx].split()),
                    "centred_cosine": centred})
    return out


def end_parts(corpus: str, src: list[str], tgt: list[str], gold: list[BeadPair],
              beads: list[Bead], embed: Any, match: Any) -> list[dict[str, Any]]:
    """The rider evidence of every end sentence of a multi-sentence side of an n:m bead."""
    correct = {(tuple(a), tuple(b)) for a, b in gold}
    one_sided = {("s", a[0]) for a, b in gold if a and not b} | \
        {("t", b[0]) for a, b in gold if b and not a}
    out = []
    for b in beads:
        if not b.source or not b.target or len(b.source) + len(b.target) == 2:
            continue
        for side, ids, oth, texts, others in (("s", b.source, b.target, src, tgt),
                                              ("t", b.target, b.source, tgt, src)):
            if len(ids) < 2:
                continue
            other_run = run_text(others, oth[0], len(oth))
            whole = run_text(texts, ids[0], len(ids))
            shares = match([texts[i] for i in ids], other_run)
            v = embed([other_run, whole, run_text(texts, ids[1], len(ids) - 1),
                       run_text(texts, ids[0], len(ids) - 1)])
            base = _cos(v[1], v[0])
            for q, rest in ((0, v[2]), (len(ids) - 1, v[3])):
                out.append({"corpus": corpus, "rider": (side, ids[q]) in one_sided,
                            "correct_bead": (tuple(b.source), tuple(b.target)) in correct,
                            "gain": _cos(rest, v[0]) - base, "share": float(shares[q])})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3, 4, 5, 6])
    ap.add_argument("--grid-seeds", type=int, default=3, help="seeds (the first N) in the grid")
    args = ap.parse_args()
    params = params_from([], DEFAULT_MODEL)
    embed = make_embed(DEFAULT_MODEL)
    match = make_match(DEFAULT_MODEL, params)
    docs = documents(None)
    missed: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for n, seed in enumerate(args.seeds):
        for rate in (0.05, 0.15):
            for dmg in damaged(docs, rate, seed):
                beads = align_sentences(dmg.src, dmg.tgt, embed, params, match)
                missed += [{"seed": seed, "rate": rate, **m}
                           for m in misses(dmg.src, dmg.tgt, dmg.gold, beads, embed)]
                if n < args.grid_seeds:
                    parts += end_parts("ntrex", dmg.src, dmg.tgt, dmg.gold, beads, embed, match)
            print(f"seed {seed} rate {rate}: {len(missed)} missed so far", file=sys.stderr)
    for _, de, fr, gold in textberg_documents():
        beads = align_sentences(de, fr, embed, params, match)
        parts += end_parts("textberg", de, fr, gold, beads, embed, match)
    kinds = Counter(m["kind"] for m in missed)
    riders = [p for p in parts if p["rider"]]
    grid = []
    for g in (-0.01, -0.005, 0.0, 0.003):
        for s in (0.30, 0.34, 0.40):
            def hit(p: dict[str, Any], g: float = g, s: float = s) -> bool:
                return bool(p["gain"] > g and p["share"] < s)
            genuine = [p for p in parts if not p["rider"] and hit(p)]
            grid.append({"gain_over": g, "share_under": s,
                         "riders_split": sum(map(hit, riders)),
                         "genuine_split_ntrex": sum(p["corpus"] == "ntrex" for p in genuine),
                         "of_correct_beads_ntrex": sum(p["corpus"] == "ntrex"
                                                       and p["correct_bead"] for p in genuine),
                         "genuine_split_textberg": sum(p["corpus"] == "textberg"
                                                       for p in genuine)})
    write_results("deletion_misses", {"seeds": args.seeds, "missed": missed,
                                      "missed_by_kind": dict(kinds), "grid": grid,
                                      "riders_in_grid": len(riders),
                                      "genuine_parts_in_grid": len(parts) - len(riders)})
    print(md_table(["holder", "missed 1-0/0-1 beads"], sorted(kinds.items())))
    print(f"\nresidual riders (grid seeds {args.seeds[:args.grid_seeds]}): {len(riders)}; "
          f"genuine end parts: {len(parts) - len(riders)}\n")
    print(md_table(["gain >", "share <", "riders split", "genuine split (NTREX)",
                    "of them in correct beads", "genuine split (Text+Berg)"],
                   [[r["gain_over"], r["share_under"], r["riders_split"],
                     r["genuine_split_ntrex"], r["of_correct_beads_ntrex"],
                     r["genuine_split_textberg"]] for r in grid]))


if __name__ == "__main__":
    main()
