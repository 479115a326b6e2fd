"""Context-free word vectors as word-level evidence for `word_swap` damage (#13; tried, not
shipped).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/word_match.py [--half even]

The question: does the encoder know, word by word, which Lithuanian word an Estonian word
translates? If so, a content word replaced by an unrelated one (`damage_drift.py`'s
`word_swap`, as `drift_ntrex.py` seeds it) would be the one word of its sentence without a
counterpart, and the lexical evidence the sentence vector lacks (word_swap AUC 0.54) would be
there. Every word of both sides is embedded on its own (each distinct word once), and each
target word of 5+ letters gets its best cosine with any source word: raw, and with the
CSLS hub-ness correction (2·cos − each word's mean cosine with its 10 nearest words of the
other language). A bead's score is its worst-matched target word (and, for "both sides", plus
its worst-matched source word). Reported: the AUC of damaged beads against all clean beads,
and how often the swapped word is its sentence's worst-matched word. Writes
bench/results/word_match.json.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence

import numpy as np
from drift_common import auc, cached_encoder, ntrex_docs
from drift_ntrex import external_damage
from paths import RESULTS

from qa_pipeline.config import DEFAULT_MODEL

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MIN_LETTERS = 5  # the generator swaps words of 5+ letters
HUB_K = 10


def words(text: str) -> list[str]:
    return [m.group().lower() for m in _WORD.finditer(text)]


def hubness(a: np.ndarray, b: np.ndarray, k: int = HUB_K) -> np.ndarray:
    """Each row of `a`: its mean cosine with its `k` nearest rows of `b`."""
    out = np.empty(len(a))
    for start in range(0, len(a), 2048):
        sims = a[start:start + 2048] @ b.T
        out[start:start + 2048] = np.sort(sims, axis=1)[:, -k:].mean(1)
    return out


class WordVectors:
    def __init__(self, model: str, beads: Sequence[tuple[str, str]]) -> None:
        src = sorted({w for s, _ in beads for w in words(s)})
        tgt = sorted({w for _, t in beads for w in words(t)})
        vocab = sorted(set(src) | set(tgt))
        vecs = np.asarray(cached_encoder(model).encode(vocab), dtype=np.float32)
        self.row = {w: i for i, w in enumerate(vocab)}
        self.vecs = vecs
        s_vecs, t_vecs = vecs[[self.row[w] for w in src]], vecs[[self.row[w] for w in tgt]]
        self.hub = ({w: float(h) for w, h in zip(src, hubness(s_vecs, t_vecs), strict=True)},
                    {w: float(h) for w, h in zip(tgt, hubness(t_vecs, s_vecs), strict=True)})

    def best(self, a: list[str], b: list[str], side: int) -> tuple[np.ndarray, np.ndarray]:
        """Each word of `a` (side 0 source, 1 target): its best raw and CSLS match in `b`."""
        if not a or not b:
            return np.zeros(0), np.zeros(0)
        sims = self.vecs[[self.row[w] for w in a]] @ self.vecs[[self.row[w] for w in b]].T
        ha = np.array([self.hub[side][w] for w in a])
        hb = np.array([self.hub[1 - side][w] for w in b])
        return sims.max(1), (2 * sims - ha[:, None] - hb[None, :]).max(1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--half", choices=("odd", "even"), default="odd")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    docs = ntrex_docs(args.half)
    where: dict[tuple[int, int], tuple[int, int]] = {}
    damaged = external_damage(docs, "word_swap", args.seed, where)
    assert damaged is not None
    clean = [p for doc in docs for p in doc]
    swapped = [(pairs[i], pairs[i][1][slice(*where[(d, i)])].lower())
               for d, (pairs, hit) in enumerate(damaged) for i in hit]
    wv = WordVectors(args.model, clean + [p for p, _ in swapped])

    def scores(pair: tuple[str, str]
               ) -> tuple[dict[str, float], list[str], dict[str, np.ndarray]]:
        s, t = words(pair[0]), words(pair[1])
        long_t = [w for w in t if len(w) >= MIN_LETTERS]
        long_s = [w for w in s if len(w) >= MIN_LETTERS]
        raw_t, csls_t = wv.best(long_t, s, 1)
        raw_s, csls_s = wv.best(long_s, t, 0)

        def worst(x: np.ndarray) -> float:
            return float(-x.min()) if x.size else 0.0

        return ({"raw target": worst(raw_t), "csls target": worst(csls_t),
                 "raw both sides": worst(raw_t) + worst(raw_s),
                 "csls both sides": worst(csls_t) + worst(csls_s)}, long_t,
                {"raw": raw_t, "csls": csls_t})

    neg = [scores(p)[0] for p in clean]
    pos, found = [], {"raw": 0, "csls": 0}
    for pair, new in swapped:
        sc, long_t, target = scores(pair)
        pos.append(sc)
        if long_t:
            for k, best in target.items():
                found[k] += long_t[int(np.argmin(best))] == new
    out = {"model": args.model, "half": args.half, "seed": args.seed, "clean": len(neg),
           "word_swap": len(pos), "distinct_words": len(wv.row),
           "auc": {k: round(auc([n[k] for n in neg], [p[k] for p in pos]), 4) for k in neg[0]},
           "swapped_word_is_worst_matched": {k: round(v / len(pos), 4)
                                             for k, v in found.items()}}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"word_match_{args.half}.json").write_text(json.dumps(out, indent=1) + "\n",
                                                         encoding="utf-8")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
