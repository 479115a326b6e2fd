"""Shared helpers for the alignment benchmarks: a disk-cached encoder, overlap texts, scoring.

The scoring follows the strict/lax definition of vecalign's `score.py` (Sennrich & Volk 2011):
precision counts every predicted bead (1-0/0-1 included) against the gold beads; recall counts
every gold bead that is not a deletion against the predicted beads that are not deletions; a
lax hit needs overlap on both sides.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paths import CACHE_DIR  # noqa: E402

from qa_pipeline.align import overlap_texts  # noqa: E402
from qa_pipeline.io.beads import BeadPair  # noqa: E402

CACHE = CACHE_DIR / "align.sqlite"


@lru_cache(maxsize=4)
def bench_encoder(model: str) -> Any:
    """`model` through the lead's sqlite cache, one per model (built, not loaded: the model
    loads on the first text or word state the caches lack), shared by `make_embed` and
    `make_match` so a run loads it at most once."""
    from qa_pipeline.cache import EmbeddingCache
    from qa_pipeline.cached_encoder import CachedEncoder
    from qa_pipeline.embed import load_encoder

    return CachedEncoder(load_encoder(model), EmbeddingCache(CACHE))


def make_embed(model: str, chunk: int = 128,
               verbose: bool = True) -> Callable[[Sequence[str]], np.ndarray]:
    """An EmbedFn through the lead's sqlite cache, encoding in chunks so a killed run keeps work.

    A pickle of text -> vector per model sits in front of it, so a run whose texts are all
    cached never loads the model (tuning runs take seconds).
    """
    import pickle

    store_path = CACHE_DIR / f"align_vecs_{Path(model).name}.pkl"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    store: dict[str, np.ndarray] = {}
    if store_path.exists():
        store = pickle.loads(store_path.read_bytes())

    def embed(texts: Sequence[str]) -> np.ndarray:
        uniq = [t for t in dict.fromkeys(texts) if t not in store]
        if uniq:
            store.update(_encode(bench_encoder(model), uniq, chunk, verbose))
            store_path.write_bytes(pickle.dumps(store))
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([store[t] for t in texts]).astype(np.float32)

    return embed


def make_match(model: str, params: Any) -> Any:
    """The rider split's word evidence (`qa_pipeline.rider_match`) over `model`, its answers
    cached in the lead's sqlite cache (the model loads only for an answer not there); None
    when `params.riders` is off."""
    from qa_pipeline.rider_match import rider_match

    if not params.riders.enabled:
        return None
    return rider_match(bench_encoder(model), params.riders.layer)


def _encode(enc: object, uniq: list[str], chunk: int, verbose: bool) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    t0 = time.time()
    for s in range(0, len(uniq), chunk):
        part = uniq[s:s + chunk]
        for t, v in zip(part, enc.encode(part), strict=True):  # type: ignore[attr-defined]
            out[t] = v
        if verbose:
            print(f"  embedded {min(s + chunk, len(uniq))}/{len(uniq)} "
                  f"({time.time() - t0:.0f}s)", file=sys.stderr)
    return out


def _precision(gold: Sequence[BeadPair], test: Sequence[BeadPair]) -> np.ndarray:
    gold_set = {(tuple(a), tuple(b)) for a, b in gold if a or b}
    test_set = {(tuple(a), tuple(b)) for a, b in test if a or b}
    src_to_tgt: dict[int, set[int]] = defaultdict(set)
    for gs, gt in gold_set:
        for s in gs:
            src_to_tgt[s].update(gt)
    tp_s = fp_s = tp_l = fp_l = 0
    for ts, tt in test_set:
        if (ts, tt) in gold_set:
            tp_s += 1
            tp_l += 1
            continue
        fp_s += 1
        reach: set[int] = set()
        for s in ts:
            reach |= src_to_tgt[s]
        if reach & set(tt):
            tp_l += 1
        else:
            fp_l += 1
    return np.array([tp_s, fp_s, tp_l, fp_l])


def score(golds: Sequence[Sequence[BeadPair]],
          tests: Sequence[Sequence[BeadPair]]) -> dict[str, float]:
    p = np.zeros(4, dtype=np.int64)
    r = np.zeros(4, dtype=np.int64)
    for gold, test in zip(golds, tests, strict=True):
        p += _precision(gold, test)
        r += _precision([b for b in test if b[0] and b[1]], [b for b in gold if b[0] and b[1]])

    def ratio(a: int, b: int) -> float:
        return a / (a + b) if a + b else 0.0

    def f1(x: float, y: float) -> float:
        return 2 * x * y / (x + y) if x + y else 0.0

    ps, pl = ratio(int(p[0]), int(p[1])), ratio(int(p[2]), int(p[3]))
    rs, rl = ratio(int(r[0]), int(r[1])), ratio(int(r[2]), int(r[3]))
    return {"precision_strict": ps, "recall_strict": rs, "f1_strict": f1(ps, rs),
            "precision_lax": pl, "recall_lax": rl, "f1_lax": f1(pl, rl)}


def deletion_scores(golds: Sequence[Sequence[BeadPair]],
                    tests: Sequence[Sequence[BeadPair]]) -> dict[str, float]:
    """Recall of the gold 1-0 / 0-1 beads (each found as its own bead, not inside a merge) and
    the precision of the predicted ones."""
    gold_n = test_n = hit = 0
    for gold, test in zip(golds, tests, strict=True):
        g = {(tuple(a), tuple(b)) for a, b in gold if bool(a) != bool(b)}
        t = {(tuple(a), tuple(b)) for a, b in test if bool(a) != bool(b)}
        gold_n += len(g)
        test_n += len(t)
        hit += len(g & t)
    return {"deletion_recall": hit / gold_n if gold_n else 0.0,
            "deletion_precision": hit / test_n if test_n else 0.0,
            "deletions_gold": gold_n, "deletions_predicted": test_n}


class CountingEmbed:
    """An EmbedFn that records every text the aligner asks it for (one call's texts are
    distinct), so a benchmark can report texts and tokens encoded per method."""

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray]) -> None:
        self.embed = embed
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.embed(texts)


def count_tokens(texts: Sequence[str], model: str) -> int:
    """Tokens the model's encoder reads for `texts`: its prompt included, truncated at its
    maximum sequence length, as sentence-transformers encodes them (special tokens counted)."""
    from transformers import AutoTokenizer

    from qa_pipeline.embed import load_encoder

    enc = load_encoder(model)
    source = getattr(enc, "source", None)
    if source is None:
        return sum(len(t.split()) for t in texts)  # the hash encoder: words
    tok = AutoTokenizer.from_pretrained(str(source), local_files_only=True)
    cfg = json.loads((Path(source) / "sentence_bert_config.json").read_text())
    limit = int(cfg.get("max_seq_length", 512))
    prompt = enc.prompt
    total = 0
    for s in range(0, len(texts), 1024):
        ids = tok([prompt + t for t in texts[s:s + 1024]], truncation=True,
                  max_length=limit)["input_ids"]
        total += sum(len(x) for x in ids)
    return total


def write_results(name: str, data: object) -> Path:
    """Write a benchmark's results to bench/results/<name>.json and return the path."""
    out = ROOT / "bench" / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"results written to {out.relative_to(ROOT)}", file=sys.stderr)
    return out


def result_name(base: str, model: str, overrides: Sequence[str] = ()) -> str:
    """`base` for the project's default model and default parameters, else a suffixed name, so
    that tuning runs and second models never overwrite the headline results."""
    from qa_pipeline.config import DEFAULT_MODEL

    name = base if model == DEFAULT_MODEL else f"{base}_{Path(model).name}"
    return name + ("_tuning" if overrides else "")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table; floats are printed with three decimals."""
    def cell(x: object) -> str:
        return f"{x:.3f}" if isinstance(x, float) else str(x)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(x) for x in r) + " |" for r in rows]
    return "\n".join(lines)


def precompute(texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray],
               max_overlap: int) -> None:
    embed(overlap_texts(texts, max_overlap))
