"""The with-source attribution rules applied to dumped evidence: which clean rows get a
"drifted" attribution and which damaged rows are flagged, for several `contrast_gap` choices.

    .venv/bin/python bench/nway_rules.py --dump     # evidence of every full cell (slow part)
    .venv/bin/python bench/nway_rules.py            # the rule table (seconds)

The dump holds, per cell with a drift score against the source: its severity, drift-logit
contrast against its peers (`nway.attribute.contrasts`), agreement gap
(`nway.score.agreement_gaps`) and check kinds; for the 30 even (calibration) and 20 odd clean
documents and the odd documents' damaged variants (the same damages as bench/nway_ntrex.py).
Gap blames (a missing or extra sentence) and the all-differ finding are not simulated.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import nway_ntrex as B  # noqa: E402
from paths import RESULTS  # noqa: E402

DUMP = RESULTS / "nway_rules_evidence.json"
SEV = {"minor": 1, "major": 2, "critical": 3}
BLAMING = {"number", "url", "entity", "language"}
Cell = dict[str, Any]


def cells(ev: Any, doc: int) -> list[Cell]:
    from qa_pipeline.nway.attribute import contrasts

    vs = {b: e for (_, b), e in ev.pairs.items()}
    t = {(r, x): c for r, x, c in contrasts(ev.rows, ev.langs, vs)}
    return [{"doc": doc, "row": r, "lang": x, "sev": vs[x].severity[r], "t": t.get((r, x)),
             "gap": ev.gaps.get((r, x)), "checks": {k: v[0] for k, v in vs[x].checks[r].items()}}
            for r in range(len(ev.rows)) for x in ev.langs if r in vs[x].drift]


def dump(model: str, n_odd: int) -> None:
    from qa_pipeline.config import Config

    enc, cfg = B.encoder(model), Config(model=model)
    out: dict[str, list[Cell]] = {"clean_even": [], "clean_odd": [], "damage": []}
    for half, n in (("even", 30), ("odd", n_odd)):
        for k, doc in enumerate(B.load_docs(half)[:n]):
            trs = [B.as_doc(x, doc[x]) for x in B.TRANSLATIONS]
            out["clean_" + half] += cells(B.gather_evidence(B.as_doc("en", doc["en"]), trs, enc,
                                                            cfg), k)
    docs = B.load_docs("odd")[:n_odd]
    rng = random.Random(0)
    pool = [(s, t, f"d{k}") for k, doc in enumerate(docs)
            for s, t in zip(doc["en"], doc["lt"], strict=True)]
    for k, doc in enumerate(docs):
        for kind in B.DAMAGE_KINDS:
            v = B.damaged_variant(doc, kind, rng, pool)
            if v is None:
                continue
            lang, i, text = v
            sents = {x: list(doc[x]) for x in B.TRANSLATIONS}
            sents[lang][i] = text
            trs = [B.as_doc(x, sents[x]) for x in B.TRANSLATIONS]
            ev = B.gather_evidence(B.as_doc("en", doc["en"]), trs, enc, cfg)
            row = next(r for r, rw in enumerate(ev.rows) if i in rw.cells[lang])
            out["damage"] += [c | {"damaged": c["lang"] == lang, "kind": kind}
                              for c in cells(ev, k) if c["row"] == row]
    RESULTS.mkdir(parents=True, exist_ok=True)
    DUMP.write_text(json.dumps(out) + "\n", encoding="utf-8")


def blames(row: list[Cell], margin: float, agreement: float, gap: float) -> list[str]:
    out = []
    for c in row:
        others = {k for p in row if p is not c for k in p["checks"]}
        out += [c["lang"] for k, s in c["checks"].items()
                if k in BLAMING and k not in others and SEV[s] >= 2]
        g = c["gap"] or 0.0
        if c["sev"] is not None and ((c["t"] is not None and c["t"] >= margin and g >= gap)
                                     or g >= agreement):
            out.append(c["lang"])
    return out


def rows_of(cs: list[Cell], key: tuple[str, ...]) -> list[list[Cell]]:
    g: dict[tuple[Any, ...], list[Cell]] = defaultdict(list)
    for c in cs:
        g[tuple(c.get(k) for k in key)].append(c)
    return list(g.values())


def table() -> None:
    d = json.loads(DUMP.read_text(encoding="utf-8"))
    th = json.loads((ROOT / "qa_pipeline" / "data" /
                     "nway_multilingual-e5-small.json").read_text(encoding="utf-8"))
    gaps = np.array([c["gap"] for c in d["clean_even"]
                     if c["sev"] is not None and c["gap"] is not None])
    clean = rows_of(d["clean_odd"], ("doc", "row"))
    damaged = rows_of(d["damage"], ("doc", "kind", "row"))
    print("| contrast_gap | clean odd rows blamed | damaged rows flagged | named | wrong |")
    print("|---|---|---|---|---|")
    for name, g in (("none", -1e9), ("0", 0.0), ("median", float(np.quantile(gaps, 0.5))),
                    ("upper quartile", float(np.quantile(gaps, 0.75)))):
        b = sum(bool(blames(r, th["margin"], th["agreement_margin"], g)) for r in clean)
        c: Counter[str] = Counter()
        for r in damaged:
            got = blames(r, th["margin"], th["agreement_margin"], g)
            lang = next(x["lang"] for x in r if x["damaged"])
            c["flagged"] += bool(got)
            c["named"] += lang in got
            c["wrong"] += any(x != lang for x in got)
        print(f"| {name} ({g:.6f}) | {b}/{len(clean)} = {b / len(clean):.1%} | "
              f"{c['flagged']}/{len(damaged)} | {c['named']} | {c['wrong']} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", action="store_true", help="compute and write the evidence")
    ap.add_argument("--model", default="multilingual-e5-small")
    ap.add_argument("--docs", type=int, default=20, help="odd documents")
    args = ap.parse_args()
    if args.dump:
        dump(args.model, args.docs)
    table()


if __name__ == "__main__":
    main()
