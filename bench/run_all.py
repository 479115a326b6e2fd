"""Run every benchmark in turn (`make bench`); results land in bench/results/<name>.{json,md}.

One at a time on purpose: they all want both cores. BENCHMARKS.md quotes the numbers with the
command of each script; `--only NAME ...` re-runs a subset, `--list` shows them.

    .venv/bin/python bench/run_all.py
    .venv/bin/python bench/run_all.py --only drift_mlqe drift_ntrex
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from paths import DATA, RESULTS

BENCH = Path(__file__).resolve().parent

# name -> arguments after the script; the seed defect is named here, on the command line of a
# benchmark, never in the package.
SUITE: dict[str, list[str]] = {
    "align_scale": ["--svg", "docs/align_scaling.svg"],
    "stranger_cut": [],  # reports the cut; `--write` (by hand) stores it in the package
    "align_seeds": [],
    "align_textberg": [],
    "align_ntrex": [],
    "align_ablation": [],  # reads the embeddings the two before it cached
    "e2e_ntrex": [],
    "drift_seeds": ["--paragraph", "4", "--sentence", "3", "--words", "politseisse panna"],
    "drift_mlqe": [],
    "drift_ntrex": [],
    "drift_checks": [],
    "embed_speed": [],
    "report_speed": [],
}
NEEDS_DATA = {"stranger_cut", "align_textberg", "align_ntrex", "align_ablation", "e2e_ntrex",
              "drift_mlqe", "drift_ntrex", "drift_checks", "embed_speed"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        print("\n".join(SUITE))
        return 0
    names = args.only or list(SUITE)
    unknown = [n for n in names if n not in SUITE]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; see --list", file=sys.stderr)
        return 2
    if any(n in NEEDS_DATA for n in names) and not DATA.is_dir():
        print(f"{DATA}: shared benchmark data not found (set QA_SHARED_DATA)", file=sys.stderr)
        return 2
    failed = []
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in names:
        cmd = [sys.executable, str(BENCH / f"{name}.py"), *SUITE[name]]
        print(f"\n## {name}\n$ {' '.join(cmd[1:])}", flush=True)
        t0 = time.time()
        proc = subprocess.run(cmd, cwd=BENCH.parent, check=False, stdout=subprocess.PIPE,
                              text=True)
        rc = proc.returncode
        print(proc.stdout, end="", flush=True)
        # The printed tables too, beside the script's own JSON.
        (RESULTS / f"{name}.md").write_text(proc.stdout, encoding="utf-8")
        print(f"({name}: exit {rc}, {time.time() - t0:.0f} s)", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
