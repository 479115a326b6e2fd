"""The word tagger's target-side cut against two targets of #13 at once: MLQE-PE MT word MCC
(≥ 0.35) and the replaced word of NTREX lt-et `word_swap` damage inside a span (≥ 80 %).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/tagger_cut.py

The shipped tagger (`load_word_tagger`, the blend) tags, once, the 700 MLQE train pairs every
tagger script holds out (`split_held_out`), MLQE dev, and the `word_swap` pairs of the even and
odd NTREX documents (damage as `drift_ntrex.py`: seed 0) with their undamaged originals; the
tags are cached under .bench-cache/. Each row then re-reads them with another target cut: MT
MCC as `drift_mlqe.py` computes it from the tagged phrases, the share of swapped words inside
a span (the whole side when ≥ WHOLE_SIDE_SHARE of its words are BAD, as the pipeline does),
and what the same cut marks on the clean originals. Also the swapped word's rank among its
sentence's words. Writes bench/results/tagger_cut.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
from collections.abc import Sequence
from typing import Any

import numpy as np
from drift_common import cached_encoder, ntrex_docs
from drift_ntrex import external_damage
from paths import CACHE_DIR, RESULTS
from train_tagger import TRAIN_SEED, map_tokens, read_split, split_held_out

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.tagger import WHOLE_SIDE_SHARE, PairTags, side_words
from qa_pipeline.detect.word_tagger import WordTagger, fingerprint, load_word_tagger, tag_words

CUTS = (None, 0.60, 0.58, 0.56, 0.54, 0.52, 0.50, 0.45, 0.40, 0.35, 0.30)  # None: shipped


def tag_all(model: str, seed: int, tagger: WordTagger | None = None) -> dict[str, Any]:
    """Every set's tags and texts, by `tagger` (default the shipped one); cached under the
    tagger's fingerprint: the tagging is the only slow part."""
    tagger = tagger or load_word_tagger(model)
    if tagger is None:
        raise SystemExit(f"no word tagger ships for {model}")
    path = CACHE_DIR / f"tagger_cut_{model}_{seed}_{fingerprint(tagger)[:16]}.pkl"
    if path.exists():
        return dict(pickle.loads(path.read_bytes()))
    enc = cached_encoder(model)
    out: dict[str, Any] = {"cuts": dict(tagger.thresholds)}
    train = read_split("train")
    held = sorted(split_held_out(len(train), np.random.default_rng(TRAIN_SEED))[0])
    for name, rows in (("mlqe_held", [train[i] for i in held]), ("mlqe_dev", read_split("dev"))):
        out[name] = (rows, tag_words(tagger, enc, [(r["src"], r["tgt"]) for r in rows]))
    for half in ("even", "odd"):
        docs = ntrex_docs(half)
        where: dict[tuple[int, int], tuple[int, int]] = {}
        dmg = external_damage(docs, "word_swap", seed, where)
        if dmg is None:
            raise SystemExit("bench/damage_drift.py is missing")
        hits = [(d, i) for d, (_, hit) in enumerate(dmg) for i in hit]
        damaged = [dmg[d][0][i] for d, i in hits]
        clean = [docs[d][i] for d, i in hits]
        out[half] = ([where[h] for h in hits], tag_words(tagger, enc, damaged),
                     tag_words(tagger, enc, clean))
        out[f"{half}_pairs"] = (damaged, clean)
    path.write_bytes(pickle.dumps(out))
    return out


def mt_mcc(rows: Sequence[dict[str, Any]], tags: Sequence[PairTags], cut: float) -> float:
    from sklearn.metrics import matthews_corrcoef

    y: list[int] = []
    p: list[bool] = []
    for r, t in zip(rows, tags, strict=True):
        try:
            tok = map_tokens(r["tgt"], [r["tgt"][a:b] for a, b in r["tgt_tok"]])
        except ValueError:
            continue
        marked = side_words(t.target_spans, t.target_bad, cut).phrases
        y += r["tgt_tag"]
        p += [any(s < b and e > a for a, b in marked) for s, e in tok]
    return float(matthews_corrcoef(y, p))


def swap_rows(where: Sequence[tuple[int, int]], damaged: Sequence[PairTags],
              clean: Sequence[PairTags], cut: float) -> dict[str, float]:
    inside, whole = [], []
    for (s, e), t in zip(where, damaged, strict=True):
        sw = side_words(t.target_spans, t.target_bad, cut)
        whole.append(sw.share >= WHOLE_SIDE_SHARE)
        inside.append(whole[-1] or any(a <= s and e <= b for a, b in sw.phrases))
    return {"in_span": float(np.mean(inside)), "whole_side": float(np.mean(whole)),
            "clean_words_marked": float(np.mean([(t.target_bad >= cut).mean()
                                                 for t in clean if len(t.target_bad)])),
            "clean_pairs_with_span": float(np.mean([bool((t.target_bad >= cut).any())
                                                    for t in clean]))}


def ranks(where: Sequence[tuple[int, int]], damaged: Sequence[PairTags],
          clean: Sequence[PairTags]) -> dict[str, float]:
    """Where the swapped word stands: top word of its sentence, reciprocal rank, the chance of
    the top word being it, and its P(BAD)'s percentile among the clean originals' words."""
    clean_p = np.concatenate([t.target_bad for t in clean])
    top, rr, chance, pct = [], [], [], []
    for (s, e), t in zip(where, damaged, strict=True):
        k = next((j for j, (a, b) in enumerate(t.target_spans) if a < e and b > s), None)
        if k is None:
            continue
        rank = 1 + int((t.target_bad > t.target_bad[k]).sum())
        top.append(rank == 1)
        rr.append(1 / rank)
        chance.append(1 / len(t.target_bad))
        pct.append(float((clean_p < t.target_bad[k]).mean()))
    return {"pairs": len(top), "top1": float(np.mean(top)), "top1_chance": float(np.mean(chance)),
            "mrr": float(np.mean(rr)), "clean_percentile": float(np.mean(pct))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0, help="word_swap damage seed (drift_ntrex's)")
    args = ap.parse_args()
    tags = tag_all(args.model, args.seed)
    shipped = float(tags["cuts"]["word_bad_target"])
    rows = []
    for c in CUTS:
        cut = shipped if c is None else c
        row: dict[str, Any] = {"cut": round(cut, 4), "shipped": c is None,
                               "mt_mcc_held": mt_mcc(*tags["mlqe_held"], cut),
                               "mt_mcc_dev": mt_mcc(*tags["mlqe_dev"], cut)}
        for half in ("even", "odd"):
            row[half] = swap_rows(*tags[half], cut)
        rows.append(row)
    res = {"model": args.model, "seed": args.seed, "cuts": tags["cuts"], "rows": rows,
           "ranks": {half: ranks(*tags[half]) for half in ("even", "odd")}}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tagger_cut.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print("| target cut | MT MCC held-out train | MT MCC dev | in span even | in span odd "
          "| whole side (odd) | clean target words marked (odd) | clean pairs with a span (odd) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        o = r["odd"]
        print(f"| {r['cut']:.3f}{' (shipped)' if r['shipped'] else ''} | {r['mt_mcc_held']:.3f} "
              f"| {r['mt_mcc_dev']:.3f} | {r['even']['in_span']:.3f} | {o['in_span']:.3f} "
              f"| {o['whole_side']:.3f} | {o['clean_words_marked']:.3f} "
              f"| {o['clean_pairs_with_span']:.3f} |")
    print(json.dumps(res["ranks"], indent=1))


if __name__ == "__main__":
    main()
