"""Batch runs on NTREX-128 split into its documents: cold, warm and one-edit reruns, and the
`processes` executor against `local`.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/batch_runs.py incremental        # all 123 documents
    HF_HUB_OFFLINE=1 .venv/bin/python bench/batch_runs.py executors --docs 30

The corpus (`<doc-id>/lt.txt`, `<doc-id>/et.txt`, one paragraph per document) is built under a
temp folder from ../shared/data/ntrex128, never in the project. Every run is the real CLI in
a fresh process (start-up and model load included) with its own, initially empty, embedding
cache; the models come from the user's model cache. Writes bench/results/batch_<what>.json
and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align_common import md_table, write_results  # noqa: E402
from paths import DATA  # noqa: E402

from qa_pipeline.config import DEFAULT_MODEL  # noqa: E402
from qa_pipeline.models import models_dir  # noqa: E402

NTREX = DATA / "ntrex128"
QA = [sys.executable, "-m", "qa_pipeline.cli"]


def build_corpus(dest: Path, limit: int | None = None) -> list[str]:
    """NTREX-128 lt/et as one folder per document id; returns the ids in corpus order."""
    ids = (NTREX / "document_ids.txt").read_text("utf-8").splitlines()
    sides = {lang: (NTREX / f"{code}.txt").read_text("utf-8").splitlines()
             for lang, code in (("lt", "lit"), ("et", "est"))}
    docs: OrderedDict[str, list[int]] = OrderedDict()
    for i, d in enumerate(ids):
        docs.setdefault(d, []).append(i)
    names = list(docs)[:limit]
    for n, d in enumerate(names):
        folder = dest / f"{n:03d}-{d.replace('/', '_')}"
        folder.mkdir(parents=True)
        for lang, lines in sides.items():
            (folder / f"{lang}.txt").write_text(" ".join(lines[i] for i in docs[d]) + "\n",
                                                "utf-8")
    return names


def cache_env(root: Path, **extra: str) -> dict[str, str]:
    """An empty embedding cache in `root`, the user's models linked in."""
    (root / "cache").mkdir(parents=True, exist_ok=True)
    if not (root / "cache" / "models").exists():
        (root / "cache" / "models").symlink_to(models_dir(), target_is_directory=True)
    return {**os.environ, "QA_PIPELINE_CACHE": str(root / "cache"), "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT), **extra}


def run(corpora: Path, out: Path, env: dict[str, str], model: str, *args: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    res = subprocess.run([*QA, "batch", str(corpora), "--out", str(out), "--model", model,
                          "--quiet", "--fail-on", "none", *args], env=env, capture_output=True,
                         text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"batch failed ({res.returncode}):\n{res.stderr}")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    return {"wall_s": round(wall, 2), **summary["run"], "pair_seconds": None,
            "findings": summary["totals"]["findings"]}


def startup(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([*QA, "--help"], env=env, capture_output=True, check=True)
    return round(time.perf_counter() - t0, 2)


def edit_one_sentence(corpora: Path) -> str:
    """Replace the first sentence of one document's Estonian side (the middle document)."""
    folders = sorted(p for p in corpora.iterdir() if p.is_dir())
    et = folders[len(folders) // 2] / "et.txt"
    text = et.read_text("utf-8")
    first = text.split(". ", 1)[0]
    et.write_text(text.replace(first, first + " ja see on muudetud lause", 1), "utf-8")
    return et.parent.name


def incremental(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="qa-batch-bench-") as tmp:
        root = Path(tmp)
        names = build_corpus(root / "corpora", args.docs)
        env = cache_env(root)
        rows = {"startup": {"wall_s": startup(env)}}
        rows["cold"] = run(root / "corpora", root / "reports", env, args.model)
        rows["warm"] = run(root / "corpora", root / "reports", env, args.model)
        edited = edit_one_sentence(root / "corpora")
        rows["one_edit"] = run(root / "corpora", root / "reports", env, args.model)
    cold = rows["cold"]["wall_s"]
    data = {"model": args.model, "docs": len(names), "edited_document": edited, "runs": rows,
            "warm_speedup": round(cold / rows["warm"]["wall_s"], 1),
            "one_edit_share_of_cold": round(rows["one_edit"]["wall_s"] / cold, 4),
            "target_warm_speedup": 20, "target_one_edit_share": "0.05 + start-up"}
    write_results("batch_incremental", data)
    print(md_table(["run", "wall s", "cache hits", "misses", "model loaded"],
                   [[k, v["wall_s"], v.get("cache", {}).get("hits", ""),
                     v.get("cache", {}).get("misses", ""), v.get("model_loaded", "")]
                    for k, v in rows.items()]))
    print(f"warm {data['warm_speedup']}x faster than cold; one edit "
          f"{100 * data['one_edit_share_of_cold']:.1f} % of cold")


FLOAT_TOL = 1e-4


def summary_diffs(a: Any, b: Any, path: str = "") -> list[dict[str, Any]]:
    """Every leaf where two summaries differ; `float` marks numbers within FLOAT_TOL."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b))
                for d in summary_diffs(a.get(k), b.get(k), f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in summary_diffs(x, y, f"{path}/{i}")]
    if a == b:
        return []
    close = (isinstance(a, float) and isinstance(b, float) and abs(a - b) <= FLOAT_TOL)
    return [{"path": path, "local": a, "processes": b, "float": close}]


def executors(args: argparse.Namespace) -> None:
    rows = {}
    # One corpus for both runs: the summaries name the input files, so they must be the same
    # paths; each run has its own, initially empty, cache and its own reports folder.
    with tempfile.TemporaryDirectory(prefix="qa-batch-bench-") as tmp:
        root = Path(tmp)
        names = build_corpus(root / "corpora", args.docs)
        for name, extra, env_extra in (
            ("local", [], {}),
            ("processes", ["--executor", "processes", "--workers", str(args.workers)],
             {"OMP_NUM_THREADS": str(args.worker_threads)}),
        ):
            reports = root / f"reports-{name}"
            rows[name] = run(root / "corpora", reports, cache_env(root / name, **env_extra),
                             args.model, *extra)
            rows[name]["summary"] = {k: v for k, v in json.loads(
                (reports / "summary.json").read_text("utf-8")).items() if k != "run"}
    diffs = summary_diffs(rows["local"].pop("summary"), rows["processes"].pop("summary"))
    same = not diffs
    exact = [d for d in diffs if not d["float"]]
    data = {"model": args.model, "docs": len(names), "cpus": os.cpu_count(),
            "workers": args.workers, "worker_threads": args.worker_threads, "runs": rows,
            "processes_over_local": round(rows["processes"]["wall_s"] / rows["local"]["wall_s"], 3),
            "same_summary": same,
            # Where the two differ: float fields within FLOAT_TOL are BLAS summation order
            # (1 OMP thread per worker against 2 in the local run), anything else is a bug.
            "differences": diffs, "same_up_to_float_noise": not exact,
            "float_tolerance": FLOAT_TOL}
    write_results("batch_executors", data)
    print(md_table(["executor", "wall s", "misses"],
                   [[k, v["wall_s"], v["cache"]["misses"]] for k, v in rows.items()]))
    print(f"processes / local = {data['processes_over_local']}; same summary: {same}; "
          f"differences beyond float noise: {len(exact)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("what", choices=["incremental", "executors"])
    ap.add_argument("--docs", type=int, default=None, help="first N documents (default all)")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--worker-threads", type=int, default=1,
                    help="OMP threads per worker process (cores / workers is fair)")
    args = ap.parse_args()
    incremental(args) if args.what == "incremental" else executors(args)


if __name__ == "__main__":
    main()
