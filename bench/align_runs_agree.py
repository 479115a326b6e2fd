"""Do the run modes give the same beads? `runs=selective` (or any override) against `runs=exact`.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/align_runs_agree.py
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/align_runs_agree.py \
        --set scoring=ratio

Aligns the 7 Text+Berg documents and the 123 NTREX-128 documents damaged at 5 % and 15 %
(seed 1, as bench/align_ntrex.py) with `runs="exact"` and with the given overrides (default:
none, i.e. the shipped `runs="selective"`), and counts documents whose bead lists are
identical, beads that differ, and texts asked for per sentence by each. Reads the embeddings
the alignment benchmarks cached. Writes bench/results/align_runs_agree.json (a *_tuning.json
with overrides) and prints a markdown table.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from align_common import CountingEmbed, make_embed, md_table, write_results
from align_ntrex import damaged, documents
from align_textberg import documents as textberg_documents
from align_textberg import params_from

from qa_pipeline.align import align_sentences, describe
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import bead_pairs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--set", nargs="*", default=[])
    args = ap.parse_args()
    embed = make_embed(args.model, verbose=False)
    test = params_from(args.set)
    exact = replace(test, runs="exact")
    sets = {"Text+Berg": [(de, fr) for _, de, fr, _ in textberg_documents()]}
    docs = documents(None)
    for rate in (0.05, 0.15):
        sets[f"NTREX {rate:g}"] = [(d.src, d.tgt) for d in damaged(docs, rate, seed=1)]
    rows, out = [], {}
    for name, pairs in sets.items():
        same = differ = beads = sentences = 0
        c_exact, c_test = CountingEmbed(embed), CountingEmbed(embed)
        for src, tgt in pairs:
            a = bead_pairs(align_sentences(src, tgt, c_exact, exact))
            b = bead_pairs(align_sentences(src, tgt, c_test, test))
            same += a == b
            differ += len(set(b) - set(a))
            beads += len(b)
            sentences += len(src) + len(tgt)
        out[name] = {"documents": len(pairs), "identical": same, "beads": beads,
                     "beads_differing": differ, "texts_exact": len(c_exact.texts),
                     "texts_test": len(c_test.texts), "sentences": sentences}
        rows.append([name, f"{same}/{len(pairs)}", f"{differ}/{beads}",
                     f"{len(c_exact.texts) / sentences:.2f}",
                     f"{len(c_test.texts) / sentences:.2f}"])
    write_results("align_runs_agree" + ("_tuning" if args.set else ""),
                  {"model": args.model, "test": describe(test), "reference": describe(exact),
                   "sets": out})
    print(f"{describe(test)} against runs=exact, {args.model}\n")
    print(md_table(["benchmark", "documents identical", "beads differing",
                    "texts/sentence exact", "texts/sentence tested"], rows))


if __name__ == "__main__":
    main()
