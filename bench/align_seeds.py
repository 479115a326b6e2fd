"""Seed documents: paragraph alignment must be title -> nothing, then paragraph i -> i.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/align_seeds.py \
        --model multilingual-e5-small embeddinggemma-300m

Reads corpora/customer-loyalty/{lt,et}.txt with the pipeline's own reader and segmenter (as
`qa-pipeline check` does), runs `align_documents` with each model and compares the paragraph
beads with the expected ones (lt paragraph 0 is a title the et side lacks). Writes
bench/results/align_seeds.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys

from align_common import ROOT, make_embed, make_match, md_table, write_results
from align_textberg import params_from

from qa_pipeline.align import align_documents
from qa_pipeline.config import DEFAULT_MODEL, Config
from qa_pipeline.io.beads import format_beads
from qa_pipeline.pipeline import read_inputs

SEEDS = ROOT / "corpora" / "customer-loyalty"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", nargs="*", default=[DEFAULT_MODEL])
    ap.add_argument("--set", nargs="*", default=[])
    args = ap.parse_args()
    results = {}
    rows = []
    for model in args.model:
        inputs = read_inputs(SEEDS / "lt.txt", SEEDS / "et.txt", Config(model=model))
        src, tgt = inputs.source, inputs.target
        params = params_from(args.set, model)
        al = align_documents(src, tgt, make_embed(model), params,
                             match=make_match(model, params))
        got = [(b.source, b.target) for b in al.paragraphs]
        want = [((0,), ())] + [((i + 1,), (i,)) for i in range(len(tgt.paragraphs))]
        print(f"{model}:\n{format_beads(al.paragraphs)}", file=sys.stderr)
        results[model] = {
            "paragraphs_exact": got == want,
            "paragraphs": [len(src.paragraphs), len(tgt.paragraphs)],
            "sentences": [len(src.sentences), len(tgt.sentences)],
            "paragraph_beads": format_beads(al.paragraphs).splitlines(),
            "sentence_beads": format_beads(al.sentences).splitlines(),
        }
        shown = ", ".join(f"{list(s)}->{list(t)}" for s, t in got)
        rows.append([model, shown, "yes" if got == want else "**no**",
                     min(b.confidence or 0.0 for b in al.paragraphs)])
    write_results("align_seeds", {"overrides": args.set, "models": results})
    print(md_table(["model", "paragraph beads (lt -> et)", "exact", "lowest confidence"], rows))


if __name__ == "__main__":
    main()
