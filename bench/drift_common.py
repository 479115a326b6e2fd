"""Shared helpers for the drift benchmarks and the calibration script.

Data readers (MLQE-PE, NTREX-128), a cached encoder, a fallback synthetic-damage generator
(used until/unless `bench/damage_drift.py` provides `damage(pairs, kind, rng)`), and a helper
that computes drift features for a list of pseudo-documents with one encode call.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
csv.field_size_limit(10**8)

from paths import CACHE_DIR, DATA  # noqa: E402

from qa_pipeline.cache import EmbeddingCache  # noqa: E402
from qa_pipeline.cached_encoder import CachedEncoder  # noqa: E402
from qa_pipeline.embed import Encoder, load_encoder  # noqa: E402

CACHE = CACHE_DIR / "drift.sqlite"
KINDS = ("replace", "clause_drop", "entity_swap", "negation", "number")
# Calibration also sees short mistranslated phrases (a calque, a wrong word): 1-3 words of the
# target replaced by words from another sentence of the same document.
TRAIN_KINDS = (*KINDS, "phrase")
Pair = tuple[str, str]


def cached_encoder(model: str) -> Encoder:
    if model.startswith("hash"):
        return load_encoder(model)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    return CachedEncoder(load_encoder(model), EmbeddingCache(CACHE))


def tagger_suffix(model: str) -> str:
    """The results-file suffix of a word-tagger run: which tagger the model ships
    (``word_tagger.load_word_tagger`` prefers the cross-encoder one)."""
    from qa_pipeline.detect.cross_tagger import CrossTaggerModel
    from qa_pipeline.detect.word_tagger import load_word_tagger

    return "_cross" if isinstance(load_word_tagger(model), CrossTaggerModel) else "_tagger"


def read_mlqe(split: str) -> list[dict[str, str]]:
    path = DATA / "mlqe-pe-et-en" / f"{split}.tsv"
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


NTREX_FILES = {"lt": "lit.txt", "et": "est.txt", "en": "eng.txt"}


# The even documents split once more for a tagger trained on seeded damage
# (`train_cross_tagger.py train --ntrex`): it trains on TAGGER_HALF, and its word-evidence
# stage is fitted on STAGE_HALF, pairs it never saw.
TAGGER_HALF = "even[0::2]"
STAGE_HALF = "even[1::2]"
HALVES = {"even": slice(0, None, 2), "odd": slice(1, None, 2), TAGGER_HALF: slice(0, None, 4),
          STAGE_HALF: slice(2, None, 4)}


def ntrex_docs(half: str = "all", src: str = "lt", tgt: str = "et") -> list[list[Pair]]:
    """NTREX-128 as (src, tgt) pair lists per document (lt, et or en; line-aligned);
    "even"/"odd" take every other one (drift thresholds are set on the even-numbered
    documents, benchmarks use the odd), TAGGER_HALF / STAGE_HALF every other even one."""
    d = DATA / "ntrex128"
    a = (d / NTREX_FILES[src]).read_text(encoding="utf-8").splitlines()
    b = (d / NTREX_FILES[tgt]).read_text(encoding="utf-8").splitlines()
    ids = (d / "document_ids.txt").read_text(encoding="utf-8").splitlines()
    docs = [[(a[i], b[i]) for i in g] for g in group_docs(ids)]
    return docs if half == "all" else docs[HALVES[half]]


def group_docs(ids: Sequence[str]) -> list[list[int]]:
    docs: list[list[int]] = []
    for i, d in enumerate(ids):
        if not docs or ids[docs[-1][-1]] != d:
            docs.append([])
        docs[-1].append(i)
    return docs


# --- fallback damage generator (target side) -------------------------------------------------

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_NUM = re.compile(r"\d+(?:[.,]\d+)?")
_NEG = {  # (negation words to remove, auxiliaries after which one is inserted, word inserted)
    "en": ({"not", "never", "no"}, {"is", "are", "was", "were", "has", "have", "had", "can",
                                    "will", "would", "should", "could", "may", "must", "do",
                                    "does", "did"}, "not"),
    "et": ({"ei", "pole", "mitte", "polnud", "ära"}, {"on", "oli", "olid", "võib", "saab",
                                                      "peab", "tuleb", "oleks"}, "ei"),
    "lt": ({"ne", "nėra", "nebuvo", "niekada"}, {"yra", "buvo", "gali", "turi", "bus"}, "ne"),
}


def _replace(pairs: Sequence[Pair], i: int, rng: random.Random) -> str | None:
    others = [j for j in range(len(pairs)) if pairs[j][1] != pairs[i][1]]
    return pairs[rng.choice(others)][1] if others else None


def _clause_drop(text: str, rng: random.Random) -> str | None:
    words = list(_WORD.finditer(text))
    n = len(words)
    if n < 6:
        return None
    k = rng.randint(max(2, -(-3 * n // 10)), max(2, n // 2))
    start = rng.randint(0, n - k)
    a, b = words[start].start(), words[start + k - 1].end()
    out = (text[:a].rstrip(" ,;") + " " + text[b:].lstrip(" ,;")).strip()
    return out[:1].upper() + out[1:] if start == 0 else out


def _entity_swap(text: str, pool: Sequence[str], rng: random.Random) -> str | None:
    words = list(_WORD.finditer(text))
    cands = [w for w in words[1:] if w.group()[:1].isupper() and len(w.group()) > 2]
    if not cands or not pool:
        return None
    w = rng.choice(cands)
    new = rng.choice([p for p in pool if p != w.group()] or [w.group()])
    if new == w.group():
        return None
    return text[:w.start()] + new + text[w.end():]


def _negation(text: str, lang: str, rng: random.Random) -> str | None:
    neg, aux, ins = _NEG.get(lang, _NEG["en"])
    words = list(_WORD.finditer(text))
    present = [w for w in words if w.group().lower() in neg]
    if present:
        w = rng.choice(present)
        return re.sub(r"\s+", " ", text[:w.start()] + text[w.end():]).strip()
    at = [w for w in words if w.group().lower() in aux]
    if lang == "lt":
        verbs = at or [w for w in words[1:] if w.group().lower().endswith(("o", "ė", "ia", "ja"))]
        if not verbs:
            return None
        w = rng.choice(verbs)
        return text[:w.start()] + "ne" + w.group().lower() + text[w.end():]
    if at:
        w = rng.choice(at)
        return text[:w.end()] + f" {ins}" + text[w.end():] if lang == "en" else \
            text[:w.start()] + f"{ins} " + text[w.start():]
    if len(words) < 3:
        return None
    w = words[1]
    return text[:w.start()] + f"{ins} " + text[w.start():]


def _number(text: str, rng: random.Random) -> str | None:
    nums = list(_NUM.finditer(text))
    if not nums:
        return None
    m = rng.choice(nums)
    digits = m.group()
    for _ in range(10):
        new = "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in digits)
        if new != digits and not new.startswith("0"):
            return text[:m.start()] + new + text[m.end():]
    return None


def local_damage(pairs: Sequence[Pair], i: int, kind: str, lang: str,
                 rng: random.Random, pool: Sequence[str]) -> str | None:
    """Damaged target of pair i, or None when the kind does not apply to it."""
    t = pairs[i][1]
    if kind == "replace":
        return _replace(pairs, i, rng)
    if kind == "clause_drop":
        return _clause_drop(t, rng)
    if kind == "entity_swap":
        return _entity_swap(t, pool, rng)
    if kind == "negation":
        return _negation(t, lang, rng)
    if kind == "number":
        return _number(t, rng)
    if kind == "phrase":
        return _phrase(pairs, i, rng)
    raise ValueError(kind)


def _phrase(pairs: Sequence[Pair], i: int, rng: random.Random) -> str | None:
    words = list(_WORD.finditer(pairs[i][1]))
    donors = [j for j in range(len(pairs)) if j != i and len(_WORD.findall(pairs[j][1])) >= 4]
    if len(words) < 6 or not donors:
        return None
    k = rng.randint(1, 3)
    start = rng.randint(1, len(words) - k)
    dw = _WORD.findall(pairs[rng.choice(donors)][1])
    d0 = rng.randint(0, len(dw) - k)
    new = " ".join(dw[d0:d0 + k]).lower()
    text = pairs[i][1]
    a, b = words[start].start(), words[start + k - 1].end()
    return text[:a] + new + text[b:]


def entity_pool(texts: Sequence[str]) -> list[str]:
    pool: set[str] = set()
    for t in texts:
        for w in list(_WORD.finditer(t))[1:]:
            if w.group()[:1].isupper() and len(w.group()) > 2:
                pool.add(w.group())
    return sorted(pool)


def damage_docs(docs: Sequence[Sequence[Pair]], kind: str, lang: str, rate: float,
                seed: int) -> list[tuple[list[Pair], list[int]]]:
    """Each document with about `rate` of its pairs damaged; returns (pairs, damaged idx)."""
    rng = random.Random(f"{seed}-{kind}")
    pool = entity_pool([t for d in docs for _, t in d])
    out = []
    for doc in docs:
        pairs = list(doc)
        hit: list[int] = []
        for i in range(len(pairs)):
            if rng.random() >= rate:
                continue
            new = local_damage(doc, i, kind, lang, rng, pool)
            if new is not None and new != pairs[i][1]:
                pairs[i] = (pairs[i][0], new)
                hit.append(i)
        out.append((pairs, hit))
    return out


def pairs_context(pairs: Sequence[Pair], src_lang: str, tgt_lang: str, encoder: Encoder,
                  vectors: dict[str, np.ndarray] | None = None) -> Any:
    """The pipeline's PairContext for `pairs` as 1-1 beads (vectors taken from `vectors`
    where given, else encoded; every check run once)."""
    from qa_pipeline.detect.context import build_context

    src, tgt, beads = pairs_document(pairs, src_lang, tgt_lang)
    return build_context(src, tgt, beads, vectors or {}, encoder)  # type: ignore[arg-type]


def doc_features(docs: Sequence[Sequence[Pair]], encoder: Encoder, calib: object,
                 src_lang: str, tgt_lang: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """FEATURES_ALL rows for every pair of every doc (one encode call); also per-doc vecs."""
    from qa_pipeline.detect.drift import FEATURES_ALL, bead_features

    texts = [s for d in docs for s, _ in d] + [t for d in docs for _, t in d]
    vecs = encoder.encode(texts)
    table = dict(zip(texts, vecs, strict=True))
    rows = []
    per_doc = []
    for d in docs:
        ctx = pairs_context(d, src_lang, tgt_lang, encoder, table)
        rows.append(bead_features(ctx, calib, encoder=encoder))  # type: ignore[arg-type]
        per_doc.append(np.stack([ctx.source_vecs, ctx.target_vecs]))
    return np.concatenate(rows) if rows else np.zeros((0, len(FEATURES_ALL))), per_doc


def pairs_document(pairs: Sequence[Pair], src_lang: str, tgt_lang: str) -> tuple[object, object,
                                                                                   list[object]]:
    """Source and target Documents (one sentence per paragraph) and 1-1 beads for `pairs`."""
    from qa_pipeline.segment import build_document
    from qa_pipeline.types import Bead

    src = build_document("src", src_lang, [[s] for s, _ in pairs])
    tgt = build_document("tgt", tgt_lang, [[t] for _, t in pairs])
    beads = [Bead((i,), (i,)) for i in range(len(pairs))]
    return src, tgt, beads


def auc(neg: Sequence[float], pos: Sequence[float]) -> float:
    from sklearn.metrics import roc_auc_score

    lab = [0] * len(neg) + [1] * len(pos)
    return float(roc_auc_score(lab, list(neg) + list(pos)))
