"""Occlusion gains from the top layers only (#12 "Drift stage cost"; analysis, nothing shipped).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/occlusion_layers.py [--pairs 120]

The drift stage's occlusion re-encodes a sentence with a word window deleted (a whole encoder
pass per window) and keeps the window whose deletion raises the bead's similarity most.
"pooled" leaves the window's tokens out of the mean of the sentence's own last-layer states
(no pass: the shortlist ranker). In between: take the sentence's states at layer L, drop the
window's tokens, and run only layers L..12 (a fraction (12 - L) / 12 of a pass, from states
the aligner could keep). For each target sentence of the first odd NTREX documents (clean
pairs, plus the first 40 with a `replace` damage) and each of its coarse windows, the gain of
each method against the re-encoded one: Spearman over a sentence's windows, how often the
best window is the re-encoded best, and the seconds of each method (one window at a time, so
the ratios, not the seconds, carry). Writes bench/results/occlusion_layers.json.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from drift_common import ntrex_docs
from drift_ntrex import external_damage
from paths import RESULTS
from scipy.stats import spearmanr

from qa_pipeline.detect.spans import _coarse_windows, delete_words
from qa_pipeline.embed import load_encoder
from qa_pipeline.text import word_spans

LAYERS = (4, 6, 8, 10, 12)  # 12: "pooled", no layer re-run


def main() -> None:
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=120, help="clean pairs (then 40 damaged)")
    args = ap.parse_args()
    enc = load_encoder("multilingual-e5-small", precision="fp32")
    lean, prompt = enc.load(), enc.prompt  # type: ignore[attr-defined]
    docs = ntrex_docs("odd")[:12]
    damaged = external_damage(docs, "replace", 1) or []
    pairs = [p for d in docs for p in d][:args.pairs] + \
        [d[i] for d, hit in damaged for i in hit][:40]
    rho: dict[int, list[float]] = {k: [] for k in LAYERS}
    top = dict.fromkeys(LAYERS, 0)
    secs = dict.fromkeys((0, *LAYERS), 0.0)  # 0: re-encoding
    n_sent = 0
    with torch.inference_mode():
        for src, tgt in pairs:
            words = word_spans(tgt)
            wins = _coarse_windows(len(words))
            if len(wins) < 3:
                continue
            n_sent += 1
            other = lean.embed([prompt + src])[0]
            feats = lean.tokenize([prompt + tgt])
            mask = feats["attention_mask"]
            _, hidden = lean.forward(feats["input_ids"], mask, keep_states=True)
            n = int(mask.sum())
            off = feats["offsets"][0, :n]
            base = float(lean.embed([prompt + tgt])[0] @ other)
            t0 = time.perf_counter()
            ref = np.array([float(lean.embed([prompt + delete_words(tgt, words, lo, hi)])[0]
                                  @ other) - base for lo, hi in wins])
            secs[0] += time.perf_counter() - t0
            for layer in LAYERS:
                t0 = time.perf_counter()
                gains = []
                for lo, hi in wins:
                    a, b = words[lo][0] + len(prompt), words[hi - 1][1] + len(prompt)
                    keep = [i for i in range(n)
                            if not (off[i][1] > off[i][0] and off[i][1] > a and off[i][0] < b)]
                    x = hidden[layer][0, keep][None]
                    if layer < 12:
                        x, _ = lean.layers(x, torch.ones(1, len(keep), dtype=torch.long),
                                           layer, 12)
                    v = x[0].mean(0).float().numpy()
                    gains.append(float(v @ other) / float(np.linalg.norm(v)) - base)
                secs[layer] += time.perf_counter() - t0
                rho[layer].append(float(spearmanr(ref, gains).statistic))
                top[layer] += int(np.argmax(gains) == np.argmax(ref))
    out = {"sentences": n_sent, "reencode_seconds": round(secs[0], 1), "methods": {
        ("pooled" if k == 12 else f"layers {k}-12"): {
            "median_spearman": round(float(np.nanmedian(rho[k])), 3),
            "same_top_window": round(top[k] / max(n_sent, 1), 3),
            "seconds": round(secs[k], 1), "cost_vs_reencode": round(secs[k] / secs[0], 3)}
        for k in LAYERS}}
    print(f"{n_sent} target sentences with 3+ coarse windows")
    print("| method | median Spearman vs re-encoding | same best window | cost vs re-encoding |")
    print("|---|---|---|---|")
    for name, m in out["methods"].items():  # type: ignore[attr-defined]
        print(f"| {name} | {m['median_spearman']} | {m['same_top_window']:.0%} | "
              f"{m['cost_vs_reencode']:.2f} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "occlusion_layers.json").write_text(json.dumps(out, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
