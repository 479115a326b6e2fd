"""Deleted sentences that ride inside merges: can one feature of the aligner's own vectors tell a
rider from a genuine part of an n:m bead?

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/rider_features.py

Aligns NTREX-128 lt-et under the damage of `bench/align_ntrex.py` (5 % and 15 %, seed 1) and
the Text+Berg documents with the shipped aligner, and for every sentence of a predicted n:m bead
(on a side with several sentences) records: its cosine to the other side's run (plain, and
centred on the side means), its characters and share of the bead, and for an end sentence how
much the bead's cosine rises when it is left out (`gain` = cos(rest, other) - cos(whole,
other)). A rider is a sentence the gold beads make a 1-0 / 0-1. The table counts, per rule
"leave the end sentence out when gain > tau, chars >= min_chars, centred cosine < max_ccos",
the riders it would split off and the genuine parts it would wrongly split (of correct beads,
of wrong ones). Writes bench/results/rider_features.json.
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

import numpy as np
from align_common import make_embed, md_table, write_results
from align_ntrex import damaged
from align_ntrex import documents as ntrex_documents
from align_textberg import documents as textberg_documents

from qa_pipeline.align import align_sentences
from qa_pipeline.align.runs import run_text
from qa_pipeline.config import DEFAULT_MODEL
from qa_pipeline.io.beads import BeadPair, bead_pairs
from qa_pipeline.text import unit_rows


def parts(corpus: str, src: list[str], tgt: list[str], gold: list[BeadPair],
          embed: Any) -> list[dict[str, Any]]:
    """One record per sentence of a multi-sentence side of a predicted n:m bead."""
    pred = bead_pairs(align_sentences(src, tgt, embed))
    riders = ({(s[0], "src") for s, t in gold if s and not t}
              | {(t[0], "tgt") for s, t in gold if t and not s})
    gold_set = set(gold)
    mean = {"src": embed(src).mean(0), "tgt": embed(tgt).mean(0)}
    out = []
    for s, t in pred:
        if not s or not t or (len(s) < 2 and len(t) < 2):
            continue
        for side, ids, other in (("src", s, t), ("tgt", t, s)):
            if len(ids) < 2:
                continue
            texts, others = (src, tgt) if side == "src" else (tgt, src)
            oside = "tgt" if side == "src" else "src"
            orun = embed([run_text(others, other[0], len(other))])[0]
            whole = float(embed([run_text(texts, ids[0], len(ids))])[0] @ orun)
            centred_other = unit_rows((orun - mean[oside])[None])[0]
            for q, i in enumerate(ids):
                v = embed([texts[i]])[0]
                end = q in (0, len(ids) - 1)
                rest = [k for k in ids if k != i]
                gain = (float(embed([run_text(texts, rest[0], len(rest))])[0] @ orun) - whole
                        if end else None)
                out.append({"corpus": corpus, "side": side, "k": len(ids), "m": len(other),
                            "end": end, "chars": len(texts[i]),
                            "share": len(texts[i]) / sum(len(texts[k]) for k in ids),
                            "cos": float(v @ orun),
                            "ccos": float(unit_rows((v - mean[side])[None])[0] @ centred_other),
                            "gain": gain, "rider": (i, side) in riders,
                            "bead_ok": (s, t) in gold_set})
    return out


def main() -> None:
    embed = make_embed(DEFAULT_MODEL, verbose=False)
    rows: list[dict[str, Any]] = []
    docs = ntrex_documents(None)
    for rate in (0.05, 0.15):
        for dmg in damaged(docs, rate, 1):
            rows += parts(f"ntrex {rate:.0%}", dmg.src, dmg.tgt, dmg.gold, embed)
    for _, de, fr, gold in textberg_documents():
        rows += parts("textberg", de, fr, gold, embed)
    corpora = list(dict.fromkeys(r["corpus"] for r in rows))
    summary = []
    for corpus in corpora:
        mine = [r for r in rows if r["corpus"] == corpus]
        for label, sel in (("riders", [r for r in mine if r["rider"]]),
                           ("genuine parts", [r for r in mine if not r["rider"]])):
            q = {k: np.quantile([r[k] for r in sel], [0.1, 0.5, 0.9]).round(3).tolist()
                 for k in ("ccos", "chars")} if sel else {}
            gains = [r["gain"] for r in sel if r["gain"] is not None]
            summary.append([corpus, label, len(sel), sum(r["end"] for r in sel),
                            q.get("ccos"), q.get("chars"),
                            np.quantile(gains, [0.1, 0.5, 0.9]).round(4).tolist()
                            if gains else None])
    print(md_table(["corpus", "sentences", "count", "at an end", "centred cos 10/50/90 %",
                    "chars 10/50/90 %", "gain 10/50/90 %"], summary))
    rules = []
    ends = [r for r in rows if r["end"]]
    for tau, min_chars, max_ccos in itertools.product((0.0, 0.003, 0.008), (0, 40),
                                                      (1.0, 0.2)):
        row: list[object] = [tau, min_chars, max_ccos]
        for corpus in corpora:
            hit = [r for r in ends if r["corpus"] == corpus and r["gain"] > tau
                   and r["chars"] >= min_chars and r["ccos"] < max_ccos]
            row.append(f"{sum(r['rider'] for r in hit)} / "
                       f"{sum(not r['rider'] and r['bead_ok'] for r in hit)} / "
                       f"{sum(not r['rider'] and not r['bead_ok'] for r in hit)}")
        rules.append(row)
    print()
    print(md_table(["gain >", "chars >=", "centred cos <",
                    *(f"{c}: riders / correct beads split / wrong beads split"
                      for c in corpora)], rules))
    write_results("rider_features", {"model": DEFAULT_MODEL, "summary": summary,
                                     "rules": rules, "rows": rows})


if __name__ == "__main__":
    sys.exit(main())
