"""Occlusion gains from a pass resumed part-way (#12 drift stage cost; tried, not shipped).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/occlusion_resume.py [--pairs 100]

Occlusion re-encodes each shortened side: a whole forward pass per deletion, most of the drift
stage's cost. "pooled" occlusion (leave the deleted tokens out of the last layer's mean) costs
nothing but is weak evidence. In between: take the side's token states after layer k of its
one pass, drop the deleted words' tokens, and run only layers k+1..12 on the rest (the
tokens keep their positions), then mean-pool as the model does: (12 − k)/12 of a pass per
deletion. k = 12 is "pooled", k = 0 re-runs every layer on the original tokenisation.

For NTREX lt–et pairs (even documents, a seeded sample), every coarse window of each side
(`spans._coarse_windows`, the candidates occlusion starts from) is scored both ways, against
re-encoding the shortened text (`spans.delete_words`, the gains the span stage was fitted on):

* the windows' ranking within a side (Spearman; top-1: the same best window);
* across sides, the best gain (what the span stage reads): Pearson, Spearman, median ratio.

Writes bench/results/occlusion_resume.json.
"""

from __future__ import annotations

import argparse
import json
import random
from typing import Any

import numpy as np
from drift_common import ntrex_docs
from paths import RESULTS
from scipy.stats import pearsonr, spearmanr

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.spans import _coarse_windows, delete_words
from qa_pipeline.embed import load_encoder
from qa_pipeline.text import word_spans

LAYERS = (0, 2, 4, 6, 8, 10, 12)


def resumed_vectors(lean: Any, prompt: str, text: str,
                    deletions: list[tuple[int, int]]) -> dict[int, np.ndarray]:
    """Per resume layer k: unit vectors of `text` (encoded after the model's `prompt`) with
    each deletion's tokens (characters of `text`) dropped after layer k."""
    import torch

    shift = len(prompt)
    feats = lean.tokenize([prompt + text])
    with torch.inference_mode():
        _, hidden = lean.forward(feats["input_ids"], feats["attention_mask"], keep_states=True)
    n = int(feats["attention_mask"][0].sum())
    off = feats["offsets"][0, :n] - shift
    keep = [~((off[:, 1] > a) & (off[:, 1] <= b) & (off[:, 0] >= a - 1) & (off[:, 1] > 0))
            for a, b in deletions]
    width = max(int(k.sum()) for k in keep)
    out = {}
    for layer in LAYERS:
        states = hidden[layer][0, :n]
        x = torch.zeros((len(keep), width, states.shape[1]))
        mask = torch.zeros((len(keep), width), dtype=torch.long)
        for r, k in enumerate(keep):
            rows = states[torch.from_numpy(k)]
            x[r, :len(rows)], mask[r, :len(rows)] = rows, 1
        with torch.inference_mode():
            y, _ = lean.layers(x, mask, layer, lean.config.layers)
            m = mask.unsqueeze(-1).float()
            v = torch.nn.functional.normalize((y * m).sum(1) / m.sum(1), dim=1)
        out[layer] = v.numpy()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--pairs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    enc = load_encoder(args.model)
    enc.encode(["warm up"])
    lean, prompt = enc.load(), enc.prompt  # type: ignore[attr-defined]

    def vecs(texts: list[str]) -> np.ndarray:
        return np.asarray(lean.embed([prompt + t for t in texts]))

    pairs = [p for doc in ntrex_docs("even") for p in doc]
    random.Random(args.seed).shuffle(pairs)
    within: dict[int, list[float]] = {k: [] for k in LAYERS}
    top: dict[int, int] = dict.fromkeys(LAYERS, 0)
    best: dict[int, list[float]] = {k: [] for k in LAYERS}
    best_encoded: list[float] = []
    for s, t in pairs[:args.pairs]:
        sv, tv = vecs([s, t])
        for text, other in ((s, tv), (t, sv)):
            words = word_spans(text)
            windows = _coarse_windows(len(words))
            if len(windows) < 3:
                continue
            base = float(vecs([text])[0] @ other)
            encoded = vecs([delete_words(text, words, lo, hi) for lo, hi in windows]) @ other
            encoded -= base
            best_encoded.append(float(encoded.max()))
            chars = [(words[lo][0], words[hi - 1][1]) for lo, hi in windows]
            for k, v in resumed_vectors(lean, prompt, text, chars).items():
                gains = v @ other - base
                within[k].append(float(spearmanr(gains, encoded)[0]))
                top[k] += int(np.argmax(gains) == np.argmax(encoded))
                best[k].append(float(gains.max()))
    sides = len(best_encoded)
    ref = np.array(best_encoded)
    rows = []
    for k in LAYERS:
        b = np.array(best[k])
        rows.append({"resume_after_layer": k, "cost_of_a_pass": round((12 - k) / 12, 3),
                     "within_side_spearman_median": round(float(np.nanmedian(within[k])), 3),
                     "same_best_window": round(top[k] / sides, 3),
                     "best_gain_pearson": round(float(pearsonr(b, ref)[0]), 3),
                     "best_gain_spearman": round(float(spearmanr(b, ref)[0]), 3),
                     "best_gain_median_ratio": round(float(np.median(b) / np.median(ref)), 3)})
    out = {"model": args.model, "pairs": args.pairs, "sides": sides, "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "occlusion_resume.json").write_text(json.dumps(out, indent=1) + "\n",
                                                   encoding="utf-8")
    print("| resume after layer | cost of a pass | within-side Spearman | same best window | "
          "best gain Pearson / Spearman | median ratio |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['resume_after_layer']} | {r['cost_of_a_pass']} | "
              f"{r['within_side_spearman_median']} | {r['same_best_window']} | "
              f"{r['best_gain_pearson']} / {r['best_gain_spearman']} | "
              f"{r['best_gain_median_ratio']} |")


if __name__ == "__main__":
    main()
