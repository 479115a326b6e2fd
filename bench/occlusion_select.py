"""Could occlusion be spent on fewer beads? (#12 "drift stage cost": "fewer, better-chosen
windows"; the "standing" rule shipped in session 26 as `DriftParams.occlusion_min_z`)

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/occlusion_select.py

Occlusion (`detect/spans.py`, "refine") is almost all of the default drift stage's cost, and
it is spent on the beads with the highest stage-1 drift until the document's budget
(`DriftParams.span_budget_*`) is used up: on a 16-pair NTREX document, the top five or so.
This script gathers, for every bead of the NTREX lt-et documents (even: where a selection
rule would be chosen; odd: scored, clean and under each kind of `bench/damage_drift.py`),
its stage-1 logit, its name-evidence term and its span evidence with *every* bead occluded,
then re-reads them under selection rules without running the drift stage again:

* ``budget``: the rule before session 26, reproduced (its AUCs and clean rates equal
  `drift_ntrex.py --set occlusion_min_z=none`'s, which checks the replay);
* ``z≥a, logit≥lmin−b``: occlude only beads that could become findings, i.e. whose stage-1
  score, with the span stage applied to the even documents' median span evidence, is within
  reach of the document-relative or the absolute minor threshold; the other beads keep that
  imputed score (so that the document's median and spread stay on one scale);
* ``standing z≥a, logit≥lmin−b``: the budget, spent only on beads whose *stage-1*
  drift stands out (robust z in the document at least a, the relative score's floor
  included) or comes within b of the absolute minor threshold; the others keep their stage-1
  score, as beads outside the budget always did (no imputation); the pipeline's rule
  (`drift._stands_out`) at z 1 and margin 1;
* ``oracle``: occlude exactly the beads that end up as findings under the budget rule, which
  no rule can know beforehand: a lower bound on what any selection that keeps every finding's
  span must spend.

Cost is counted in the budget's own units (`coarse_cost` of each side plus the refining pass's
12 per bead). Writes bench/results/occlusion_select.json.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

import numpy as np
from align_common import md_table, write_results
from drift_common import KINDS, auc, cached_encoder, ntrex_docs, pairs_context
from drift_ntrex import external_damage

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.calibration import Calibration, sigmoid
from qa_pipeline.detect.drift import (
    DOMAIN_COLUMNS,
    bead_features,
    load_calibration,
    relative_drift,
    select,
    span_features,
    stands_out,
)
from qa_pipeline.detect.findings import severity_for
from qa_pipeline.detect.params import DriftParams
from qa_pipeline.detect.relative import logit
from qa_pipeline.detect.spans import attribute, coarse_cost

PARAMS = DriftParams(occlusion_min_z=None)  # the budget's own rule; the others are replayed
DAMAGE = (*KINDS, "word_swap")
Doc = dict[str, np.ndarray]


def gather(docs: list[list[tuple[str, str]]], enc: Any, calib: Calibration) -> list[Doc]:
    """Per document: stage-1 logits, name terms, span features of every bead, their costs."""
    out = []
    for doc in docs:
        ctx = pairs_context(doc, "lt", "et", enc)
        x = bead_features(ctx, calib, PARAMS, enc)
        pairs = list(zip(ctx.source_texts, ctx.target_texts, strict=True))
        ev = attribute(pairs, ctx.source_vecs, ctx.target_vecs, enc, PARAMS.occlusion,
                       PARAMS.occlusion_shortlist)
        out.append({"l1": calib.stage1_logit(select(x, calib)),
                    "dom": calib.domain_logit(x[:, DOMAIN_COLUMNS]),
                    "f": span_features(ev),
                    "cost": np.array([coarse_cost(s) + coarse_cost(t) + 12 for s, t in pairs])})
    return out


def budget_choice(d: Doc, allowed: np.ndarray | None = None) -> list[int]:
    """The budget rule (`drift._occlusion`): highest stage-1 drift first, within budget
    (among the `allowed` beads only, where given)."""
    m = len(d["l1"])
    budget = max(PARAMS.span_budget_floor, int(PARAMS.span_budget_fraction * 2 * m))
    chosen, spent = [], 0
    for k in np.argsort(-sigmoid(d["l1"] + d["dom"]), kind="stable"):
        if (allowed is None or allowed[k]) and spent + d["cost"][k] <= budget:
            chosen.append(int(k))
            spent += int(d["cost"][k])
    return chosen


def replay(d: Doc, chosen: list[int], calib: Calibration, impute: np.ndarray | None
           ) -> np.ndarray:
    """The document's drift with `chosen` beads occluded; the others keep their stage-1 score
    (the budget rule) or get the span stage on the `impute`d evidence."""
    m = len(d["l1"])
    logit = (d["l1"] + d["dom"] if impute is None else
             calib.stage2_logit(d["l1"], np.tile(impute, (m, 1))) + d["dom"])
    if chosen:
        logit[chosen] = calib.stage2_logit(d["l1"][chosen], d["f"][chosen]) + d["dom"][chosen]
    return sigmoid(logit)


def standing(d: Doc, calib: Calibration, min_z: float, logit_margin: float) -> list[int]:
    """The budget rule's picks among the beads that stand out at stage 1 (the pipeline's
    `drift.stands_out` at these settings)."""
    params = replace(PARAMS, occlusion_min_z=min_z, occlusion_logit_margin=logit_margin)
    return budget_choice(d, stands_out(sigmoid(d["l1"] + d["dom"]), params, calib.thresholds,
                                       calib.relative))


def within_reach(d: Doc, calib: Calibration, impute: np.ndarray, z_margin: float,
                 logit_margin: float) -> list[int]:
    th = calib.thresholds
    lmin = float(logit(np.array([th["drift_minor"]]))[0])
    drift = replay(d, [], calib, impute)
    z = relative_drift(drift, PARAMS, calib.relative)
    reach = (z >= th["drift_minor_relative"] - z_margin) | (logit(drift) >= lmin - logit_margin)
    return [int(k) for k in np.flatnonzero(reach)]


def flagged(drift: np.ndarray, calib: Calibration) -> list[int]:
    """The beads with a drift finding of any severity (as `score_drift` scores them)."""
    rel = relative_drift(drift, PARAMS, calib.relative)
    return [i for i, (a, b) in enumerate(zip(drift, rel, strict=True))
            if severity_for(float(a), calib.thresholds, float(b)) is not None]


def evaluate(data: dict[str, Any], calib: Calibration, rule: str, impute: np.ndarray,
             z_margin: float = 0.0, logit_margin: float = 0.0) -> dict[str, float]:
    """AUC per damage kind, clean any-drift / major+ rates, beads and cost occluded."""
    th = calib.thresholds

    def run(d: Doc) -> tuple[np.ndarray, list[int]]:
        if rule == "standing":
            chosen = standing(d, calib, z_margin, logit_margin)
            return replay(d, chosen, calib, None), chosen
        if rule in ("budget", "oracle"):
            chosen = budget_choice(d)
            if rule == "oracle":  # the document's own findings under the budget rule
                chosen = flagged(replay(d, chosen, calib, None), calib)
            return replay(d, chosen, calib, None), chosen
        chosen = within_reach(d, calib, impute, z_margin, logit_margin)
        return replay(d, chosen, calib, impute), chosen

    clean_drift, n_flagged, beads, cost = [], 0, 0, 0
    for d in data["odd_clean"]:
        drift, chosen = run(d)
        clean_drift.append(drift)
        n_flagged += len(flagged(drift, calib))
        beads += len(chosen)
        cost += int(d["cost"][chosen].sum()) if chosen else 0
    flat = np.concatenate(clean_drift)
    majors = sum(int(np.sum(d >= th["drift_major"])) for d in clean_drift)
    row: dict[str, float] = {"clean_any_drift": round(n_flagged / flat.size, 4),
                             "clean_major": round(majors / flat.size, 4),
                             "beads": beads, "cost": cost}
    for kind in DAMAGE:
        docs, hits = data[kind]
        pos = [float(run(d)[0][i]) for d, hit in zip(docs, hits, strict=True) for i in hit]
        row[f"auc_{kind}"] = round(auc(list(flat), pos), 4)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0, help="damage seed (drift_ntrex.py's)")
    args = ap.parse_args()
    enc = cached_encoder(args.model)
    calib = load_calibration(args.model, "lt", "et")
    odd = ntrex_docs("odd")
    data: dict[str, Any] = {"even_clean": gather(ntrex_docs("even"), enc, calib),
                            "odd_clean": gather(odd, enc, calib)}
    for kind in DAMAGE:
        dmg = external_damage(odd, kind, args.seed)
        assert dmg is not None
        data[kind] = (gather([p for p, _ in dmg], enc, calib), [hit for _, hit in dmg])
    impute = np.median(np.concatenate([d["f"] for d in data["even_clean"]]), axis=0)

    rows: list[dict[str, Any]] = []
    before = evaluate(data, calib, "budget", impute)
    rows.append({"rule": "budget (before session 26)", **before})
    for zm, lm in ((1.0, 1.0), (1.0, 0.5), (0.5, 0.5)):
        row = evaluate(data, calib, "reach", impute, zm, lm)
        rows.append({"rule": f"within reach: z ≥ rel−{zm}, logit ≥ minor−{lm}", **row})
    for zm, lm in ((0.5, 1.0), (1.0, 1.0), (1.5, 1.0)):
        row = evaluate(data, calib, "standing", impute, zm, lm)
        rows.append({"rule": f"standing: z ≥ {zm}, logit ≥ minor−{lm}", **row})
    oracle = evaluate(data, calib, "oracle", impute)
    rows.append({"rule": "oracle: the budget rule's findings only", **oracle})
    for r in rows:
        r["cost_share"] = round(r["cost"] / before["cost"], 3)
    cols = ["rule", "beads", "cost", "cost_share", "clean_any_drift", "clean_major",
            *(f"auc_{k}" for k in DAMAGE)]
    print(md_table(cols, [[r[c] for c in cols] for r in rows]))
    write_results("occlusion_select", {"model": args.model, "impute": impute.round(6).tolist(),
                                       "rows": rows})


if __name__ == "__main__":
    main()
