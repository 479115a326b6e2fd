"""NTREX-128 lt->et: synthetic-damage AUC per kind, clean false-alarm rate, and timing.

Each NTREX document is one document pair (lt source, et target, 1-1 beads). Per damage kind,
about 25 % of each document's pairs get their Estonian side damaged (by
`bench/damage_drift.damage` when present, else the fallback generator in drift_common), and
the whole document is re-scored. AUC: damaged pairs' drift against all pairs of the clean run.
Timing: a fresh cache; embedding time = encoding every bead text once; drift time = the
`score_drift` calls that follow (features + span attribution; bead texts are then cached).

A pair counts as flagged at major+ when its drift severity or any mechanical check finding
on it (numbers, entities, negation, ..., as the pipeline runs them) is major or critical;
`clean_any_severity` counts a finding of any severity (document-relative minor and every
check included), with its parts (`clean_any_*`).

    .venv/bin/python bench/drift_ntrex.py           # default model; results/drift_ntrex.json
    .venv/bin/python bench/drift_ntrex.py --no-timing   # shared bench cache, no timing run
    .venv/bin/python bench/drift_ntrex.py --set span_budget_floor=60   # a DriftParams override
                                                   # (results file suffixed with the overrides)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from drift_common import (
    KINDS,
    auc,
    damage_docs,
    ntrex_docs,
    pairs_context,
    tagger_suffix,
)
from overrides import suffix, with_overrides
from paths import RESULTS

from qa_pipeline.cache import EmbeddingCache
from qa_pipeline.cached_encoder import CachedEncoder
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.detect import drift as drift_module
from qa_pipeline.detect.drift import score_drift
from qa_pipeline.detect.findings import check_findings, severity_for
from qa_pipeline.detect.params import DriftParams
from qa_pipeline.detect.word_tagger import keep_tagger_states
from qa_pipeline.embed import Encoder, load_encoder

RATE = 0.25
Pair = tuple[str, str]


def external_damage(docs: list[list[Pair]], kind: str, seed: int,
                    spans: dict[tuple[int, int], tuple[int, int]] | None = None,
                    ) -> list[tuple[list[Pair], list[int]]] | None:
    """About RATE of each document's pairs damaged by bench/damage_drift.py (None if absent)."""
    try:
        from damage_drift import damage
    except ImportError:
        return None
    rng = random.Random(f"{seed}-{kind}")
    # One call over the corpus with document ids: replacements stay inside their document,
    # swapped names come from other documents.
    flat = [(s, t, str(k)) for k, doc in enumerate(docs) for s, t in doc]
    starts = np.cumsum([0] + [len(d) for d in docs])
    out = [(list(doc), []) for doc in docs]
    for d in damage(flat, kind, rng, tgt_lang="et"):
        if rng.random() >= RATE:
            continue
        k = int(np.searchsorted(starts, d.index, side="right")) - 1
        i = d.index - int(starts[k])
        out[k][0][i] = (d.src, d.tgt)
        out[k][1].append(i)
        if spans is not None:
            spans[(k, i)] = d.tgt_span
    return [(pairs, sorted(hit)) for pairs, hit in out]


PARAMS = DriftParams()


# Seconds per part of the drift stage in the timing run: the checks (`pairs_context`) and,
# inside `score_drift`, the stages that embed or run the model (filled by `stage_clock`).
STAGES: dict[str, float] = {}
_TIMED = ("tag_words", "attribute", "entity_gain")


@contextlib.contextmanager
def stage_clock() -> Iterator[None]:
    """Time `drift_module`'s calls of the `_TIMED` stages into STAGES while in the block."""
    real = {name: getattr(drift_module, name) for name in _TIMED}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            t0 = time.time()
            try:
                return fn(*args, **kwargs)
            finally:
                STAGES[name] = STAGES.get(name, 0.0) + time.time() - t0
        return run

    for name, fn in real.items():
        setattr(drift_module, name, timed(name, fn))
    try:
        yield
    finally:
        for name, fn in real.items():
            setattr(drift_module, name, fn)


