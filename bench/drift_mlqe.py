"""MLQE-PE et-en dev: correlation of `drift` with the human DA z_mean (expected negative).

Dev rows are cut into pseudo-documents of 16 consecutive pairs (file order) and each is scored
with `score_drift` exactly as the pipeline does (span attribution and its refinement included).

    .venv/bin/python bench/drift_mlqe.py --model multilingual-e5-small
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from drift_common import cached_encoder, pairs_document, read_mlqe
from scipy.stats import pearsonr, spearmanr

from qa_pipeline.detect.drift import score_drift

DOC = 16


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="multilingual-e5-small")
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    rows = read_mlqe(args.split)
    pairs = [(r["original"], r["translation"]) for r in rows]
    z = np.array([float(r["z_mean"]) for r in rows])
    enc = cached_encoder(args.model)
    t0 = time.time()
    drift: list[float] = []
    cos: list[float] = []
    model_id = ""
    for i in range(0, len(pairs), DOC):
        src, tgt, beads = pairs_document(pairs[i:i + DOC], "et", "en")
        res = score_drift(src, tgt, beads, enc)  # type: ignore[arg-type]
        drift += res.drift
        model_id = res.model_id
        v = enc.encode([p for p, _ in pairs[i:i + DOC]] + [q for _, q in pairs[i:i + DOC]])
        k = len(pairs[i:i + DOC])
        cos += np.einsum("ij,ij->i", v[:k], v[k:]).tolist()
    d = np.array(drift)
    out = {"model": args.model, "calibration": model_id, "split": args.split, "n": len(d),
           "pearson_drift_z": round(float(pearsonr(d, z)[0]), 4),
           "spearman_drift_z": round(float(spearmanr(d, z)[0]), 4),
           "pearson_cosine_z": round(float(pearsonr(cos, z)[0]), 4),
           "spearman_cosine_z": round(float(spearmanr(cos, z)[0]), 4),
           "seconds": round(time.time() - t0, 1)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
