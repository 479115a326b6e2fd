"""Drift findings without a span: what dropping the minor ones would do (analysis, session 27).

#13 asks that a finding's spans be its reason. Occlusion leaves many drift findings without a
span; this counts them on the odd NTREX-128 lt-et documents, clean and per damage kind (the
damage of bench/drift_ntrex.py), and what clean pairs with a finding of any severity and the
damage found would be if minor drift findings without a span were dropped.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/drift_spanless.py
"""

from __future__ import annotations

import drift_ntrex as dn
from drift_common import cached_encoder, ntrex_docs, pairs_context

from qa_pipeline.detect.findings import check_findings, severity_for

enc = cached_encoder("multilingual-e5-small")
docs = ntrex_docs("odd")

def has_span(extra: dict, i: int) -> bool:  # type: ignore[type-arg]
    s, t = extra["spans"].get(i, ((), ()))
    return bool(s) or bool(t)

def tally(hits_by_doc: list, extra: list, drift: list) -> dict[str, int]:  # type: ignore[type-arg]
    out = {"n": 0, "any": 0, "minor_spanless": 0, "minor_span": 0, "major+": 0}
    for d, hit in hits_by_doc:
        th = extra[d]["thresholds"]
        for i in hit:
            out["n"] += 1
            sev = severity_for(drift[d][i], th, extra[d]["relative"][i])
            if sev is None:
                continue
            out["any"] += 1
            if sev in ("major", "critical"):
                out["major+"] += 1
            elif has_span(extra[d], i):
                out["minor_span"] += 1
            else:
                out["minor_spanless"] += 1
    return out

drift, extra = dn.score_docs(docs, enc)
clean = tally([(d, range(len(doc))) for d, doc in enumerate(docs)], extra, drift)
# checks on clean pairs, to see what the union would be
chk = set()
for d, doc in enumerate(docs):
    for f in check_findings(pairs_context(doc, "lt", "et", enc)):
        chk.add((d, f.source[0]))
spanless_only = 0
anyf = 0
for d, doc in enumerate(docs):
    th = extra[d]["thresholds"]
    for i in range(len(doc)):
        sev = severity_for(drift[d][i], th, extra[d]["relative"][i])
        keep = sev is not None and (sev in ("major", "critical") or has_span(extra[d], i))
        if keep or (d, i) in chk:
            anyf += 1
print("clean", clean, "clean any if spanless minor dropped:", round(anyf / clean["n"], 4))
for kind in ("replace", "clause_drop", "entity_swap", "negation", "number", "word_swap"):
    where = {}
    dmg = dn.external_damage(docs, kind, 0, where)
    ddrift, dextra = dn.score_docs([p for p, _ in dmg], enc)
    t = tally([(d, hit) for d, (_, hit) in enumerate(dmg)], dextra, ddrift)
    print(kind, t, "recall any:", round(t["any"] / t["n"], 3), "-> without spanless minor:",
          round((t["any"] - t["minor_spanless"]) / t["n"], 3))
