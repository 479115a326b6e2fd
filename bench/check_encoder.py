"""The mechanical checks' encoder stages: derive their thresholds and measure what they change.

Entities: a name the spelling rules leave without a counterpart is matched when its phrase
vector is within `min_cos` of a word n-gram of the other side. Negation: a marker stays when
making it positive raises its side's cosine with the other side by at least `min_gain`.
Both thresholds are derived on the *even* NTREX-128 lt-et documents, against seeded damage
of the same pairs (bench/damage_drift.py): `min_cos` is the quantile of the swapped names'
best cosines that leaves RECALL of them unmatched, `min_gain` the quantile of the damaged
pairs' best marker gain that keeps RECALL of those hits. The report is on the *odd* documents.

    .venv/bin/python bench/check_encoder.py --derive --write   # data/check_encoder.json
    .venv/bin/python bench/check_encoder.py                    # report with the shipped file
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence

import numpy as np
from damage_drift import DamagedPair, Pair, damage
from drift_common import ROOT, cached_encoder, ntrex_docs
from paths import RESULTS

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.checks import Embedding, Hit
from qa_pipeline.detect.checks.base import ENCODER_SETTINGS_FILE, ENCODER_SETTINGS_FORMAT
from qa_pipeline.detect.checks.entities import (
    check_entities,
    cut_gains,
    name_scores,
    refine_entities,
)
from qa_pipeline.detect.checks.negation import check_negation, marker_gains, refine_negation
from qa_pipeline.detect.context import check_embedding

RECALL = 0.95
MAX_WORDS = 2  # n-grams of up to two words: "Nõukogude Liidu", "Didžiosios Britanijos"
SEED = 20240301
SRC, TGT = "lt", "et"


def flat(half: str) -> list[Pair]:
    return [Pair(s, t, str(k)) for k, doc in enumerate(ntrex_docs(half, SRC, TGT))
            for s, t in doc]


def damaged(pairs: Sequence[Pair], kind: str) -> list[DamagedPair]:
    return damage(pairs, kind, random.Random(f"{SEED}-{kind}"), tgt_lang=TGT)


def overlaps(spans: Sequence[tuple[int, int]], span: tuple[int, int]) -> bool:
    a, b = span
    return any(x < max(b, a + 1) and y > a for x, y in spans)


def hits_of(check: object, pairs: Sequence[tuple[str, str]]) -> list[tuple[Hit, ...]]:
    return [tuple(check(s, t, SRC, TGT)) for s, t in pairs]  # type: ignore[operator]


def refine_by_document(refine: object, pairs: Sequence[Pair],
                       clean_hits: Sequence[tuple[Hit, ...]], emb: Embedding, cfg: object,
                       damaged: Sequence[tuple[DamagedPair, tuple[Hit, ...]]] | None = None,
                       ) -> list[tuple[Hit, ...]]:
    """`refine` as the pipeline runs it: over one document's beads at a time (`clean_hits`
    are the rule hits of `pairs`). With `damaged` (each damaged pair and its rule hits), each
    damaged pair is refined inside its own document with every other bead clean, and the
    result is one entry per damaged pair: its bead's hits."""
    docs: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        docs.setdefault(p.doc, []).append(i)

    def run(texts: list[tuple[str, str]],
            doc_hits: list[tuple[Hit, ...]]) -> list[tuple[Hit, ...]]:
        return refine(texts, doc_hits, SRC, TGT, emb, cfg)  # type: ignore[operator,no-any-return]

    if damaged is None:
        out: list[tuple[Hit, ...]] = [()] * len(pairs)
        for idx in docs.values():
            res = run([(pairs[i].src, pairs[i].tgt) for i in idx], [clean_hits[i] for i in idx])
            for i, h in zip(idx, res, strict=True):
                out[i] = h
        return out
    result = []
    for d, d_hits in damaged:
        idx = docs[pairs[d.index].doc]
        texts = [(d.src, d.tgt) if i == d.index else (pairs[i].src, pairs[i].tgt) for i in idx]
        doc_hits = [d_hits if i == d.index else clean_hits[i] for i in idx]
        result.append(run(texts, doc_hits)[idx.index(d.index)])
    return result


