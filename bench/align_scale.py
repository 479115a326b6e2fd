"""Speed and memory of the alignment core on synthetic documents (embedding excluded).

Each size runs in a fresh subprocess so that peak RSS is that run's own. The documents are
random unit vectors with planted structure: the target is a noisy copy of the source with 2 %
deletions on each side, 2 % merges and 2 % splits; overlap embeddings are normalised sums.

    OMP_NUM_THREADS=1 .venv/bin/python bench/align_scale.py

(sizes 1k, 2k, 5k, 10k, 20k sentences per side; writes bench/results/align_scale.json and
docs/align_scaling.svg; `--threads 2` runs the children on two cores, the target's setting.)
`--dim 768` (EmbeddingGemma's size) writes bench/results/align_scale_768d.json and no plot.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align_common import md_table, write_results  # noqa: E402

from qa_pipeline.align import AlignParams, align_vectors, sum_overlaps  # noqa: E402


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


Gold = list[tuple[tuple[int, ...], tuple[int, ...]]]


def synthetic(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray, Gold]:
    rng = np.random.default_rng(seed)
    src = unit(rng.normal(size=(n, d)))
    tgt: list[np.ndarray] = []
    gold = []
    i = 0
    while i < n:
        r = rng.random()
        noisy = unit(src[i] + 0.6 * rng.normal(size=d) / np.sqrt(d))
        if r < 0.02:  # source sentence missing in target
            gold.append(((i,), ()))
            i += 1
        elif r < 0.04:  # target has an extra sentence
            gold.append(((), (len(tgt),)))
            tgt.append(unit(rng.normal(size=d)))
        elif r < 0.06 and i + 1 < n:  # merge two source sentences
            gold.append(((i, i + 1), (len(tgt),)))
            tgt.append(unit(src[i] + src[i + 1] + 0.6 * rng.normal(size=d) / np.sqrt(d)))
            i += 2
        elif r < 0.08:  # split one source sentence
            part = unit(rng.normal(size=d))
            gold.append(((i,), (len(tgt), len(tgt) + 1)))
            tgt.append(unit(noisy + 0.8 * part))
            tgt.append(unit(noisy - 0.8 * part))
            i += 1
        else:
            gold.append(((i,), (len(tgt),)))
            tgt.append(noisy)
            i += 1
    return src, np.stack(tgt), gold


def one(n: int, d: int, seed: int) -> dict[str, float]:
    src, tgt, gold = synthetic(n, d, seed)
    params = AlignParams()
    so, to = sum_overlaps(src, params.max_overlap), sum_overlaps(tgt, params.max_overlap)
    del src, tgt
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    beads = align_vectors(so, to, params)
    secs = time.perf_counter() - t0
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # a second, untimed run under tracemalloc (which slows numpy down) for the working memory
    tracemalloc.start()
    align_vectors(so, to, params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    got = {(b.source, b.target) for b in beads}
    hits = sum(1 for g in gold if g in got)
    inputs = sum(x.nbytes for x in so + to)
    return {"n": n, "m": len(to[0]), "d": d, "seconds": secs,
            "peak_traced_mib": peak / 2**20, "inputs_mib": inputs / 2**20,
            "peak_rss_mib": peak_rss / 1024, "rss_before_align_mib": base_rss / 1024,
            "align_mib": inputs / 2**20 + peak / 2**20,
            "gold_recall": hits / len(gold)}


def svg(rows: list[dict[str, float]], path: Path) -> None:
    """A two-panel line plot written by hand (no plotting dependency)."""
    w, h, pad = 760, 320, 60
    xs = [r["n"] for r in rows]
    panels = [("seconds", "time (s)", 10.0), ("align_mib", "inputs + working memory (MiB)", 1024.0)]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             'font-family="sans-serif" font-size="11">',
             f'<rect width="{w}" height="{h}" fill="white"/>']
    pw = (w - 3 * pad) / 2
    for k, (key, label, limit) in enumerate(panels):
        x0 = pad + k * (pw + pad)
        ys = [r[key] for r in rows]
        ymax = max(max(ys) * 1.15, limit * 1.05)
        xmax = max(xs) * 1.05

        def px(v: float, x0: float = x0, xmax: float = xmax) -> float:
            return x0 + v / xmax * pw

        def py(v: float, ymax: float = ymax) -> float:
            return h - pad - v / ymax * (h - 2 * pad)

        parts.append(f'<line x1="{x0}" y1="{h - pad}" x2="{x0 + pw}" y2="{h - pad}" '
                     'stroke="black"/>')
        parts.append(f'<line x1="{x0}" y1="{pad}" x2="{x0}" y2="{h - pad}" stroke="black"/>')
        parts.append(f'<line x1="{x0}" y1="{py(limit):.1f}" x2="{x0 + pw}" y2="{py(limit):.1f}" '
                     'stroke="red" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x0 + pw - 4}" y="{py(limit) - 4:.1f}" text-anchor="end" '
                     f'fill="red">limit {limit:g}</text>')
        pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
        for x, y in zip(xs, ys, strict=True):
            parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="#1f77b4"/>')
            parts.append(f'<text x="{px(x):.1f}" y="{py(y) - 7:.1f}" '
                         f'text-anchor="middle">{y:.1f}</text>')
        for x in xs:
            parts.append(f'<text x="{px(x):.1f}" y="{h - pad + 15}" '
                         f'text-anchor="middle">{x // 1000}k</text>')
        parts.append(f'<text x="{x0 + pw / 2}" y="{h - 15}" '
                     'text-anchor="middle">sentences per side</text>')
        parts.append(f'<text x="{x0 + pw / 2}" y="{pad - 20}" text-anchor="middle" '
                     f'font-weight="bold">{label}</text>')
    parts.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts) + "\n")


def plot(rows: list[dict[str, float]], path: Path) -> None:
    """Time and memory against document length, with the targets as dashed lines.

    Uses matplotlib when it is installed, else the hand-written SVG above.
    """
    try:
        import matplotlib
    except ImportError:
        svg(rows, path)
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["n"] for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, key, label, limit in ((axes[0], "seconds", "align time (s)", 10.0),
                                  (axes[1], "align_mib", "inputs + working memory (MiB)", 1024.0)):
        ys = [r[key] for r in rows]
        ax.plot(xs, ys, "o-", color="#1f77b4")
        ax.axhline(limit, color="red", linestyle="--", linewidth=1)
        ax.text(xs[0], limit * 0.97, f"target < {limit:g}", color="red", va="top", fontsize=8)
        for x, y in zip(xs, ys, strict=True):
            ax.annotate(f"{y:.1f}" if y < 100 else f"{y:.0f}", (x, y),
                        textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        ax.set_xlabel("sentences per side")
        ax.set_title(label)
        ax.set_ylim(0, max(max(ys), limit) * 1.15)
    fig.suptitle("qa_pipeline.align: synthetic documents, embedding excluded", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="svg")
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="*", type=int, default=[1000, 2000, 5000, 10000, 20000])
    ap.add_argument("--dim", type=int, default=384, help="384: e5-small, the default model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--svg", default=None,
                    help="plot path (default docs/align_scaling.svg at 384 dimensions, else none)")
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS threads and CPU cores for the child runs (the target is 2)")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(one(args.child, args.dim, args.seed)))
        return
    rows = []
    th = str(args.threads)
    env = dict(os.environ, OMP_NUM_THREADS=th, OPENBLAS_NUM_THREADS=th, MKL_NUM_THREADS=th)
    cores = ",".join(str(c) for c in range(args.threads))
    for n in args.sizes:
        out = subprocess.run(
            ["taskset", "-c", cores, sys.executable, __file__, "--child", str(n),
             "--dim", str(args.dim), "--seed", str(args.seed)],
            check=True, capture_output=True, text=True, env=env).stdout
        rows.append(json.loads(out))
        print(json.dumps(rows[-1]), file=sys.stderr)
    default_dim = args.dim == 384
    write_results("align_scale" if default_dim else f"align_scale_{args.dim}d",
                  {"threads": args.threads, "dim": args.dim, "seed": args.seed, "rows": rows})
    print(f"{args.threads} thread(s), dim {args.dim}; targets at 20k: < 10 s, "
          "< 1024 MiB (inputs + working)\n")
    print(md_table(["sentences (src x tgt)", "align time (s)", "inputs (MiB)",
                    "align working peak (MiB)", "inputs + working (MiB)",
                    "process peak RSS (MiB)", "gold beads recovered"],
                   [[f"{r['n']} x {r['m']}", f"{r['seconds']:.2f}", f"{r['inputs_mib']:.0f}",
                     f"{r['peak_traced_mib']:.0f}", f"{r['align_mib']:.0f}",
                     f"{r['peak_rss_mib']:.0f}", r["gold_recall"]] for r in rows]))
    svg_path = args.svg if args.svg is not None else (
        str(ROOT / "docs" / "align_scaling.svg") if default_dim else "")
    if svg_path:
        plot(rows, Path(svg_path))


if __name__ == "__main__":
    main()
