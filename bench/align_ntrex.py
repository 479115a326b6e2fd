"""NTREX-128 lt-et alignment under synthetic damage (see damage_align.py).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/align_ntrex.py

Each of the 123 NTREX documents (lines of one document id; lt line i translates et line i) is
damaged with `damage_align.damage` at each rate (seeded per document), aligned with
`align_sentences` and scored with vecalign's strict / lax P/R/F1 against the gold beads the
damage implies. Also reports the expected calibration error of bead confidences against strict
correctness. Writes bench/results/align_ntrex.json (align_ntrex_<model>.json for another
model) and prints a markdown table.
Targets: strict F1 >= 0.98 at 5 % damage, >= 0.95 at 15 %.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import OrderedDict
from itertools import pairwise
from typing import Any

import numpy as np
from align_common import (
    CountingEmbed,
    count_tokens,
    deletion_scores,
    make_embed,
    make_match,
    md_table,
    result_name,
    score,
    write_results,
)
from align_textberg import params_from
from damage_align import Damaged, damage
from paths import DATA as SHARED

from qa_pipeline.align import align_sentences, describe
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import bead_pairs

DATA = SHARED / "ntrex128"


def documents(limit: int | None) -> list[tuple[list[str], list[str]]]:
    ids = (DATA / "document_ids.txt").read_text().splitlines()
    lt = (DATA / "lit.txt").read_text(encoding="utf-8").splitlines()
    et = (DATA / "est.txt").read_text(encoding="utf-8").splitlines()
    docs: OrderedDict[str, tuple[list[str], list[str]]] = OrderedDict()
    for d, a, b in zip(ids, lt, et, strict=True):
        docs.setdefault(d, ([], []))
        docs[d][0].append(" ".join(a.split()))
        docs[d][1].append(" ".join(b.split()))
    out = list(docs.values())
    return out[:limit] if limit else out


def damaged(docs: list[tuple[list[str], list[str]]], rate: float, seed: int) -> list[Damaged]:
    """Each document damaged at `rate`, seeded per document from `seed`."""
    return [damage(lt, et, rate, seed=seed * 100_003 + k) for k, (lt, et) in enumerate(docs)]


def calibration(confs: list[float], hits: list[bool], bins: int = 5) -> dict[str, object]:
    """Expected calibration error of bead confidences against strict correctness."""
    c = np.asarray(confs)
    h = np.asarray(hits, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    table = []
    ece = 0.0
    for lo, hi in pairwise(edges):
        sel = (c >= lo) & ((c < hi) if hi < 1 else (c <= hi))
        if sel.any():
            table.append([f"{lo:.1f}-{hi:.1f}", int(sel.sum()), float(c[sel].mean()),
                          float(h[sel].mean())])
            ece += sel.mean() * abs(c[sel].mean() - h[sel].mean())
    return {"ece": float(ece), "reliability": table}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--rates", nargs="*", type=float, default=[0.05, 0.15])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--set", nargs="*", default=[])
    args = ap.parse_args()
    params = params_from(args.set, args.model)
    embed = make_embed(args.model)
    match = make_match(args.model, params)
    docs = documents(args.limit)
    results = {}
    for rate in args.rates:
        golds, tests, touched = [], [], 0
        total = sum(len(lt) for lt, _ in docs)  # original pairs, before damage
        confs: list[float] = []
        hits: list[bool] = []
        counted = CountingEmbed(embed)
        sentences = 0
        t0 = time.perf_counter()
        for dmg in damaged(docs, rate, args.seed):
            sentences += len(dmg.src) + len(dmg.tgt)
            beads = align_sentences(dmg.src, dmg.tgt, counted, params, match)
            golds.append(dmg.gold)
            tests.append(bead_pairs(beads))
            gold_set = set(dmg.gold)
            for b in beads:
                confs.append(b.confidence or 0.0)
                hits.append((b.source, b.target) in gold_set)
            touched += dmg.touched
        res: dict[str, Any] = dict(score(golds, tests))
        res["seconds"] = time.perf_counter() - t0
        res.update(deletion_scores(golds, tests))
        res["damage_measured"] = touched / total
        res["sentences"] = sentences
        res["texts_embedded"] = len(counted.texts)
        res["tokens_embedded"] = count_tokens(counted.texts, args.model)
        res.update(calibration(confs, hits))
        results[str(rate)] = res
        print(f"rate {rate}: strict F1 {res['f1_strict']:.4f} lax F1 {res['f1_lax']:.4f}",
              file=sys.stderr)
    write_results(result_name("align_ntrex", args.model, args.set),
                  {"model": args.model, "documents": len(docs), "seed": args.seed,
                   "overrides": args.set, "aligner": describe(params), "results": results})
    targets = {0.05: 0.98, 0.15: 0.95}
    rows = []
    for rate, r in results.items():
        want = targets.get(float(rate))
        met = "" if want is None else (f">= {want}: " + ("met" if r["f1_strict"] >= want
                                                          else "missed"))
        rows.append([rate, r["damage_measured"], r["precision_strict"], r["recall_strict"],
                     r["f1_strict"], r["f1_lax"], r["ece"], r["deletion_recall"],
                     r["deletion_precision"], f"{r['texts_embedded']:,}",
                     f"{r['tokens_embedded']:,}", f"{r['seconds']:.1f}", met])
    print(f"NTREX-128 lt-et, {len(docs)} documents, {args.model}, damage seed {args.seed}, "
          f"{describe(params)}\n")
    print(md_table(["rate", "damage measured", "P strict", "R strict", "F1 strict", "F1 lax",
                    "ECE", "1-0/0-1 recall", "1-0/0-1 precision", "texts", "tokens",
                    "seconds", "target"], rows))


if __name__ == "__main__":
    main()
