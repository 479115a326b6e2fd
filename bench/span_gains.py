"""Occlusion's span evidence in absolute terms: does the seed's known defect stand out from the
clean NTREX beads occlusion runs on? (analysis; nothing here changes the pipeline)

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/span_gains.py \
        --paragraph 4 --sentence 3

Scores every clean NTREX-128 lt-et document (as 1-1 beads) and the seed pair (aligned) with the
default drift stage, recording each occluded bead's best deletion gain (the larger side's
`gain`, the span evidence the drift model's second stage reads). Prints the upper quantiles of
the clean gains (even and odd documents) and the seed's beads by drift with their gains; the
defect is named by position only (no seed text in code). Writes bench/results/span_gains.json.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from align_common import write_results
from drift_common import ROOT, cached_encoder, ntrex_docs, pairs_context

import qa_pipeline.detect.drift as drift_module
from qa_pipeline.align import align_documents
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.context import build_context
from qa_pipeline.detect.params import DriftParams
from qa_pipeline.io.readers import read_document

_SEEN: dict[tuple[str, str], float] = {}


def _recording(attribute: Any) -> Any:
    def wrapped(pairs: Any, *args: Any, **kwargs: Any) -> Any:
        evidence = attribute(pairs, *args, **kwargs)
        for p, (s, t) in zip(pairs, evidence, strict=True):
            _SEEN[tuple(p)] = max(s.gain, t.gain)
        return evidence
    return wrapped


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraph", type=int, required=True, help="1-based, target document")
    ap.add_argument("--sentence", type=int, required=True, help="1-based, within the paragraph")
    args = ap.parse_args()
    drift_module.attribute = _recording(drift_module.attribute)
    enc = cached_encoder(DEFAULT_MODEL)
    clean: dict[str, list[float]] = {}
    beads: dict[str, int] = {}
    for half in ("even", "odd"):
        gains = clean.setdefault(half, [])
        for doc in ntrex_docs(half):
            _SEEN.clear()
            drift_module.score_drift(pairs_context(doc, "lt", "et", enc), enc, DriftParams())
            gains += list(_SEEN.values())
            beads[half] = beads.get(half, 0) + len(doc)
    corpus = ROOT / "corpora" / "customer-loyalty"
    src, tgt = read_document(corpus / "lt.txt", "lt"), read_document(corpus / "et.txt", "et")
    aligned = align_documents(src, tgt, enc.encode)
    _SEEN.clear()
    ctx = build_context(src, tgt, aligned.sentences, aligned.vectors, enc)
    res = drift_module.score_drift(ctx, enc, DriftParams())
    want = tgt.paragraphs[args.paragraph - 1].sentences[args.sentence - 1]
    seed = sorted(({"drift": round(float(res.drift[i]), 4),
                    "relative": round(float(res.relative[i]), 3),
                    "gain": _SEEN.get((ctx.source_texts[k], ctx.target_texts[k])),
                    "defect": want in aligned.sentences[i].target}
                   for k, i in enumerate(ctx.full)), key=lambda r: -r["drift"])
    qs = (0.5, 0.75, 0.85, 0.9, 0.95, 0.99)
    out = {"clean": {h: {"beads": beads[h], "occluded": len(g),
                         "quantiles": {str(q): round(float(np.quantile(g, q)), 4) for q in qs},
                         "max": round(max(g), 4)} for h, g in clean.items()},
           "seed": seed}
    defect = next(r for r in seed if r["defect"])
    for h, g in clean.items():
        share = float(np.mean(np.asarray(g) >= (defect["gain"] or 0.0)))
        out["clean"][h]["share_at_or_above_defect"] = round(share, 3)
    write_results("span_gains", out)
    for h, c in out["clean"].items():
        print(f"{h}: {c['occluded']} of {c['beads']} clean beads occluded; gain quantiles "
              f"{c['quantiles']}, max {c['max']}; at or above the defect's: "
              f"{c['share_at_or_above_defect']:.1%}")
    for r in seed[:6]:
        print(r)


if __name__ == "__main__":
    main()