def score_docs(docs: list[list[Pair]],
               enc: Encoder) -> tuple[list[list[float]], list[dict[str, object]]]:
    drift, extra = [], []
    for doc in docs:
        t0 = time.time()
        ctx = pairs_context(doc, "lt", "et", enc)
        STAGES["checks"] = STAGES.get("checks", 0.0) + time.time() - t0
        res = score_drift(ctx, enc, PARAMS)
        drift.append(list(res.drift))
        extra.append({"thresholds": res.thresholds, "partial": res.partial, "spans": res.spans,
                      "model_id": res.model_id, "relative": res.relative})
    return drift, extra


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--docs", type=int, default=0, help="first N documents only (0 = all)")
    ap.add_argument("--half", choices=("odd", "even", "all"), default="odd",
                    help="odd-numbered documents: held out from threshold calibration")
    ap.add_argument("--no-timing", dest="timing", action="store_false",
                    help="score the clean run through the shared bench cache (no fresh-cache "
                         "timing; the embedding and drift seconds are then not reported)")
    ap.add_argument("--word-tagger", action="store_true",
                    help="word-level evidence from the trained tagger instead of occlusion")
    ap.add_argument("--dump-scores", type=Path, default=None,
                    help="also write every clean and damaged bead's drift, relative score and "
                         "check kinds to this JSON file (for threshold trade-off analyses)")
    ap.add_argument("--no-kept-states", dest="kept_states", action="store_false",
                    help="with --word-tagger: the feature tagger runs its own encoder pass "
                         "instead of reading the states kept from the embedding pass")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a DriftParams field (trade-off runs; repeatable)")
    ap.add_argument("--kinds", default=",".join((*KINDS, "word_swap")),
                    help="damage kinds to run, comma-separated ('' = the clean run only)")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    global PARAMS
    PARAMS = with_overrides(DriftParams(word_tagger=args.word_tagger), args.set)
    docs = ntrex_docs(args.half)
    if args.docs:
        docs = docs[:args.docs]
    n_pairs = sum(len(d) for d in docs)

    from drift_common import cached_encoder

    # Timing with a fresh cache, document by document as the pipeline runs: its embedding,
    # then drift on top of it (what the drift stage finds kept from the embedding pass is
    # that document's, as in a `check`; session 18: before, every document was embedded
    # first, and a long corpus pushed the first documents' states out of the bounded stores).
    with tempfile.TemporaryDirectory() as tmp:
        t_embed = t_drift = float("nan")
        extra_embeds = -1
        if args.timing:
            STAGES.clear()
            inner = load_encoder(args.model)
            enc = CachedEncoder(inner, EmbeddingCache(Path(tmp) / "c.sqlite"))
            if args.word_tagger and args.kept_states:  # as the pipeline does: the tagger
                # reads the embedding pass (off: its own pass, as before session 18)
                keep_tagger_states(args.model, enc)
            enc.encode(["warm up"])
            t_embed = t_drift = 0.0
            extra_embeds = 0
            clean, extra = [], []
            for d in docs:
                t0 = time.time()
                enc.encode([s for s, _ in d] + [t for _, t in d])
                t_embed += time.time() - t0
                m0 = enc.misses
                t0 = time.time()
                with stage_clock():
                    one, more = score_docs([d], enc)
                t_drift += time.time() - t0
                extra_embeds += enc.misses - m0
                clean += one
                extra += more
        else:
            enc = cached_encoder(args.model)
            clean, extra = score_docs(docs, enc)
    th = extra[0]["thresholds"]
    assert isinstance(th, dict)
    flat_clean = [x for d in clean for x in d]
    flat_rel = [r for e in extra for r in e["relative"]]  # type: ignore[attr-defined]
    flat_words = [min(len(p[0].split()), len(p[1].split())) for d in docs for p in d]
    sev = [severity_for(x, th, r, w)
           for x, r, w in zip(flat_clean, flat_rel, flat_words, strict=True)]
    major_chk: set[int] = set()
    any_chk: dict[str, set[int]] = {}
    offset = 0
    for doc in docs:
        for f in check_findings(pairs_context(doc, "lt", "et", enc)):
            any_chk.setdefault(f.kind, set()).add(offset + f.source[0])
            if f.severity in ("major", "critical"):
                major_chk.add(offset + f.source[0])
        offset += len(doc)
    major_drift = {i for i, s in enumerate(sev) if s in ("major", "critical")}
    any_drift = {i for i, s in enumerate(sev) if s is not None}
    any_relative_only = {i for i in any_drift if severity_for(flat_clean[i], th) is None}
    any_checks = set().union(*any_chk.values()) if any_chk else set()
    dump: dict[str, object] = {"thresholds": th, "clean": {
        "drift": flat_clean, "relative": flat_rel,
        "checks": [sorted(k for k, v in any_chk.items() if i in v) for i in range(len(sev))]}}
    out: dict[str, object] = {
        "model": args.model, "calibration": extra[0]["model_id"], "pairs": n_pairs,
        "docs": len(docs), "half": args.half, "thresholds": th,
        "clean_major_or_above": round(len(major_drift | major_chk) / len(sev), 4),
        "clean_major_or_above_drift": round(len(major_drift) / len(sev), 4),
        "clean_major_or_above_checks": round(len(major_chk) / len(sev), 4),
        "clean_minor_or_above": round(sum(s is not None for s in sev) / len(sev), 4),
        "clean_any_severity": round(len(any_drift | any_checks) / len(sev), 4),
        "clean_any_drift": round(len(any_drift) / len(sev), 4),
        "clean_any_drift_relative_only": round(len(any_relative_only) / len(sev), 4),
        "clean_any_checks": round(len(any_checks) / len(sev), 4),
        **{f"clean_any_check_{k}": round(len(v) / len(sev), 4) for k, v in sorted(
            any_chk.items())},
        "clean_partial": sum(len(e["partial"]) for e in extra),  # type: ignore[arg-type]
        "embed_seconds": round(t_embed, 1), "drift_seconds": round(t_drift, 1),
        "drift_overhead": round(t_drift / t_embed, 3), "span_embeddings": extra_embeds,
        # The drift stage's parts, each over the embedding time (timing run only).
        **({f"share_{k}": round(v / t_embed, 3) for k, v in sorted(STAGES.items())}
           if args.timing else {}),
    }
    # Damage runs reuse the shared bench cache (timing is done).
    enc2 = cached_encoder(args.model)
    generator = "bench/damage_drift.py"
    for kind in kinds:
        where: dict[tuple[int, int], tuple[int, int]] = {}
        dmg = external_damage(docs, kind, args.seed, where)
        if dmg is None:
            generator = "bench/drift_common.py (fallback)"
            dmg = damage_docs(docs, kind, "et", RATE, args.seed)
        drift, dextra = score_docs([p for p, _ in dmg], enc2)
        pos = [drift[d][i] for d, (_, hit) in enumerate(dmg) for i in hit]
        out[f"auc_{kind}"] = round(auc(flat_clean, pos), 4)
        out[f"n_{kind}"] = len(pos)
        if kind == "word_swap":
            # The replaced word lies inside one of the bead's target spans.
            inside = [any(s == i and a <= where[(d, i)][0] and where[(d, i)][1] <= b
                          for s, a, b in dextra[d]["spans"].get(i, ((), ()))[1])  # type: ignore[attr-defined]
                      for d, (_, hit) in enumerate(dmg) for i in hit]
            out["word_swap_in_span"] = round(float(np.mean(inside)), 4)
        if kind == "clause_drop":
            part = sum(1 for d, (_, hit) in enumerate(dmg) for i in hit
                       if i in dextra[d]["partial"])  # type: ignore[operator]
            out["clause_drop_tagged_partial"] = round(part / max(1, len(pos)), 4)
        sev_pos = [severity_for(x, th) for x in pos]
        out[f"recall_major_{kind}"] = round(
            float(np.mean([s in ("major", "critical") for s in sev_pos])), 4)
        # Damaged beads with a drift finding of any severity (document-relative included).
        rel_pos = [dextra[d]["relative"][i]  # type: ignore[index]
                   for d, (_, hit) in enumerate(dmg) for i in hit]
        words_pos = [min(len(pairs[i][0].split()), len(pairs[i][1].split()))
                     for pairs, hit in dmg for i in hit]
        dump[kind] = {"drift": pos, "relative": rel_pos}
        out[f"recall_any_drift_{kind}"] = round(float(np.mean(
            [severity_for(x, th, r, w) is not None
             for x, r, w in zip(pos, rel_pos, words_pos, strict=True)])), 4)
    out["damage_generator"] = generator
    if args.dump_scores:
        args.dump_scores.write_text(json.dumps(dump) + "\n", encoding="utf-8")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = ("drift_ntrex" if kinds == [*KINDS, "word_swap"]
            else "drift_ntrex_" + ("_".join(kinds) or "clean"))
    if args.word_tagger:
        name += tagger_suffix(args.model)
    name += suffix(args.set)
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    targets = {"replace": 0.98, "clause_drop": 0.90, "entity_swap": 0.90, "negation": 0.80,
               "word_swap": 0.85}
    print("| damage | pairs | AUC-ROC | target |\n|---|---|---|---|")
    for kind in kinds:
        t = targets.get(kind)
        print(f"| {kind} | {out[f'n_{kind}']} | {out[f'auc_{kind}']} | "
              f"{'≥ ' + str(t) if t else '(checks: see drift_checks)'} |")
    print(f"\nclean pairs with a major+ finding: {out['clean_major_or_above']:.2%} (target ≤ 3 %)"
          f"; with a finding of any severity: {out['clean_any_severity']:.2%} (target ≤ 5 %)"
          f"; drift time / embedding time: {out['drift_overhead']}; replaced word inside a "
          f"span: {out.get('word_swap_in_span')}")


if __name__ == "__main__":
    main()
