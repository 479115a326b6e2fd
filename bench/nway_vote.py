"""Rules for the no-source vote (`nway.attribute.odd_one_out`), compared on the same evidence.

The no-source attribution is a pure function of the n-way evidence (table, pair evidence,
agreement gaps), so each document's clean and damaged evidence is gathered once and every
vote rule is applied to it. Development runs on the *even* documents (the odd ones are the
benchmark, `nway_ntrex.py`); damage as in `nway_ntrex.py` (same generator and seed).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/nway_vote.py --docs 30        # even docs

"flagged": the damaged row has a blame; "named": a blame names the damaged language; "wrong":
one names another; clean rows: share with a blame that names a language.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from align_common import md_table, write_results  # noqa: E402
from nway_ntrex import TRANSLATIONS, as_doc, damaged_documents, encoder, select_docs  # noqa: E402

from qa_pipeline.config import DEFAULT_MODEL, Config  # noqa: E402
from qa_pipeline.nway.attribute import VOTE_RULES, Blame, without_source  # noqa: E402
from qa_pipeline.nway.pipeline import NwayEvidence, gather_evidence  # noqa: E402
from qa_pipeline.nway.thresholds import NwayThresholds, load_nway_thresholds  # noqa: E402


def blames(ev: NwayEvidence, rule: str, th: NwayThresholds) -> list[Blame]:
    return without_source(ev.rows, ev.langs, ev.pairs, ev.gaps, th, vote=rule)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--half", choices=("even", "odd"), default="even")
    ap.add_argument("--skip", type=int, default=0)
    ap.add_argument("--docs", type=int, default=0)
    args = ap.parse_args()
    enc = encoder(args.model)
    cfg = Config(model=args.model)
    th = load_nway_thresholds(args.model)
    docs, pool = select_docs(args.half, args.skip, args.docs)
    rng = random.Random(args.seed)
    t0 = time.time()
    stats: dict[str, Counter[str]] = {rule: Counter() for rule in VOTE_RULES}
    for k, doc in enumerate(docs):
        ev = gather_evidence(None, [as_doc(x, doc[x]) for x in TRANSLATIONS], enc, cfg)
        for rule in VOTE_RULES:
            stats[rule]["clean_rows"] += len(ev.rows)
            stats[rule]["clean_blamed"] += len({b.row for b in blames(ev, rule, th) if b.drifted})
        for _, lang, i, sents in damaged_documents(doc, rng, pool):
            dev = gather_evidence(None, [as_doc(x, sents[x]) for x in TRANSLATIONS], enc, cfg)
            row = next(r for r, rw in enumerate(dev.rows) if i in rw.cells[lang])
            for rule in VOTE_RULES:
                here = [b for b in blames(dev, rule, th) if b.row == row]
                c = stats[rule]
                c["n"] += 1
                c["flagged"] += bool(here)
                c["named"] += any(b.drifted == lang for b in here)
                c["wrong"] += any(b.drifted not in (None, lang) for b in here)
        print(f"  doc {k + 1}/{len(docs)}", file=sys.stderr, flush=True)

    def rate(a: int, b: int) -> float:
        return round(a / b, 4) if b else float("nan")

    rows = [[rule, c["n"], rate(c["flagged"], c["n"]), rate(c["named"], c["flagged"]),
             c["wrong"], rate(c["clean_blamed"], c["clean_rows"])] for rule, c in stats.items()]
    print(md_table(["vote rule", "damaged rows", "flagged", "named / flagged", "wrong",
                    "clean rows blamed"], rows))
    write_results(f"nway_vote_{args.half}", {
        "model": args.model, "half": args.half, "skip": args.skip, "docs": len(docs),
        "seconds": round(time.time() - t0, 1), "rules": {r: dict(c) for r, c in stats.items()}})


if __name__ == "__main__":
    main()
