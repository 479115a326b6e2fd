"""Text+Berg de-fr sentence alignment benchmark (strict / lax P/R/F1, vecalign's definition).

    .venv/bin/python bench/align_textberg.py --model embeddinggemma-300m
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

from align_common import make_embed, score

from qa_pipeline.align import AlignParams, align_sentences, bead_pairs, format_beads, parse_beads

DATA = Path("/work/shared/data/textberg")


def params_from(args: list[str]) -> AlignParams:
    """KEY=VALUE overrides of AlignParams (for tuning runs)."""
    p = AlignParams()
    types = {f.name: f.type for f in fields(AlignParams)}
    for kv in args:
        k, v = kv.split("=", 1)
        t = str(types[k])
        cast = ((lambda x: x in ("1", "true", "True")) if "bool" in t
                else int if "int" in t else float)
        p = replace(p, **{k: cast(v)})
    return p


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="embeddinggemma-300m")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=None, help="folder for predicted bead files")
    ap.add_argument("--docs", nargs="*", default=None)
    ap.add_argument("--set", nargs="*", default=[], help="AlignParams overrides KEY=VALUE")
    args = ap.parse_args()
    params = params_from(args.set)
    embed = make_embed(args.model)
    data = Path(args.data)
    docs = args.docs or sorted(p.name for p in (data / "de").iterdir())
    golds, tests = [], []
    t_align = 0.0
    for doc in docs:
        de = [x.strip() for x in (data / "de" / doc).read_text().splitlines()]
        fr = [x.strip() for x in (data / "fr" / doc).read_text().splitlines()]
        embed([" ".join(de[i:i + k]) for k in range(1, params.max_overlap + 1)
               for i in range(len(de) - k + 1)])  # warm the store outside the timing
        embed([" ".join(fr[i:i + k]) for k in range(1, params.max_overlap + 1)
               for i in range(len(fr) - k + 1)])
        t0 = time.perf_counter()
        beads = align_sentences(de, fr, embed, params)
        t_align += time.perf_counter() - t0
        golds.append(parse_beads((data / "gold" / doc).read_text()))
        tests.append(bead_pairs(beads))
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / doc).write_text(format_beads(beads))
        one = score([golds[-1]], [tests[-1]])
        print(f"{doc}: strict F1 {one['f1_strict']:.3f} lax F1 {one['f1_lax']:.3f}",
              file=sys.stderr)
    res = score(golds, tests)
    res["align_seconds"] = t_align
    print(json.dumps({"model": args.model, "docs": docs, **res}, indent=1))


if __name__ == "__main__":
    main()
