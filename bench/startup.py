"""Start-up cost of the CLI as a CI job pays it: wall time and peak RSS of whole processes.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 .venv/bin/python bench/startup.py [--runs 5]
        [--tree DIR] [--label NAME] [--only help,warm,warm_lid_cold,cold,batch]

Each scenario runs `/usr/bin/time -v python -m qa_pipeline.cli ...` `--runs` times after one
uncounted warm-up and reports the median (and min-max) wall seconds and peak RSS:

* `help`: `qa-pipeline --help`;
* `warm`: `check` of the seed pair (corpora/customer-loyalty) with every embedding (and, where
  the tree keeps them, every language-check confidence) cached by the runs before;
* `warm_lid_cold`: the same with the embeddings cached but no language-check records (a cache
  written before the records existed); skipped for a tree without them;
* `cold`: `check` of the seed pair with an empty embedding cache (model load and every
  embedding included; the OS file cache is warm);
* `batch`: `batch corpora` (the one seed document) into a fresh output folder, cache warm.

`--tree` measures another checkout of the project (e.g. `git archive` of an older commit):
its code runs, this script's corpus is used. The runs share one cache folder under a temp dir
(the user's models linked in), emptied by `cold` and warm after it. Writes
bench/results/startup[_LABEL].json.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align_common import md_table, write_results  # noqa: E402

from qa_pipeline.config import DEFAULT_MODEL  # noqa: E402
from qa_pipeline.models import models_dir  # noqa: E402

SEEDS = ROOT / "corpora" / "customer-loyalty"
# In this order: `cold` leaves the warm cache the later ones start from.
SCENARIOS = ("help", "cold", "warm", "warm_lid_cold", "batch")
_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")
_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one run of `cmd` under /usr/bin/time -v, in the tree
    being measured (`python -m` puts the working directory first on the path)."""
    res = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, capture_output=True,
                         text=True, cwd=env["PYTHONPATH"])
    if res.returncode not in (0, 1):  # 1: findings at or above --fail-on
        raise SystemExit(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stderr[-3000:]}")
    wall = _WALL.search(res.stderr)
    rss = _RSS.search(res.stderr)
    if wall is None or rss is None:
        raise SystemExit(f"no /usr/bin/time figures in:\n{res.stderr[-2000:]}")
    h, m, s = wall.groups()
    return int(h or 0) * 3600 + int(m) * 60 + float(s), int(rss.group(1)) / 1024


def _drop_records(cache: Path) -> bool:
    """Delete the language-check records of the cache; False if it has none (older tree)."""
    db = sqlite3.connect(str(cache / "embeddings.sqlite"))
    try:
        if not db.execute("SELECT name FROM sqlite_master WHERE name = 'rec'").fetchone():
            return False
        with db:
            db.execute("DELETE FROM rec")
        return True
    finally:
        db.close()


def scenario(name: str, work: Path, python: list[str], env: dict[str, str],
             runs: int, model: str) -> dict[str, Any] | None:
    cache = work / "cache"
    out = work / "out"
    check = [*python, "check", str(SEEDS / "lt.txt"), str(SEEDS / "et.txt"), "--out", str(out),
             "--quiet", "--fail-on", "none", "--model", model]
    cmd = {"help": [*python, "--help"], "warm": check, "warm_lid_cold": check, "cold": check,
           "batch": [*python, "batch", str(ROOT / "corpora"), "--out", str(out), "--quiet",
                     "--fail-on", "none", "--model", model]}[name]
    snapshot = work / "warm-cache"

    def prepare() -> bool:
        shutil.rmtree(out, ignore_errors=True)
        if name == "cold":
            for f in cache.glob("embeddings.sqlite*"):
                f.unlink()
        elif name == "warm_lid_cold":
            for f in cache.glob("embeddings.sqlite*"):
                f.unlink()
            for f in snapshot.glob("embeddings.sqlite*"):
                shutil.copy2(f, cache / f.name)
            return _drop_records(cache)
        return True

    if name == "warm_lid_cold":  # the warm cache of the seed check, taken once
        subprocess.run(check, env=env, capture_output=True, cwd=env["PYTHONPATH"])
        snapshot.mkdir(exist_ok=True)
        for f in snapshot.glob("embeddings.sqlite*"):
            f.unlink()
        for f in cache.glob("embeddings.sqlite*"):
            shutil.copy2(f, snapshot / f.name)
    figures: list[tuple[float, float]] = []
    for i in range(runs + 1):
        if not prepare():
            return None
        w, r = timed(cmd, env)
        if i:  # the first run is the uncounted warm-up (and fills the cache for `warm`)
            figures.append((w, r))
    walls = [w for w, _ in figures]
    rsss = [r for _, r in figures]
    return {"wall_s": round(statistics.median(walls), 2),
            "wall_range": [round(min(walls), 2), round(max(walls), 2)],
            "rss_mib": round(statistics.median(rsss)), "rss_range": [round(min(rsss)),
                                                                     round(max(rsss))],
            "runs": len(figures),
            "command": "qa-pipeline " + " ".join(cmd[len(python):])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code runs")
    ap.add_argument("--label", default="", help="results name suffix, e.g. before")
    ap.add_argument("--only", default=",".join(SCENARIOS))
    ap.add_argument("--model", default=DEFAULT_MODEL, help="'hash' for a quick dry run")
    args = ap.parse_args()
    given = [s for s in args.only.split(",") if s]
    wanted = [s for s in SCENARIOS if s in given]
    unknown = set(given) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenario(s) {sorted(unknown)}; known: {SCENARIOS}")
    python = [sys.executable, "-m", "qa_pipeline.cli"]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="qa-startup-") as tmp:
        work = Path(tmp)
        (work / "cache").mkdir(parents=True)
        (work / "cache" / "models").symlink_to(models_dir(), target_is_directory=True)
        env = {**os.environ, "QA_PIPELINE_CACHE": str(work / "cache"),
               "PYTHONPATH": str(args.tree.resolve()), "HF_HUB_OFFLINE": "1",
               "TRANSFORMERS_OFFLINE": "1"}
        env.setdefault("OMP_NUM_THREADS", "2")
        for name in wanted:
            res = scenario(name, work, python, env, args.runs, args.model)
            if res is not None:
                results[name] = res
                print(f"{name}: {res['wall_s']} s, {res['rss_mib']} MiB", file=sys.stderr)
    label = f"_{args.label}" if args.label else ""
    write_results(f"startup{label}", {"tree": str(args.tree), "model": args.model,
                                      "cpus": os.cpu_count(),
                                      "load_before": os.getloadavg(), "scenarios": results})
    rows: list[list[object]] = [
        [n, r["wall_s"], f"{r['wall_range'][0]}-{r['wall_range'][1]}", r["rss_mib"],
         f"{r['rss_range'][0]}-{r['rss_range'][1]}"] for n, r in results.items()]
    print(md_table(["scenario", "wall s (median)", "min-max", "peak RSS MiB (median)",
                    "min-max"], rows))


if __name__ == "__main__":
    main()
