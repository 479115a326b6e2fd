"""A 1-1 bead beside a lone sentence that matches it better: would swapping them free deleted
sentences? (analysis; nothing here changes the aligner)

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/shifted_pairs.py [--seeds 1 2 3]

An inserted sentence can take the place of its neighbour: the source sentence is paired with
the insertion and its own translation is left alone ([] - [j-1], [i] - [j] where [i] - [j-1]
and [] - [j] are right). For every 1-1 bead of the shipped aligner's output next to a lone
sentence of either side, the swap pairs the 1-1 bead's other sentence with the lone one and
leaves its own partner alone. Each candidate is labelled by the gold beads: the swap is right
(both new beads gold), wrong (the old 1-1 bead was gold), or neither. The table counts, per
cut on the cosine advantage of the swap (raw, and centred as `align/strangers.py` reads it),
the right and wrong swaps, on NTREX damage (seeds, 5 % / 15 %) and Text+Berg. Writes
bench/results/shifted_pairs.json.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np
from align_common import make_embed, md_table, write_results
from align_ntrex import damaged, documents
from align_textberg import documents as textberg_documents
from align_textberg import params_from

from qa_pipeline.align import align_sentences
from qa_pipeline.align.strangers import centred_rows
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import BeadPair
from qa_pipeline.types import Bead


def candidates(corpus: str, src: list[str], tgt: list[str], gold: list[BeadPair],
               beads: list[Bead], embed: Any) -> list[dict[str, Any]]:
    gold_set = {(tuple(a), tuple(b)) for a, b in gold}
    vecs = dict(zip(src + tgt, embed(src + tgt), strict=True))
    cs, ct = centred_rows(src, vecs), centred_rows(tgt, vecs)
    rs = np.stack([vecs[t] for t in src])
    rt = np.stack([vecs[t] for t in tgt])
    rs = rs / np.linalg.norm(rs, axis=1, keepdims=True)
    rt = rt / np.linalg.norm(rt, axis=1, keepdims=True)
    out = []
    for k, b in enumerate(beads):
        if len(b.source) != 1 or len(b.target) != 1:
            continue
        i, j = b.source[0], b.target[0]
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(beads):
                continue
            lone = beads[nb]
            if lone.source and not lone.target and len(lone.source) == 1:
                x = lone.source[0]  # pair x with j, leave i alone
                raw = float(rs[x] @ rt[j] - rs[i] @ rt[j])
                cen = float(cs[x] @ ct[j] - cs[i] @ ct[j])
                new = {((x,), (j,)), ((i,), ())}
            elif lone.target and not lone.source and len(lone.target) == 1:
                y = lone.target[0]  # pair i with y, leave j alone
                raw = float(rs[i] @ rt[y] - rs[i] @ rt[j])
                cen = float(cs[i] @ ct[y] - cs[i] @ ct[j])
                new = {((i,), (y,)), ((), (j,))}
            else:
                continue
            right = new <= gold_set
            wrong = ((i,), (j,)) in gold_set
            out.append({"corpus": corpus, "raw": raw, "centred": cen, "right": right,
                        "wrong": wrong})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    args = ap.parse_args()
    params = params_from([], DEFAULT_MODEL)
    embed = make_embed(DEFAULT_MODEL)
    docs = documents(None)
    cands: list[dict[str, Any]] = []
    gold_lone = 0
    for seed in args.seeds:
        for rate in (0.05, 0.15):
            for dmg in damaged(docs, rate, seed):
                beads = align_sentences(dmg.src, dmg.tgt, embed, params)
                gold_lone += sum(bool(a) != bool(b) for a, b in dmg.gold)
                cands += candidates(f"ntrex{rate}", dmg.src, dmg.tgt, dmg.gold, beads, embed)
        print(f"seed {seed}: {len(cands)} candidates", file=sys.stderr)
    for _, de, fr, gold in textberg_documents():
        beads = align_sentences(de, fr, embed, params)
        cands += candidates("textberg", de, fr, gold, beads, embed)
    rows = []
    for key in ("raw", "centred"):
        for cut in (0.0, 0.01, 0.02, 0.03, 0.05, 0.08):
            sel = [c for c in cands if c[key] > cut]
            rows.append([key, cut,
                         sum(c["right"] for c in sel if c["corpus"] != "textberg"),
                         sum(c["wrong"] for c in sel if c["corpus"] != "textberg"),
                         sum(c["right"] for c in sel if c["corpus"] == "textberg"),
                         sum(c["wrong"] for c in sel if c["corpus"] == "textberg")])
    write_results("shifted_pairs", {
        "seeds": args.seeds, "gold_lone_ntrex": gold_lone, "grid": rows,
        "candidates_ntrex": sum(c["corpus"] != "textberg" for c in cands),
        "candidates_textberg": sum(c["corpus"] == "textberg" for c in cands),
        "right": [c for c in cands if c["right"]],
        "max_advantage_of_gold_beads": {k: max((c[k] for c in cands if c["wrong"]),
                                               default=None) for k in ("raw", "centred")}})
    print(f"gold 1-0/0-1 beads (NTREX): {gold_lone}; candidates: {len(cands)} "
          f"(right {sum(c['right'] for c in cands)}, wrong {sum(c['wrong'] for c in cands)})")
    print(md_table(["cosine", "advantage >", "right (NTREX)", "wrong (NTREX)",
                    "right (Text+Berg)", "wrong (Text+Berg)"], rows))


if __name__ == "__main__":
    main()
