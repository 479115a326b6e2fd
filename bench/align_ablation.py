"""One-at-a-time ablations of the aligner on Text+Berg and NTREX (strict F1, 1-0/0-1 recall).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/align_ablation.py

Runs `align_sentences` with each row's AlignParams overrides over the 7 Text+Berg documents and
over NTREX-128 lt-et at 5 % and 15 % damage (seed 1, as bench/align_ntrex.py), reading the
embeddings the two benchmarks cached (run them first: this script embeds nothing new unless a
row needs it). Writes bench/results/align_ablation.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from align_common import deletion_scores, make_embed, md_table, score, write_results
from align_ntrex import damaged, documents
from align_textberg import documents as textberg_documents
from align_textberg import params_from

from qa_pipeline.align import EmbedFn, align_sentences, describe
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import bead_pairs

ROWS: list[tuple[str, list[str]]] = [
    ("default", []),
    ("every run embedded (runs=exact, the previous default)", ["runs=exact"]),
    ("runs as sums of sentence vectors only", ["runs=sum"]),
    ("ratio scoring (vecalign's objective, previous default)", ["scoring=ratio"]),
    ("no coverage penalty", ["margin.coverage_weight=0"]),
    ("coverage 1.0", ["margin.coverage_weight=1.0"]),
    ("coverage 1.0, floor 0.2", ["margin.coverage_weight=1.0", "margin.coverage_floor=0.2"]),
    ("margin weight 1.0 (bertalign's)", ["margin.margin_weight=1.0"]),
    ("margin weight 0.25", ["margin.margin_weight=0.25"]),
    ("no margin", ["margin.margin_weight=0"]),
    ("skip 0.05", ["margin.skip=0.05"]),
    ("skip 0.13", ["margin.skip=0.13"]),
    ("no centring", ["center_min_items=0"]),
    ("max bead 4", ["max_bead=4"]),
    ("merge penalty 0.03", ["margin.merge_penalty=0.03"]),
    ("merge penalty 0.06", ["margin.merge_penalty=0.06"]),
    ("merge penalty 0.1", ["margin.merge_penalty=0.1"]),
    ("coverage 2.0, floor 0.15", ["margin.coverage_weight=2.0", "margin.coverage_floor=0.15"]),
    ("coverage 2.0, floor 0.3", ["margin.coverage_weight=2.0", "margin.coverage_floor=0.3"]),
]


def textberg(embed: EmbedFn, overrides: list[str]) -> float:
    params = params_from(overrides)
    golds, tests = [], []
    for _, de, fr, gold in textberg_documents():
        golds.append(gold)
        tests.append(bead_pairs(align_sentences(de, fr, embed, params)))
    return score(golds, tests)["f1_strict"]


def ntrex(embed: EmbedFn, overrides: list[str], rate: float,
          docs: list[tuple[list[str], list[str]]]) -> tuple[float, float]:
    """Strict F1 and the recall of gold 1-0 / 0-1 beads."""
    params = params_from(overrides)
    golds, tests = [], []
    for dmg in damaged(docs, rate, seed=1):
        golds.append(dmg.gold)
        tests.append(bead_pairs(align_sentences(dmg.src, dmg.tgt, embed, params)))
    return score(golds, tests)["f1_strict"], deletion_scores(golds, tests)["deletion_recall"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args()
    embed = make_embed(args.model, verbose=False)
    docs = documents(None)
    rows, out = [], []
    for name, overrides in ROWS:
        tb = textberg(embed, overrides)
        (n5, d5), (n15, d15) = (ntrex(embed, overrides, 0.05, docs),
                                ntrex(embed, overrides, 0.15, docs))
        aligner = describe(params_from(overrides))
        out.append({"name": name, "overrides": overrides, "aligner": aligner,
                    "textberg_f1_strict": tb, "ntrex05_f1_strict": n5, "ntrex15_f1_strict": n15,
                    "ntrex05_deletion_recall": d5, "ntrex15_deletion_recall": d15})
        rows.append([name, " ".join(overrides) or "-", tb, n5, n15, d5, d15])
    name = ("align_ablation" if args.model == DEFAULT_MODEL
            else f"align_ablation_{Path(args.model).name}")
    write_results(name, {"model": args.model, "rows": out})
    print(f"Alignment ablations, {args.model}, strict F1\n")
    print(md_table(["variant", "AlignParams overrides", "Text+Berg", "NTREX 5 %", "NTREX 15 %",
                    "1-0/0-1 recall 5 %", "1-0/0-1 recall 15 %"], rows))


if __name__ == "__main__":
    main()
