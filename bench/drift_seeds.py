"""Seed corpus: rank of a known defect among the drift findings and span coverage.

The defect is given on the command line (paragraph, sentence within it, and the words that
should be covered by `target_spans`), so no seed text lives in code.

    .venv/bin/python bench/drift_seeds.py --model multilingual-e5-small \
        --paragraph 4 --sentence 3 --words "WORD1 WORD2" [--perturb 0.01]

`--perturb D` also reports the defect's severity when its drift alone moves by -D and +D
(the other beads as they are), the document-relative score recomputed: a finding that flips
under a change of that size hangs on a threshold, not on the evidence.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from drift_common import ROOT, cached_encoder, tagger_suffix
from overrides import suffix, with_overrides
from paths import RESULTS

from qa_pipeline.align import align_documents
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.calibration import load_calibration
from qa_pipeline.detect.context import build_context
from qa_pipeline.detect.drift import relative_drift, score_drift
from qa_pipeline.detect.findings import severity_for
from qa_pipeline.detect.params import DriftParams
from qa_pipeline.io.readers import read_document


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "customer-loyalty")
    ap.add_argument("--src", default="lt")
    ap.add_argument("--tgt", default="et")
    ap.add_argument("--paragraph", type=int, required=True, help="1-based, target document")
    ap.add_argument("--sentence", type=int, required=True, help="1-based, within the paragraph")
    ap.add_argument("--words", required=True, help="target words the spans must cover")
    ap.add_argument("--perturb", type=float, default=0.0,
                    help="also report the defect's severity with its drift moved by ±this")
    ap.add_argument("--word-tagger", action="store_true", help="spans from the word tagger")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a DriftParams field (trade-off runs; repeatable; the "
                         "results file is then suffixed with the overrides)")
    args = ap.parse_args()
    src = read_document(args.corpus / f"{args.src}.txt", args.src)
    tgt = read_document(args.corpus / f"{args.tgt}.txt", args.tgt)
    enc = cached_encoder(args.model)
    aligned = align_documents(src, tgt, enc.encode)
    beads = aligned.sentences
    res = score_drift(build_context(src, tgt, beads, aligned.vectors, enc), enc,
                      with_overrides(DriftParams(word_tagger=args.word_tagger), args.set))
    want = tgt.paragraphs[args.paragraph - 1].sentences[args.sentence - 1]
    ranked = sorted((i for i, b in enumerate(beads) if b.source and b.target),
                    key=lambda i: -res.drift[i])
    rows = []
    for rank, i in enumerate(ranked, 1):
        b = beads[i]
        spans = res.spans.get(i, ((), ()))
        rows.append({"rank": rank, "bead": [list(b.source), list(b.target)],
                     "drift": round(res.drift[i], 4), "cos": round(b.similarity or 0.0, 4),
                     "severity": severity_for(res.drift[i], res.thresholds, res.relative[i]),
                     "kind": res.partial.get(i, "drift"),
                     "target_spans": [tgt.sentences[s].text[a:e] for s, a, e in spans[1]],
                     "source_spans": [src.sentences[s].text[a:e] for s, a, e in spans[0]]})
    target_rank = next(r["rank"] for r, i in zip(rows, ranked, strict=True)
                       if want in beads[i].target)
    cos_rank = 1 + sum(1 for i in ranked if (beads[i].similarity or 0) <
                       (beads[next(j for j in ranked if want in beads[j].target)].similarity or 0))
    row = next(r for r, i in zip(rows, ranked, strict=True) if want in beads[i].target)
    text = tgt.sentences[want].text
    covered = []
    for w in args.words.split():
        at = text.find(w)
        covered.append(any(s == want and a <= at and at + len(w) <= e
                           for s, a, e in res.spans.get(ranked[target_rank - 1], ((), ()))[1]))
    perturbed = {}
    if args.perturb:
        calib = load_calibration(enc.name, src.lang, tgt.lang)
        full = [i for i, b in enumerate(beads) if b.source and b.target]
        k = full.index(ranked[target_rank - 1])
        for delta in (-args.perturb, args.perturb):
            d = np.array([res.drift[i] for i in full])
            d[k] = float(np.clip(d[k] + delta, 0.0, 1.0))
            rel = relative_drift(d, DriftParams(), calib.relative)
            perturbed[f"{delta:+.3f}"] = {
                "drift": round(float(d[k]), 4), "relative": round(float(rel[k]), 4),
                "severity": severity_for(float(d[k]), res.thresholds, float(rel[k]))}
    out = {"model": args.model, "calibration": res.model_id,
           "full_beads": len(ranked), "defect_rank_drift": target_rank,
           "defect_rank_cosine": cos_rank, "spans_cover_words": all(covered),
           "defect": row, "relative": round(res.relative[ranked[target_rank - 1]], 4),
           "relative_threshold": res.thresholds.get("drift_minor_relative"),
           "perturbed": perturbed, "top5": rows[:5]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = (f"drift_seeds{tagger_suffix(args.model) if args.word_tagger else ''}"
            + suffix(args.set) + ".json")
    (RESULTS / name).write_text(json.dumps(out, indent=1, ensure_ascii=False)
                                              + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
