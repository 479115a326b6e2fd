"""Alignment when the two sides' paragraph structures disagree: the soft paragraph prior (#15).

    QA_SHARED_DATA=/work/shared/data HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_NUM_THREADS=2 \
        .venv/bin/python bench/align_structure.py

NTREX-128 lt-et: each NTREX document is one paragraph, and 8 consecutive documents make one
composite document (16 composites). Every paragraph is damaged on its own with
`damage_align.damage` (seeded per NTREX document as in align_ntrex.py, so merges never cross
a paragraph), the composites are built as `Document`s under five structures and aligned with
`align_documents`:

* matching: both sides keep their paragraphs;
* tgt_lines / src_lines: every sentence of the target (source) is its own paragraph;
* shifted: every target paragraph boundary moved one sentence later;
* merged: target paragraphs merged pairwise.

Each structure is aligned with `AlignParams.paragraph_prior` at 0 (no prior: the fallback
ignores paragraphs) and at a few values (in deletions: 1 = one MarginParams.skip), and
scored with vecalign's strict / lax F1 against the gold beads and the recall of gold
1-0 / 0-1 beads. Also records how many composites took the paragraph-group path and how
many predicted beads span a true paragraph boundary (no gold bead does).
Writes bench/results/align_structure.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from align_common import deletion_scores, make_embed, md_table, result_name, score, write_results
from align_ntrex import documents
from align_textberg import params_from
from damage_align import damage

from qa_pipeline.align import AlignParams, align_documents, describe
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import BeadPair, bead_pairs
from qa_pipeline.segment import build_document
from qa_pipeline.types import Document

PER_COMPOSITE = 8
PRIORS = (0.0, 0.2, 0.5, 1.0, 2.0)

Paragraphs = list[list[str]]


def one_per_line(paras: Paragraphs) -> Paragraphs:
    return [[s] for p in paras for s in p]


def shifted(paras: Paragraphs) -> Paragraphs:
    """Every boundary one sentence later: each paragraph after the first gives its first
    sentence to the one before (a paragraph of one sentence is absorbed)."""
    out = [list(paras[0])]
    for p in paras[1:]:
        out[-1].append(p[0])
        if len(p) > 1:
            out.append(list(p[1:]))
    return out


def merged(paras: Paragraphs) -> Paragraphs:
    return [[s for p in paras[i:i + 2] for s in p] for i in range(0, len(paras), 2)]


def keep(paras: Paragraphs) -> Paragraphs:
    return paras


Structure = tuple[Callable[[Paragraphs], Paragraphs], Callable[[Paragraphs], Paragraphs]]
STRUCTURES: dict[str, Structure] = {
    "matching": (keep, keep),
    "tgt_lines": (keep, one_per_line),
    "src_lines": (one_per_line, keep),
    "shifted": (keep, shifted),
    "merged": (keep, merged),
}


def spans_boundary(pairs: Sequence[BeadPair], src: Paragraphs, tgt: Paragraphs) -> int:
    """Beads whose source or target run spans one of the true paragraph boundaries (the
    NTREX documents'; no gold bead does)."""
    s_par = [p for p, sents in enumerate(src) for _ in sents]
    t_par = [p for p, sents in enumerate(tgt) for _ in sents]
    return sum(1 for a, b in pairs
               if len({s_par[i] for i in a}) > 1 or len({t_par[j] for j in b}) > 1)


def composites(rate: float, seed: int) -> list[tuple[Paragraphs, Paragraphs, list[BeadPair]]]:
    """(source paragraphs, target paragraphs, gold beads) of each composite document."""
    docs = documents(None)
    out = []
    for c in range(0, len(docs), PER_COMPOSITE):
        src: Paragraphs = []
        tgt: Paragraphs = []
        gold: list[BeadPair] = []
        ns = nt = 0
        for k in range(c, min(c + PER_COMPOSITE, len(docs))):
            dmg = damage(*docs[k], rate, seed=seed * 100_003 + k)
            gold += [(tuple(i + ns for i in a), tuple(j + nt for j in b)) for a, b in dmg.gold]
            ns, nt = ns + len(dmg.src), nt + len(dmg.tgt)
            src.append(dmg.src)
            tgt.append(dmg.tgt)
        out.append((src, tgt, gold))
    return out


def document(paras: Paragraphs, lang: str) -> Document:
    return build_document(f"composite.{lang}", lang, paras)


def run(rate: float, seed: int, names: Sequence[str], priors: Sequence[float],
        embed: Callable[[Sequence[str]], Any], base: AlignParams) -> dict[str, dict[str, Any]]:
    comps = composites(rate, seed)
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        shape_s, shape_t = STRUCTURES[name]
        docs = [(document(shape_s(s), "lt"), document(shape_t(t), "et"), g, s, t)
                for s, t, g in comps]
        out[name] = {}
        for prior in priors:
            params = replace(base, paragraph_prior=prior)
            t0 = time.perf_counter()
            golds, tests, grouped, spanning = [], [], 0, 0
            for src, tgt, gold, s_true, t_true in docs:
                al = align_documents(src, tgt, embed, params)
                golds.append(gold)
                tests.append(bead_pairs(al.sentences))
                grouped += al.grouped
                spanning += spans_boundary(tests[-1], s_true, t_true)
            res: dict[str, Any] = dict(score(golds, tests))
            res.update(deletion_scores(golds, tests))
            res["grouped"] = grouped
            res["spanning_beads"] = spanning
            res["composites"] = len(docs)
            res["seconds"] = time.perf_counter() - t0
            out[name][f"{prior:g}"] = res
            print(f"rate {rate} {name} prior {prior:g}: strict F1 {res['f1_strict']:.4f} "
                  f"lax {res['f1_lax']:.4f} del recall {res['deletion_recall']:.3f} "
                  f"grouped {grouped}/{len(docs)}", file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--rates", nargs="*", type=float, default=[0.05, 0.15])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--priors", nargs="*", type=float, default=list(PRIORS))
    ap.add_argument("--structures", nargs="*", default=list(STRUCTURES))
    ap.add_argument("--set", nargs="*", default=[])
    args = ap.parse_args()
    base = params_from(args.set)
    embed = make_embed(args.model)
    results = {str(rate): run(rate, args.seed, args.structures, args.priors, embed, base)
               for rate in args.rates}
    write_results(result_name("align_structure", args.model, args.set),
                  {"model": args.model, "seed": args.seed, "per_composite": PER_COMPOSITE,
                   "overrides": args.set, "aligner": describe(base),
                   "priors_in_deletions": args.priors, "results": results})
    rows = []
    for name in args.structures:
        for prior in args.priors:
            row: list[object] = [name, f"{prior:g}"]
            for rate in args.rates:
                r = results[str(rate)][name][f"{prior:g}"]
                row += [r["f1_strict"], r["f1_lax"], r["deletion_recall"], r["spanning_beads"]]
            row.append(" / ".join(f"{results[str(rate)][name][f'{prior:g}']['grouped']}"
                                  for rate in args.rates))
            rows.append(row)
    heads = ["structure", "prior"]
    for rate in args.rates:
        heads += [f"F1 strict @{rate:g}", f"F1 lax @{rate:g}", f"1-0/0-1 recall @{rate:g}",
                  f"spanning @{rate:g}"]
    total = results[str(args.rates[0])][args.structures[0]][f"{args.priors[0]:g}"]
    heads.append(f"grouped of {total['composites']} (" + " / ".join(
        f"@{rate:g}" for rate in args.rates) + ")")
    print(f"NTREX-128 lt-et composites of {PER_COMPOSITE} documents, {args.model}, damage seed "
          f"{args.seed}, {describe(base)}; prior in deletions (x skip)\n")
    print(md_table(heads, rows))


if __name__ == "__main__":
    main()
