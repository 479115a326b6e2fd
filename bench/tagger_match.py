"""Choose the word tagger's unmatched-word evidence (`detect/word_match.py`): the layer and the
weight with which a target word's best centred cosine with the source moves its P(BAD), and
the target cut that goes with them.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/tagger_match.py [--write]

The shipped cross tagger without the evidence tags (once, cached) the 700 MLQE-PE train pairs
the trainers hold out, MLQE dev and the NTREX lt-et `word_swap` pairs of both halves with
their undamaged originals (`tagger_cut.tag_all`). For each layer the feature tagger reads and
each weight, the target cut is the one with the best held-out MT word MCC (the rule the
trainers use). Chosen on held-out data only: per layer the largest weight whose held-out MT MCC
stays within MCC_SLACK of the weight 0's, then the layer that ranks the even documents' swapped
words highest among their sentences' words (mean reciprocal rank: it does not depend on a cut,
so a cut that marks more words of correct translations cannot win it). Reported on what chose
nothing: MLQE dev and the odd documents. `--write`
puts the choice into the shipped cross tagger's header. Writes bench/results/tagger_match.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

import numpy as np
from drift_common import ROOT, cached_encoder
from paths import RESULTS
from tagger_cut import mt_mcc, ranks, swap_rows, tag_all

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.cross_tagger import CrossTaggerModel, load_cross, write_cross
from qa_pipeline.detect.tagger import (
    PairTags,
    TaggerModel,
    WordStates,
    cached_states,
    load_tagger,
)
from qa_pipeline.detect.word_match import WordMatch, with_match

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
CENTRE = 0.5  # any constant: the cut absorbs it
MCC_SLACK = 0.01
CUTS = np.round(np.arange(0.50, 0.80, 0.01), 2)


def shipped_taggers(model: str) -> tuple[CrossTaggerModel, TaggerModel]:
    """The model's shipped cross tagger and the feature tagger it blends with (exit if not)."""
    shipped, feature = load_cross(model), load_tagger(model)
    if shipped is None or feature is None:
        raise SystemExit(f"{model} ships no cross tagger with a feature tagger")
    return shipped, feature


def bare_tags(model: str, seed: int, shipped: CrossTaggerModel, layers: tuple[int, ...]
              ) -> tuple[dict[str, Any], dict[str, list[tuple[str, str]]], dict[str, WordStates]]:
    """The bare tagger's tags (no match, no fit) of every set (`tagger_cut.tag_all`), each
    set's (source, target) pairs, and every text's word states at `layers`."""
    tags = tag_all(model, seed, dataclasses.replace(shipped, match=None, fit=None))
    pairs = {name: [(r["src"], r["tgt"]) for r in tags[name][0]]
             for name in ("mlqe_held", "mlqe_dev")}
    for half in ("even", "odd"):
        pairs[f"{half}_dmg"], pairs[f"{half}_clean"] = (
            [(p[0], p[1]) for p in ps] for ps in tags[f"{half}_pairs"])
    states = cached_states(cached_encoder(model),
                           sorted({t for ps in pairs.values() for p in ps for t in p}), layers)
    return tags, pairs, states


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0, help="word_swap damage seed (drift_ntrex's)")
    ap.add_argument("--write", action="store_true", help="update the shipped cross tagger")
    args = ap.parse_args()
    shipped, feature = shipped_taggers(args.model)
    tags, pairs, states = bare_tags(args.model, args.seed, shipped, feature.layers)

    def matched(name: str, got: list[PairTags], m: WordMatch) -> list[PairTags]:
        return [with_match(t, states[s], states[g], feature.layers, m)
                for t, (s, g) in zip(got, pairs[name], strict=True)]

    rows: list[dict[str, Any]] = []
    for layer in feature.layers:
        for w in WEIGHTS:
            m = WordMatch(layer, w, CENTRE)
            held = (tags["mlqe_held"][0], matched("mlqe_held", tags["mlqe_held"][1], m))
            best, cut = max((mt_mcc(*held, float(c)), float(c)) for c in CUTS)
            row: dict[str, Any] = {"layer": layer, "weight": w, "cut": cut,
                                   "mt_mcc_held": round(best, 4),
                                   "mt_mcc_dev": round(mt_mcc(tags["mlqe_dev"][0], matched(
                                       "mlqe_dev", tags["mlqe_dev"][1], m), cut), 4)}
            for half in ("even", "odd"):
                where, dmg, clean = tags[half]
                got = (where, matched(f"{half}_dmg", dmg, m), matched(f"{half}_clean", clean, m))
                row[half] = {**{k: round(v, 4) for k, v in swap_rows(*got, cut).items()},
                             **{k: round(v, 4) for k, v in ranks(*got).items()}}
            rows.append(row)
            print(f"layer {layer} weight {w:.2f} cut {cut:.2f}: MT MCC held {best:.3f} dev "
                  f"{row['mt_mcc_dev']:.3f}; in span even {row['even']['in_span']:.3f} odd "
                  f"{row['odd']['in_span']:.3f}; top word even {row['even']['top1']:.3f} odd "
                  f"{row['odd']['top1']:.3f}; clean words marked odd "
                  f"{row['odd']['clean_words_marked']:.3f}", flush=True)
    per_layer = []
    for layer in feature.layers:
        mine = [r for r in rows if r["layer"] == layer]
        floor = mine[0]["mt_mcc_held"] - MCC_SLACK  # weight 0 first
        per_layer.append(max((r for r in mine if r["mt_mcc_held"] >= floor),
                             key=lambda r: r["weight"]))
    chosen = max(per_layer, key=lambda r: r["even"]["mrr"])
    res = {"model": args.model, "seed": args.seed, "mcc_slack": MCC_SLACK, "rows": rows,
           "chosen": chosen}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tagger_match.json").write_text(json.dumps(res, indent=1) + "\n",
                                               encoding="utf-8")
    print(f"chosen: layer {chosen['layer']}, weight {chosen['weight']}, cut {chosen['cut']}")
    if args.write:
        m = WordMatch(int(chosen["layer"]), float(chosen["weight"]), CENTRE)
        prov = {**shipped.provenance, "match": {
            "chosen_by": f"bench/tagger_match.py: held-out train MT MCC within {MCC_SLACK} "
                         "of no evidence, then the best reciprocal rank of the even-document "
                         "NTREX swapped words",
            "heldout_train_mt_mcc": chosen["mt_mcc_held"],
            "even_mrr": chosen["even"]["mrr"]}}
        write_cross(dataclasses.replace(shipped, match=m, provenance=prov, thresholds={
            **shipped.thresholds, "word_bad_target": float(chosen["cut"])}),
            ROOT / "qa_pipeline" / "data")
        print("wrote the cross tagger's header")


if __name__ == "__main__":
    main()
