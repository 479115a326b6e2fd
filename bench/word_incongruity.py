"""A word that does not fit its own sentence, as evidence for `word_swap` damage (#13; tried,
not shipped).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/word_incongruity.py

`word_swap` (`damage_drift.py`) puts an unrelated word, in whatever inflection it had where
it was found, into a target sentence. Cross-lingual word evidence finds it poorly (AUC
0.53-0.62: `word_match.py`, `tagger_match.py`), but the damaged sentence is also odd on its
own ("the potato was opened to traffic"). This asks whether the encoder's contextual word
states say so: a logistic probe over a word's mean sub-token states at LAYERS (each
standardised), trained on Estonian sentences that never meet the benchmark (MLQE-PE train
sources, one word of 5+ lower-case letters swapped in each, the same way the generator does,
from a pool of that corpus's own words), says how likely each word is a swapped-in one.

A sentence's score is its most likely word's logit; with the source, plus `weight` · (0.5 −
the word's best centred match with the source's words at layer 12, `word_match.best_match`:
the tagger's unmatched-word evidence). The weight is chosen on the even NTREX lt–et documents'
swaps (AUC), and everything is reported on the odd ones: the AUC of the swapped beads against
all clean beads, as `drift_ntrex.py` computes it, and how often the swapped word is its
sentence's top word. Writes bench/results/word_incongruity.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from align_common import write_results
from drift_common import auc, cached_encoder, ntrex_docs, read_mlqe
from drift_ntrex import external_damage

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.tagger import WordStates, word_states
from qa_pipeline.detect.word_match import best_match

LAYERS = (2, 4, 6, 8, 10, 12)
MATCH_LAYER = 12
CONTENT = re.compile(r"[^\W\d_]{5,}")  # the generator's content words
WEIGHTS = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0)


def swap_one(texts: Sequence[str], rng: random.Random) -> list[tuple[str, tuple[int, int]]]:
    """Each text with one lower-case content word (not the first) swapped for a word of the
    corpus's pool it does not contain; the new word's character span."""
    pool = sorted({w for t in texts for w in CONTENT.findall(t) if w.islower()})
    out = []
    for t in texts:
        cands = [m for m in CONTENT.finditer(t) if m.start() > 0 and m.group().islower()]
        if not cands:
            continue
        m = rng.choice(cands)
        w = rng.choice(pool)
        if w in t.lower():
            continue
        out.append((t[:m.start()] + w + t[m.end():], (m.start(), m.start() + len(w))))
    return out


def rows(ws: WordStates) -> np.ndarray:
    return ws.states.astype(np.float32).reshape(len(ws.spans), -1)


def inside(ws: WordStates, span: tuple[int, int]) -> np.ndarray:
    return np.array([s < span[1] and e > span[0] for s, e in ws.spans])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0, help="word_swap damage seed (drift_ntrex's)")
    ap.add_argument("--train", type=int, default=4000, help="MLQE-PE train sentences")
    ap.add_argument("--c", type=float, default=0.01, help="inverse L2 strength of the probe")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    enc = cached_encoder(args.model)
    rng = random.Random(args.seed)
    clean = [r["original"] for r in read_mlqe("train")][:args.train]
    swapped = swap_one(clean, rng)
    states = word_states(enc, clean + [t for t, _ in swapped], LAYERS)
    x = np.concatenate([rows(w) for w in states if w.spans])
    y = np.concatenate([np.zeros(len(w.spans)) for w in states[:len(clean)] if w.spans]
                       + [inside(w, sp) for w, (_, sp) in zip(states[len(clean):], swapped,
                                                              strict=True) if w.spans])
    scaler = StandardScaler().fit(x)
    probe = LogisticRegression(C=args.c, max_iter=300, class_weight="balanced")
    probe.fit(scaler.transform(x), y)
    k = LAYERS.index(MATCH_LAYER)

    def half(name: str) -> dict[str, Any]:
        docs = ntrex_docs(name)
        where: dict[tuple[int, int], tuple[int, int]] = {}
        dmg = external_damage(docs, "word_swap", args.seed, where)
        assert dmg is not None, "bench/damage_drift.py is missing"
        hits = [(d, i) for d, (_, hit) in enumerate(dmg) for i in hit]
        pairs = [p for doc in docs for p in doc] + [dmg[d][0][i] for d, i in hits]
        st = dict(zip(sorted({t for p in pairs for t in p}),
                      word_states(enc, sorted({t for p in pairs for t in p}), LAYERS),
                      strict=True))

        def words(pair: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
            t, s = st[pair[1]], st[pair[0]]
            if not t.spans:
                return np.zeros(0), np.zeros(0)
            logit = probe.decision_function(scaler.transform(rows(t)))
            match = best_match(t.states[:, k].astype(np.float32), s.states[:, k].astype(
                np.float32)) if s.spans else np.full(len(t.spans), np.nan)
            return logit, np.nan_to_num(0.5 - match)

        n_clean = len(pairs) - len(hits)
        scored = [words(p) for p in pairs]
        spans = [where[h] for h in hits]
        out: dict[str, Any] = {"clean": n_clean, "word_swap": len(hits)}
        for w in WEIGHTS:
            sent = [float((lg + w * mm).max()) if lg.size else -1e9 for lg, mm in scored]
            top = [bool(inside(st[p[1]], sp)[int(np.argmax(lg + w * mm))])
                   for p, (lg, mm), sp in zip(pairs[n_clean:], scored[n_clean:], spans,
                                              strict=True) if lg.size]
            out[f"weight {w:g}"] = {"auc": round(auc(sent[:n_clean], sent[n_clean:]), 4),
                                    "swapped_word_on_top": round(float(np.mean(top)), 4)}
        match_only = [float(mm.max()) if mm.size else 0.0 for _, mm in scored]
        out["match alone"] = {"auc": round(auc(match_only[:n_clean], match_only[n_clean:]), 4)}
        return out

    even, odd = half("even"), half("odd")
    chosen = max(WEIGHTS, key=lambda w: even[f"weight {w:g}"]["auc"])
    out = {"model": args.model, "seed": args.seed, "layers": list(LAYERS),
           "train_sentences": len(clean), "train_swaps": len(swapped),
           "train_words": len(y), "c": args.c, "weight_chosen_on_even": chosen,
           "odd_at_chosen": odd[f"weight {chosen:g}"], "even": even, "odd": odd}
    write_results("word_incongruity", out)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
