"""End-to-end alignment time on NTREX-128 lt-et as one document pair, cold embedding cache.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/align_speed.py --runs exact
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/align_speed.py --runs selective

Builds the two documents as `bench/e2e_ntrex.py` does (each NTREX document a paragraph, one
sentence per line: 1,997 sentences a side), loads the model first (start-up is the same for
every method and is not counted), then times `align_documents` with a fresh, empty embedding
cache in a temporary folder: embedding (through `CachedEncoder`, as `check` does) plus the
DPs. Reports texts and tokens encoded, encoder seconds, total seconds and strict F1 of the
sentence beads against the line-by-line gold (line i translates line i). Each `--runs` value
is one run (keep them short: run them one after the other under the shared lock); results
are merged by method into bench/results/align_speed.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from align_common import ROOT, CountingEmbed, count_tokens, md_table, score, write_results
from align_textberg import params_from
from e2e_ntrex import TimedEncoder, write_docs

from qa_pipeline.align import align_documents, describe
from qa_pipeline.cache import EmbeddingCache
from qa_pipeline.cached_encoder import CachedEncoder
from qa_pipeline.config import DEFAULT_MODEL, Config
from qa_pipeline.embed import load_encoder
from qa_pipeline.io.beads import bead_pairs
from qa_pipeline.pipeline import read_inputs

RESULTS = ROOT / "bench" / "results" / "align_speed.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--runs", default="selective", choices=["exact", "selective", "sum"])
    ap.add_argument("--docs", type=int, default=123)
    ap.add_argument("--set", nargs="*", default=[], help="AlignParams overrides KEY=VALUE")
    args = ap.parse_args()
    params = replace(params_from(args.set), runs=args.runs)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src_path, tgt_path = write_docs(tmp, args.docs)
        inputs = read_inputs(src_path, tgt_path, Config(model=args.model, segmented=True))
        inner = load_encoder(args.model)
        getattr(inner, "load", lambda: None)()  # start-up is not part of the timing
        timed = TimedEncoder(inner)
        enc = CachedEncoder(timed, EmbeddingCache(tmp / "cache.sqlite"))  # type: ignore[arg-type]
        counted = CountingEmbed(enc.encode)
        t0 = time.perf_counter()
        al = align_documents(inputs.source, inputs.target, counted, params)
        total = time.perf_counter() - t0
    n, m = len(inputs.source.sentences), len(inputs.target.sentences)
    gold = [((i,), (i,)) for i in range(n)] if n == m else []
    res = {
        "aligner": describe(params), "docs": args.docs, "sentences": [n, m],
        "texts_embedded": len(counted.texts),
        "tokens_embedded": count_tokens(counted.texts, args.model),
        "embed_seconds": timed.seconds, "total_seconds": total,
        "f1_strict": score([gold], [bead_pairs(al.sentences)])["f1_strict"] if gold else None,
        "paragraph_beads_one_to_one": sum(1 for b in al.paragraphs
                                          if len(b.source) == 1 and len(b.target) == 1),
    }
    old = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    runs = dict(old.get("runs", {})) if old.get("model") == args.model else {}
    runs[args.runs] = res
    write_results("align_speed", {"model": args.model, "runs": runs})
    rows = []
    base = runs.get("exact")
    for name, r in runs.items():
        speedup = f"{base['total_seconds'] / r['total_seconds']:.2f}x" if base else ""
        rows.append([name, f"{r['texts_embedded']:,}", f"{r['tokens_embedded']:,}",
                     f"{r['embed_seconds']:.1f}", f"{r['total_seconds']:.1f}", speedup,
                     r["f1_strict"]])
    print(f"NTREX-128 lt-et as one pair ({n}/{m} sentences), {args.model}, cold cache\n",
          file=sys.stderr)
    print(md_table(["runs", "texts", "tokens", "embed s", "total s", "vs exact",
                    "strict F1 vs line gold"], rows))


if __name__ == "__main__":
    main()
