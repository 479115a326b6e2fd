"""Text+Berg de-fr sentence alignment benchmark (strict / lax P/R/F1, vecalign's definition).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/align_textberg.py
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/align_textberg.py \
        --model embeddinggemma-300m

Reads ../shared/data/textberg/{de,fr,gold}/00N (one sentence per line; gold beads in vecalign
format), aligns each document with `align_sentences` (no paragraph step: the files carry no
paragraph structure) and scores all documents together. Writes bench/results/align_textberg.json
(align_textberg_<model>.json for another model) and prints a markdown table. `--set KEY=VALUE`
overrides AlignParams for tuning runs (results then go to a *_tuning.json file).
Published reference (strict F1, same data and scoring): bertalign+LaBSE 0.936, vecalign 0.902.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

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
from overrides import with_overrides
from paths import DATA as SHARED

from qa_pipeline.align import AlignParams, align_sentences, describe
from qa_pipeline.align.strangers import params_for
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import BeadPair, bead_pairs, format_beads, parse_beads

DATA = SHARED / "textberg"


def params_from(args: list[str], model: str | None = None) -> AlignParams:
    """KEY=VALUE overrides of AlignParams (for tuning runs): `max_bead=4`, `scoring=ratio`,
    `margin.skip=0.05` (`overrides.py`); with `model`, its own settings as the product runs
    them (`align.strangers.params_for`: the strangers' cut; `strangers=false` turns it off)."""
    params = with_overrides(AlignParams(), args)
    return params_for(params, model) if model is not None else params


def read_lines(path: Path) -> list[str]:
    return [x.strip() for x in path.read_text(encoding="utf-8").splitlines()]


def documents(data: Path = DATA, names: list[str] | None = None
              ) -> Iterator[tuple[str, list[str], list[str], list[BeadPair]]]:
    """(name, German lines, French lines, gold beads) of each Text+Berg document."""
    for doc in names or sorted(p.name for p in (data / "de").iterdir()):
        yield (doc, read_lines(data / "de" / doc), read_lines(data / "fr" / doc),
               parse_beads((data / "gold" / doc).read_text(encoding="utf-8")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=None, help="folder for predicted bead files")
    ap.add_argument("--docs", nargs="*", default=None)
    ap.add_argument("--set", nargs="*", default=[], help="AlignParams overrides KEY=VALUE")
    args = ap.parse_args()
    params = params_from(args.set, args.model)
    embed = make_embed(args.model)
    match = make_match(args.model, params)
    golds, tests = [], []
    per_doc: dict[str, dict[str, Any]] = {}
    t_align = 0.0
    counted = CountingEmbed(embed)
    for doc, de, fr, gold in documents(Path(args.data), args.docs):
        ke = params.max_overlap if params.runs == "exact" else 1
        embed([" ".join(de[i:i + k]) for k in range(1, ke + 1)
               for i in range(len(de) - k + 1)])  # warm the store outside the timing
        embed([" ".join(fr[i:i + k]) for k in range(1, ke + 1)
               for i in range(len(fr) - k + 1)])
        t0 = time.perf_counter()
        beads = align_sentences(de, fr, counted, params, match)
        t_align += time.perf_counter() - t0
        golds.append(gold)
        tests.append(bead_pairs(beads))
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / doc).write_text(format_beads(beads), encoding="utf-8")
        per_doc[doc] = {"sentences": [len(de), len(fr)], **score([golds[-1]], [tests[-1]])}
        print(f"{doc}: strict F1 {per_doc[doc]['f1_strict']:.3f} "
              f"lax F1 {per_doc[doc]['f1_lax']:.3f}", file=sys.stderr)
    res: dict[str, Any] = dict(score(golds, tests))
    res.update(deletion_scores(golds, tests))
    res["sentences"] = sum(sum(v["sentences"]) for v in per_doc.values())
    res["texts_embedded"] = len(counted.texts)
    res["tokens_embedded"] = count_tokens(counted.texts, args.model)
    write_results(result_name("align_textberg", args.model, args.set),
                  {"model": args.model, "overrides": args.set, "params": asdict(params),
                   "aligner": describe(params), "align_seconds": t_align, "all": res,
                   "documents": per_doc})
    keys = ["precision_strict", "recall_strict", "f1_strict", "precision_lax", "recall_lax",
            "f1_lax"]
    rows: list[list[object]] = [[d, f"{v['sentences'][0]}/{v['sentences'][1]}",
                                 *(v[k] for k in keys)] for d, v in per_doc.items()]
    rows.append(["**all**", "", *(res[k] for k in keys)])
    print(f"Text+Berg de-fr, {args.model}, {describe(params)}, align time {t_align:.1f} s "
          f"(embedding excluded); texts embedded {res['texts_embedded']:,} "
          f"({res['tokens_embedded']:,} tokens) for {res['sentences']:,} sentences; "
          f"1-0/0-1 recall {res['deletion_recall']:.3f} precision "
          f"{res['deletion_precision']:.3f}\n")
    print(md_table(["doc", "sentences de/fr", "P strict", "R strict", "F1 strict", "P lax",
                    "R lax", "F1 lax"], rows))


if __name__ == "__main__":
    main()
