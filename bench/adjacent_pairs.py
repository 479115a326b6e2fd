"""Can a trained pair classifier tell a translation from its neighbour's translation? (#12
"deleted sentences must come out as 1-0 / 0-1 beads"; analysis, nothing shipped)

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/adjacent_pairs.py

Most gold 1-0 / 0-1 beads the aligner still misses are *crossing* deletions: one sentence
deleted on each side at the same place, which the program pairs as a 1-1 bead of two
neighbouring sentences' texts (BENCHMARKS "Session 24: riders"). No single feature separated
them from translations. This script asks whether a classifier trained on such pairs does:
positives are NTREX-128 lt-et translations (lt_i, et_i), negatives the neighbours' pairs
(lt_i, et_i+1) and (lt_i+1, et_i) of the same document. Features: the e5 cosine of the two
sentences and their length ratio, and from the shipped cross tagger's joint pass
(`detect/cross_tagger.py`) its mean last-layer state, sentence score and word P(BAD) pools.
Logistic models are fitted on the even documents and scored on the odd ones.

What a splitting rule would need is a cut that takes almost no translation: the table gives,
for a cut just under the k-th least translation-like translation of the odd documents, the
share of neighbour pairs under it. Writes bench/results/adjacent_pairs.json.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from align_common import md_table, write_results
from drift_common import cached_encoder, ntrex_docs

from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect.cross_tagger import (
    BATCH_SIZE,
    PAD_SLACK,
    Runner,
    lean_for,
    load_cross,
    pair_tokens,
)
from qa_pipeline.embed import snug_batches

Labelled = list[tuple[str, str, int]]


def neighbour_pairs(docs: list[list[tuple[str, str]]]) -> Labelled:
    """Each document's translations (1) and its neighbours' crossed pairs (0)."""
    out: Labelled = []
    for d in docs:
        for i, (s, t) in enumerate(d):
            out.append((s, t, 1))
            if i + 1 < len(d):
                out += [(s, d[i + 1][1], 0), (d[i + 1][0], t, 0)]
    return out


def joint_features(runner: Runner, lean: Any, pairs: Labelled) -> np.ndarray:
    """Per pair: the joint pass's mean last-layer state, sentence score and the word P(BAD)
    pools of each side (mean, max)."""
    import torch

    toks = [pair_tokens(lean, s, t) for s, t, _ in pairs]
    rows: list[np.ndarray] = [np.zeros(0)] * len(pairs)
    for idx in snug_batches([len(t.ids) for t in toks], BATCH_SIZE, PAD_SLACK):
        batch = [toks[i] for i in idx]
        n_src = [len(t.source_spans) for t in batch]
        with torch.inference_mode():
            h, mask, wl, sl = runner.forward(batch)
            m = mask.to(h.dtype)[..., None]
            mean = ((h * m).sum(1) / m.sum(1)).float().numpy()
            prob = torch.sigmoid(wl.float()).numpy()
            sent = torch.sigmoid(sl.float()).numpy()
        for r, i in enumerate(idx):
            ns, nw = n_src[r], n_src[r] + len(batch[r].target_spans)
            ps, pt = prob[r, :ns], prob[r, ns:nw]
            pools = [x.mean() if x.size else 0.0 for x in (ps, pt)] + \
                [x.max() if x.size else 0.0 for x in (ps, pt)]
            rows[i] = np.concatenate([mean[r], [sent[r], *pools]])
    return np.stack(rows)


def features(enc: Any, runner: Runner, lean: Any, pairs: Labelled) -> dict[str, np.ndarray]:
    vs = enc.encode([s for s, _, _ in pairs])
    vt = enc.encode([t for _, t, _ in pairs])
    ratio = np.array([abs(np.log((len(t) + 1) / (len(s) + 1))) for s, t, _ in pairs])
    joint = joint_features(runner, lean, pairs)
    cos = np.sum(vs * vt, axis=1)
    return {"cosine": cos[:, None], "cosine + length": np.column_stack([cos, ratio]),
            "cross tagger scores": joint[:, -5:],
            "all (joint state too)": np.column_stack([joint, cos, ratio])}


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    t0 = time.time()
    enc = cached_encoder(DEFAULT_MODEL)
    enc.encode(["warm up"])
    lean = lean_for(enc)
    model = load_cross(DEFAULT_MODEL)
    assert model is not None
    runner = Runner(model, lean)
    even, odd = neighbour_pairs(ntrex_docs("even")), neighbour_pairs(ntrex_docs("odd"))
    fe, fo = features(enc, runner, lean, even), features(enc, runner, lean, odd)
    ye, yo = np.array([y for *_, y in even]), np.array([y for *_, y in odd])
    ks = (1, 2, 5, 10)
    rows: list[dict[str, Any]] = []
    for name in fe:
        scale = StandardScaler().fit(fe[name])
        fit = LogisticRegression(C=0.1, max_iter=2000).fit(scale.transform(fe[name]), ye)
        p = fit.predict_proba(scale.transform(fo[name]))[:, 1]  # P(translation)
        lowest = np.sort(p[yo == 1])
        rows.append({"features": name, "auc": round(float(roc_auc_score(yo, p)), 4),
                     **{f"neighbours_under_{k}": round(float(np.mean(p[yo == 0] < lowest[k - 1])),
                                                       3) for k in ks}})
    cols = ["features", "auc", *(f"neighbours_under_{k}" for k in ks)]
    print(md_table(cols, [[r[c] for c in cols] for r in rows]))
    print(f"odd documents: {int(yo.sum())} translations, {int((yo == 0).sum())} neighbour "
          f"pairs; {time.time() - t0:.0f} s")
    write_results("adjacent_pairs", {"model": DEFAULT_MODEL, "cross_tagger": model.model_id,
                                     "translations_odd": int(yo.sum()),
                                     "neighbours_odd": int((yo == 0).sum()), "rows": rows})


if __name__ == "__main__":
    main()
