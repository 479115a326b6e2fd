"""Embedding throughput (sentences/s) of the registry models on this machine.

Usage: python bench/embed_speed.py [--models a,b] [--n 256] [--batch-sizes 8,32,64] [--device cpu]
                                  [--precisions fp32,bf16]
Reads NTREX-128 Lithuanian sentences from ../shared (real sentence lengths).
"""

from __future__ import annotations

import argparse
import time

from paths import DATA

from qa_pipeline.embed import load_encoder

NTREX = DATA / "ntrex128" / "lit.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="multilingual-e5-small,embeddinggemma-300m")
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--batch-sizes", default="16,64")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precisions", default="auto", help="comma-separated: auto, fp32, bf16, fp16")
    args = ap.parse_args()
    sents = NTREX.read_text(encoding="utf-8").splitlines()[: args.n]
    print("| model | device | precision | batch | sentences | load s | sentences/s |")
    print("|---|---|---|---|---|---|---|")
    for name, prec, bs in ((n, p, int(b)) for n in args.models.split(",")
                           for p in args.precisions.split(",")
                           for b in args.batch_sizes.split(",")):
        enc = load_encoder(name, device=args.device, batch_size=bs, precision=prec)
        t0 = time.perf_counter()
        getattr(enc, "load", lambda: None)()
        load_s = time.perf_counter() - t0
        enc.encode(sents[:bs])  # warm-up
        t0 = time.perf_counter()
        enc.encode(sents)
        dt = time.perf_counter() - t0
        print(f"| {name} | {args.device} | {getattr(enc, 'precision', '-')} | {bs} | "
              f"{len(sents)} | {load_s:.1f} | {len(sents) / dt:.1f} |", flush=True)


if __name__ == "__main__":
    main()
