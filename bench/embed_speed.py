"""Embedding throughput (sentences/s) of the registry models on this machine.

Usage: python bench/embed_speed.py [--models a,b] [--n 256] [--batch-sizes 8,32,64] [--device cpu]
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
    args = ap.parse_args()
    sents = NTREX.read_text(encoding="utf-8").splitlines()[: args.n]
    print("| model | device | batch | sentences | load s | sentences/s |")
    print("|---|---|---|---|---|---|")
    for name in args.models.split(","):
        for bs in (int(b) for b in args.batch_sizes.split(",")):
            enc = load_encoder(name, device=args.device, batch_size=bs)
            t0 = time.perf_counter()
            getattr(enc, "load", lambda: None)()
            load_s = time.perf_counter() - t0
            enc.encode(sents[:bs])  # warm-up
            t0 = time.perf_counter()
            enc.encode(sents)
            dt = time.perf_counter() - t0
            print(
                f"| {name} | {args.device} | {bs} | {len(sents)} | {load_s:.1f} | "
                f"{len(sents) / dt:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
