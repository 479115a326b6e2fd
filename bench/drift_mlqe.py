"""MLQE-PE et-en dev: correlation of `drift` with the human DA z_mean (expected negative), with
HTER, and the word level: the report's spans mapped onto the given tokens against the human
post-edit tags (MCC as WMT QE computes it, BAD = positive), once from every bead's tagged
words (`alignment[].words`, present when the word tagger ran) and once from the findings'
spans (what a reviewer is shown).

The dev pairs go through the product's own TSV input path, exactly as a user would run them:
`qa-pipeline check dev.tsv --src-lang et --tgt-lang en` (one 1-1 bead per line, the whole file
one document); the bead drifts of the resulting report.json are correlated with `z_mean`.
Calibration is trained on `train.tsv` only (bench/train_drift.py).

    .venv/bin/python bench/drift_mlqe.py            # default model; results/drift_mlqe.json
    .venv/bin/python bench/drift_mlqe.py --word-tagger   # results/drift_mlqe_tagger.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from drift_common import read_mlqe, tagger_suffix
from paths import RESULTS, ROOT
from scipy.stats import pearsonr, spearmanr

from qa_pipeline.config import DEFAULT_MODEL


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--word-tagger", action="store_true", help="run check with --word-tagger")
    args = ap.parse_args()
    rows = read_mlqe(args.split)
    z = np.array([float(r["z_mean"]) for r in rows])
    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / f"{args.split}.tsv"
        tsv.write_text("".join(f"{r['original']}\t{r['translation']}\n" for r in rows),
                       encoding="utf-8")
        out = Path(tmp) / "report"
        t0 = time.time()
        exe = ROOT / ".venv" / "bin" / "qa-pipeline"
        cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "qa_pipeline.cli"]
        cmd = [*cli, "check", str(tsv),
               "--src-lang", "et", "--tgt-lang", "en", "--out", str(out),
               "--model", args.model, "--fail-on", "none", "--quiet",
               "--word-tagger" if args.word_tagger else "--no-word-tagger"]
        subprocess.run(cmd, check=True)
        seconds = time.time() - t0
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    drift = np.array([b["drift"] for b in report["alignment"]])
    cos = np.array([b["similarity"] for b in report["alignment"]], dtype=float)
    if len(drift) != len(z):
        sys.exit(f"report has {len(drift)} beads for {len(z)} rows")
    # Where the report's spans come from: findings per kind and their marked spans.
    spans_by_kind: dict[str, int] = {}
    findings_by_kind: dict[str, int] = {}
    for f in report["findings"]:
        n = len(f.get("source_spans", ())) + len(f.get("target_spans", ()))
        spans_by_kind[f["kind"]] = spans_by_kind.get(f["kind"], 0) + n
        findings_by_kind[f["kind"]] = findings_by_kind.get(f["kind"], 0) + 1
    all_spans = sum(spans_by_kind.values())
    res = {"model": args.model, "split": args.split, "n": len(drift),
           "findings_by_kind": findings_by_kind, "spans_by_kind": spans_by_kind,
           "entity_span_share": round(spans_by_kind.get("entity", 0) / max(1, all_spans), 4),
           "calibration": report["signature"].get("drift_model"),
           "pearson_drift_z": round(float(pearsonr(drift, z)[0]), 4),
           "spearman_drift_z": round(float(spearmanr(drift, z)[0]), 4),
           "pearson_cosine_z": round(float(pearsonr(cos, z)[0]), 4),
           "spearman_cosine_z": round(float(spearmanr(cos, z)[0]), 4),
           "seconds": round(seconds, 1), "target_pearson": -0.45}
    if args.split in ("dev", "train"):
        res.update(word_level(report, args.split))
        hter = np.array(res.pop("_hter"))
        res["pearson_drift_hter"] = round(float(pearsonr(drift, hter)[0]), 4)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"drift_mlqe{tagger_suffix(args.model) if args.word_tagger else ''}.json"
    (RESULTS / name).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print("| model | n | Pearson r (drift, z) | Spearman ρ | cosine r | target |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.model} | {res['n']} | {res['pearson_drift_z']} | {res['spearman_drift_z']} "
          f"| {res['pearson_cosine_z']} | r ≤ −0.45 |")
    print(json.dumps(res, indent=1))


def word_level(report: dict[str, Any], split: str) -> dict[str, Any]:
    """Word MCC per side from the tagged words and from the findings' spans."""
    from sklearn.metrics import matthews_corrcoef
    from train_tagger import map_tokens, read_split

    rows = read_split(split)
    sents = {"source": report["source"]["sentences"], "target": report["target"]["sentences"]}
    marks: dict[str, dict[str, dict[int, list[tuple[int, int]]]]] = {
        how: {"source": {}, "target": {}} for how in ("words", "findings")}
    for bead in report["alignment"]:
        for side in ("source", "target"):
            for s, a, b in (bead.get("words") or {}).get(side, []):
                marks["words"][side].setdefault(s, []).append((a, b))
    for f in report["findings"]:
        for side in ("source", "target"):
            for s, a, b in f.get(f"{side}_spans", []):
                marks["findings"][side].setdefault(s, []).append((a, b))
    out: dict[str, Any] = {}
    skipped = 0
    for how, per_side in marks.items():
        for side, key, tags in (("source", "src", "src_tag"), ("target", "tgt", "tgt_tag")):
            y, p = [], []
            for k, r in enumerate(rows):
                text = sents[side][k]["text"]
                try:
                    tok = map_tokens(text, [r[key][a:b] for a, b in r[f"{key}_tok"]])
                except ValueError:
                    skipped += 1
                    continue
                spans = per_side[side].get(k, [])
                y += r[tags]
                p += [any(s < b and e > a for a, b in spans) for s, e in tok]
            out[f"mcc_{side}_{how}"] = round(float(matthews_corrcoef(y, p)), 6)
    out["word_rows_skipped"] = skipped
    out["_hter"] = [r["hter"] for r in rows]
    return out


if __name__ == "__main__":
    main()
