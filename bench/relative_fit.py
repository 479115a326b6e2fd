"""Refit a shipped drift calibration's document-relative reference and severity thresholds.

The model's weights stay as trained (bench/train_drift.py); what is refitted comes from the
clean pairs of the *even*-numbered NTREX-128 documents scored with those weights and the
current checks: the `relative` reference (`qa_pipeline/detect/relative.py`: the clean
documents' median logit drift and typical within-document spread) and every severity
threshold, at train_drift's quantiles (QUANTILES of drift, RELATIVE_QUANTILE of the relative
score). Run it after a change to the inputs of the drift model (a check's hits, say).

    .venv/bin/python bench/relative_fit.py --write                 # lt-et, the model's file
    .venv/bin/python bench/relative_fit.py --pair et-en --write    # the et-en calibration
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
from drift_common import ROOT, cached_encoder, ntrex_docs, pairs_context
from train_drift import QUANTILES, RELATIVE_QUANTILE

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.calibration import Calibration, write_calibration
from qa_pipeline.detect.drift import score_drift
from qa_pipeline.detect.params import DriftParams
from qa_pipeline.detect.relative import RelativeReference, fit_reference, relative_scores


def clean_documents(enc: object, calib: Calibration, half: str, pair: tuple[str, str],
                    params: DriftParams = DriftParams()) -> list[np.ndarray]:
    """The final drift (stage 2 included, as the pipeline runs it) of each clean document."""
    out: list[np.ndarray] = []
    for doc in ntrex_docs(half, *pair):
        ctx = pairs_context(doc, pair[0], pair[1], enc)  # type: ignore[arg-type]
        out.append(np.array(score_drift(ctx, enc, params,  # type: ignore[arg-type]
                                        calibration=calib).drift))
    return out


def refit(calib: Calibration, docs: list[np.ndarray],
          params: DriftParams = DriftParams()) -> tuple[Calibration, RelativeReference]:
    ref = fit_reference(docs)
    rel = np.concatenate([relative_scores(d, ref, params.shrink_beads) for d in docs])
    flat = np.concatenate(docs)
    th = dict(calib.thresholds)
    th.update({k: round(float(np.quantile(flat, q)), 6) for k, q in QUANTILES.items()})
    th["drift_minor_relative"] = round(float(np.quantile(rel, RELATIVE_QUANTILE)), 6)
    return dataclasses.replace(calib, thresholds=th, relative=ref), ref


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--pair", default="lt-et")
    ap.add_argument("--file", type=Path, default=None,
                    help="calibration file (default: the one the pair loads)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    src, tgt = args.pair.split("-")
    enc = cached_encoder(args.model)
    data = ROOT / "qa_pipeline" / "data"
    path = args.file or next(p for p in (data / f"drift_{enc.name}.{src}-{tgt}.json",
                                         data / f"drift_{enc.name}.json") if p.is_file())
    old = Calibration.from_dict(json.loads(path.read_text(encoding="utf-8")))
    docs = clean_documents(enc, old, "even", (src, tgt))
    new, ref = refit(old, docs)
    trained = dict(new.provenance.get("trained") or {})
    trained["thresholds_from"] = (
        f"bench/relative_fit.py: quantiles {QUANTILES} of drift and {RELATIVE_QUANTILE} of the "
        f"relative score (reference fitted on the same documents) on "
        f"{sum(len(d) for d in docs)} clean NTREX-128 {src}-{tgt} pairs of {len(docs)} "
        "even-numbered documents")
    new = dataclasses.replace(new, provenance={**new.provenance, "trained": trained})
    report = {"file": str(path.relative_to(ROOT)), "reference": ref.to_dict(),
              "old_thresholds": old.thresholds, "new_thresholds": new.thresholds,
              "seconds": round(time.time() - t0, 1)}
    if args.write:
        write_calibration(new, path)
        print(f"wrote {path}", file=sys.stderr)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