def derive(emb: Embedding) -> dict[str, dict[str, float]]:
    pairs = flat("even")
    swaps = damaged(pairs, "entity_swap")
    sp = [(d.src, d.tgt) for d in swaps]
    sh = hits_of(check_entities, sp)
    best = [score for k, side, group, score in name_scores(sp, sh, emb, MAX_WORDS)
            if side == 1 and overlaps(group, swaps[k].tgt_span)]
    min_cos = float(np.quantile(best, RECALL))
    # Then the cut gain of the swaps the name stage keeps: the gain that keeps RECALL of them.
    kept = refine_by_document(refine_entities, pairs, hits_of(check_entities, [
        (p.src, p.tgt) for p in pairs]), emb, {"min_cos": min_cos, "max_words": MAX_WORDS},
        list(zip(swaps, sh, strict=True)))
    gains = cut_gains(sp, kept, emb)
    swap_gains = [g for k, g in gains.items()
                  if any(overlaps(h.target_spans, swaps[k].tgt_span) for h in kept[k])]
    min_cut_gain = float(np.quantile(swap_gains, 1 - RECALL))
    negs = damaged(pairs, "negation")
    npairs = [(d.src, d.tgt) for d in negs]
    nh = hits_of(check_negation, npairs)
    per_hit: dict[tuple[int, int], float] = {}
    for k, j, _, gain in marker_gains(npairs, nh, SRC, TGT, emb):
        per_hit[(k, j)] = max(gain, per_hit.get((k, j), -1.0))
    min_gain = float(np.quantile(list(per_hit.values()), 1 - RECALL))
    print(f"derived on {len(pairs)} even pairs: {len(best)} swapped names, min_cos "
          f"{min_cos:.4f}, {len(swap_gains)} swap hits left, min_cut_gain {min_cut_gain:.5f}; "
          f"{len(per_hit)} negation hits, min_gain {min_gain:.5f}", file=sys.stderr)
    return {"entities": {"min_cos": round(min_cos, 4), "max_words": MAX_WORDS,
                         "min_cut_gain": round(min_cut_gain, 5)},
            "negation": {"min_gain": round(min_gain, 5)}}


def measure(emb: Embedding, settings: dict[str, dict[str, float]]) -> dict[str, float]:
    """Clean hit rates and damage detection on the odd documents, spelling vs + encoder."""
    pairs = flat("odd")
    clean = [(p.src, p.tgt) for p in pairs]
    out: dict[str, float] = {"clean_pairs": len(clean)}
    for name, check, refine, kind in (
            ("entities", check_entities, refine_entities, "entity_swap"),
            ("negation", check_negation, refine_negation, "negation")):
        cfg = settings.get(name)
        before = hits_of(check, clean)
        after = refine_by_document(refine, pairs, before, emb, cfg)
        out[f"{name}_clean_hits_before"] = round(sum(map(bool, before)) / len(clean), 4)
        out[f"{name}_clean_hits_after"] = round(sum(map(bool, after)) / len(clean), 4)
        dmg = damaged(pairs, kind)
        dp = [(d.src, d.tgt) for d in dmg]
        db = hits_of(check, dp)
        da = refine_by_document(refine, pairs, before, emb, cfg,
                                list(zip(dmg, db, strict=True)))

        def caught(hs: Sequence[tuple[Hit, ...]], dmg: list[DamagedPair] = dmg,
                   entity: bool = kind == "entity_swap") -> float:
            ok = [any(overlaps(h.target_spans, d.tgt_span) if entity else True for h in bead)
                  for bead, d in zip(hs, dmg, strict=True)]
            return round(float(np.mean(ok)), 4)

        out[f"{kind}_pairs"] = len(dmg)
        out[f"{kind}_recall_before"] = caught(db)
        out[f"{kind}_recall_after"] = caught(da)
        # The damaged pair's hit against the same pair undamaged (the check's own precision).
        out[f"{kind}_same_pairs_clean_before"] = round(float(np.mean(
            [bool(before[d.index]) for d in dmg])), 4)
        out[f"{kind}_same_pairs_clean_after"] = round(float(np.mean(
            [bool(after[d.index]) for d in dmg])), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--derive", action="store_true", help="derive the thresholds (even docs)")
    ap.add_argument("--write", action="store_true", help="with --derive: update the package")
    args = ap.parse_args()
    t0 = time.time()
    enc = cached_encoder(args.model)
    emb = check_embedding(enc)
    path = ROOT / "qa_pipeline" / "data" / ENCODER_SETTINGS_FILE
    shipped = json.loads(path.read_text(encoding="utf-8"))
    settings = shipped["models"].get(enc.name, {})
    if args.derive:
        settings = derive(emb)
        if args.write:
            shipped = {"format": ENCODER_SETTINGS_FORMAT,
                       "models": {**shipped["models"], enc.name: settings},
                       "derived": {**shipped.get("derived", {}), enc.name: (
                           f"bench/check_encoder.py --derive: NTREX-128 {SRC}-{TGT} even "
                           f"documents, damage seed {SEED}; min_cos keeps {RECALL:.0%} of "
                           f"swapped names unmatched, min_cut_gain keeps {RECALL:.0%} of the "
                           f"swap hits left, min_gain keeps {RECALL:.0%} of "
                           "negation-damage hits")}}
            path.write_text(json.dumps(shipped, indent=1) + "\n", encoding="utf-8")
            print(f"wrote {path}", file=sys.stderr)
    res = {"model": enc.name, "settings": settings, **measure(emb, settings),
           "seconds": round(time.time() - t0, 1)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "check_encoder.json").write_text(json.dumps(res, indent=1) + "\n",
                                                encoding="utf-8")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
