"""The strangers' cut (`qa_pipeline/align/strangers.py`): under how alike a 1-1 bead's two
sentences no translation is, measured on language pairs the benchmarks do not score.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/stranger_cut.py [--write]

For eight NTREX-128 language pairs that are neither lt-et (the damage benchmark) nor de-fr
(Text+Berg), every translation (line i of one language against line i of the other) is scored
with the aligner's centred cosine: each document's sentence vectors minus that side's mean,
renormalised (`strangers.centred_rows`, as `runs._center` centres the costs). The cut is the
lowest of the ~16,000 translations' scores, rounded down to 3 decimals: a 1-1 bead less alike
than every translation of eight other pairs is taken for two deletions. `--write` stores it
for the model in qa_pipeline/data/stranger_cut.json. Also printed, for comparison only (never
used for the cut): the same figures on lt-et. Writes bench/results/stranger_cut.json.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from align_common import make_embed, md_table, write_results
from drift_common import ROOT, group_docs
from paths import DATA

from qa_pipeline.align.strangers import CUTS_FILE, centred_rows
from qa_pipeline.config import DEFAULT_MODEL

PAIRS = (("deu", "pol"), ("lav", "fin"), ("rus", "deu"), ("eng", "fin"), ("pol", "lav"),
         ("fin", "rus"), ("eng", "deu"), ("lav", "rus"))
HELD = ("lit", "est")  # the damage benchmark's pair: reported, never used


def translation_scores(a: str, b: str, vectors: dict[str, dict[str, np.ndarray]],
                       docs: list[list[int]], lines: dict[str, list[str]]) -> np.ndarray:
    out = []
    for ix in docs:
        if len(ix) < 4:  # the aligner centres only sides of 4 sentences or more
            continue
        sa, sb = [lines[a][i] for i in ix], [lines[b][i] for i in ix]
        ca, cb = centred_rows(sa, vectors[a]), centred_rows(sb, vectors[b])
        out += list(np.sum(ca * cb, axis=1))
    return np.sort(np.asarray(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    d = DATA / "ntrex128"
    docs = group_docs((d / "document_ids.txt").read_text(encoding="utf-8").splitlines())
    langs = sorted({x for p in (*PAIRS, HELD) for x in p})
    lines = {lang: [" ".join(x.split()) for x in
                    (d / f"{lang}.txt").read_text(encoding="utf-8").splitlines()]
             for lang in langs}
    embed = make_embed(args.model)
    vectors = {lang: dict(zip(lines[lang], embed(lines[lang]), strict=True)) for lang in langs}
    rows, lows = [], []
    for a, b in (*PAIRS, HELD):
        s = translation_scores(a, b, vectors, docs, lines)
        rows.append({"pair": f"{a}-{b}", "translations": int(s.size),
                     "lowest": [round(float(x), 4) for x in s[:3]],
                     "q0.1%": round(float(np.quantile(s, 0.001)), 4),
                     "held_out": (a, b) == HELD})
        if (a, b) != HELD:
            lows.append(float(s[0]))
    cut = math.floor(min(lows) * 1000) / 1000
    print(md_table(["pair", "translations", "lowest three", "0.1 % quantile", "used"],
                   [[r["pair"], r["translations"], r["lowest"], r["q0.1%"],
                     "no (reported)" if r["held_out"] else "yes"] for r in rows]))
    print(f"\ncut for {args.model}: {cut} (lowest translation of {len(PAIRS)} pairs, "
          f"{min(lows):.4f}, rounded down)")
    write_results("stranger_cut", {"model": args.model, "cut": cut, "pairs": rows})
    if args.write:
        path = ROOT / "qa_pipeline" / "data" / CUTS_FILE
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"models": {}}
        data["models"][args.model] = {"split_below": cut, "derived": "bench/stranger_cut.py"}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"written to {Path(path).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
