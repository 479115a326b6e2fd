"""Does a replaced sentence fail the default gate? The whole pipeline, alignment included.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/replaced_gate.py

Each odd NTREX-128 lt-et document (one paragraph a side, aligned by the program, not read as
pairs) is checked clean, then twice with one Estonian sentence replaced by a sentence of an
even document: once a short one (under 8 words) by a short one, once a long one by a long
one (seeded). A replacement "fails the gate" when a finding of major or above touches the
replaced sentence (`check --fail-on major`, the default). Reported: the share that fail, the
finding kinds on the replaced sentence, and clean documents with a major+ omission or
addition. Writes bench/results/replaced_gate.json.
"""

from __future__ import annotations

import random
from collections import Counter

from align_common import write_results
from drift_common import cached_encoder, ntrex_docs

from qa_pipeline.config import DEFAULT_MODEL, Config
from qa_pipeline.io.base import Inputs
from qa_pipeline.pipeline import analyse
from qa_pipeline.segment import build_document
from qa_pipeline.types import SEVERITY_RANK, Report

SHORT = 8  # words: under this a replaced sentence is "short" (a gap of it is minor)
SEED = 7


def main() -> None:
    enc = cached_encoder(DEFAULT_MODEL)
    cfg = Config()
    docs = ntrex_docs("odd")
    pool = [t for d in ntrex_docs("even") for _, t in d]
    rng = random.Random(SEED)
    major = SEVERITY_RANK["major"]

    def run(src: list[str], tgt: list[str]) -> Report:
        return analyse(Inputs(build_document("s", "lt", [src]), build_document("t", "et", [tgt])),
                       enc, cfg)

    clean_gaps = 0
    out: dict[str, dict[str, object]] = {}
    tallies = {want: [0, 0, Counter()] for want in ("short", "long")}
    for d in docs:
        src, tgt = [s for s, _ in d], [t for _, t in d]
        clean = run(src, tgt)
        clean_gaps += any(SEVERITY_RANK[f.severity] >= major and f.kind in ("omission", "addition")
                          for f in clean.findings)
        for want in ("short", "long"):
            cands = [i for i, t in enumerate(tgt) if (len(t.split()) < SHORT) == (want == "short")]
            if not cands:
                continue
            i = rng.choice(cands)
            damaged = list(tgt)
            damaged[i] = rng.choice([p for p in pool
                                     if (len(p.split()) < SHORT) == (want == "short")])
            found = [f for f in run(src, damaged).findings if i in f.target]
            t = tallies[want]
            t[0] += 1
            t[1] += any(SEVERITY_RANK[f.severity] >= major for f in found)
            t[2]["+".join(sorted({f.kind for f in found})) or "(none)"] += 1
    for want, (n, fails, kinds) in tallies.items():
        out[want] = {"replaced": n, "gate_fails": fails, "share": round(fails / max(n, 1), 3),
                     "kinds": dict(kinds.most_common())}
        print(f"{want} sentence replaced: {n}, gate fails {fails} ({fails / max(n, 1):.2f}); "
              f"kinds on it: {dict(kinds.most_common(5))}")
    print(f"clean documents with a major+ omission or addition: {clean_gaps} of {len(docs)}")
    write_results("replaced_gate", {"model": DEFAULT_MODEL, "documents": len(docs), "seed": SEED,
                                    "clean_major_gaps": clean_gaps, **out})


if __name__ == "__main__":
    main()
