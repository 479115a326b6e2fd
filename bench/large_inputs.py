"""Large inputs (#15): wall time and peak memory of `check` on pairs of 0.5 to 5 MB.

    QA_SHARED_DATA=/work/shared/data .venv/bin/python bench/large_inputs.py \
        --mb 0.5,1,5 --model hash [--dir /tmp/qa-large] [--timeout 3600]

The pairs are built outside the repository (`--dir`, default a folder in /tmp) from NTREX-128
lit/est: each NTREX document is a paragraph, and the corpus is repeated with " (k)" appended
to every sentence of copy k, so no text repeats and neither the cache nor the memo can help.
Each size runs once as a whole process under `/usr/bin/time -v` with an empty embedding cache
(the models linked in), `--fail-on none`, progress on stderr kept in the log; reports wall
seconds, peak RSS, the stage the run was in when it ended, and the bytes of the two sides.
Writes bench/results/large_inputs_MODEL.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.paths import DATA, RESULTS  # noqa: E402

NTREX = DATA / "ntrex128"


def build_pair(mb: float, folder: Path) -> tuple[Path, Path]:
    """lt/et files of about `mb` MB (lt side), each NTREX document a paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    lt_path, et_path = folder / "lt.txt", folder / "et.txt"
    if lt_path.exists() and et_path.exists():
        return lt_path, et_path
    ids = (NTREX / "document_ids.txt").read_text("utf-8").splitlines()
    sides = {lang: (NTREX / f"{lang}.txt").read_text("utf-8").splitlines()
             for lang in ("lit", "est")}
    target = int(mb * 1_000_000)
    out: dict[str, list[str]] = {"lit": [], "est": []}
    size, k = 0, 0
    while size < target:
        k += 1
        for lang in ("lit", "est"):
            doc, para = None, []
            for doc_id, line in zip(ids, sides[lang], strict=True):
                if doc is not None and doc_id != doc:
                    out[lang].append(" ".join(para))
                    para = []
                doc = doc_id
                para.append(f"{line} ({k})" if k > 1 else line)
            out[lang].append(" ".join(para))
        size = len("\n\n".join(out["lit"]).encode("utf-8"))
    lt_path.write_text("\n\n".join(out["lit"]) + "\n", "utf-8")
    et_path.write_text("\n\n".join(out["est"]) + "\n", "utf-8")
    return lt_path, et_path


def run_one(lt: Path, et: Path, model: str, timeout: int, work: Path) -> dict[str, object]:
    cache = work / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    models = Path.home() / ".cache" / "qa_pipeline" / "models"
    if models.exists() and not (cache / "models").exists():
        (cache / "models").symlink_to(models)
    env = dict(os.environ, QA_PIPELINE_CACHE=str(cache), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1")
    log = work / "stderr.log"
    cmd = ["/usr/bin/time", "-v", "timeout", str(timeout), sys.executable, "-m",
           "qa_pipeline.cli", "check", str(lt), str(et), "--src-lang", "lt", "--tgt-lang", "et",
           "--model", model, "--out", str(work / "out"), "--fail-on", "none"]
    t0 = time.perf_counter()
    with log.open("w") as err:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, check=False)
    wall = time.perf_counter() - t0
    text = log.read_text("utf-8", "replace")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    stages = re.findall(r"^([a-z][\w -]+?)[: ]+\d+/\d+", text, re.M)
    return {"returncode": proc.returncode, "wall_s": round(wall, 1),
            "peak_rss_mib": round(int(rss.group(1)) / 1024, 1) if rss else None,
            "finished": proc.returncode == 0, "last_stage": stages[-1] if stages else None,
            "bytes": {"lt": lt.stat().st_size, "et": et.stat().st_size}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", default="0.5,1,5")
    ap.add_argument("--model", default="hash")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "qa-large")
    ap.add_argument("--timeout", type=int, default=3600)
    args = ap.parse_args()
    results = {}
    for mb in (float(x) for x in args.mb.split(",")):
        lt, et = build_pair(mb, args.dir / f"{mb:g}")
        with tempfile.TemporaryDirectory() as tmp:
            res = run_one(lt, et, args.model, args.timeout, Path(tmp))
        results[f"{mb:g}"] = res
        print(f"{mb:g} MB: {json.dumps(res)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = Path(args.model).name
    (RESULTS / f"large_inputs_{name}.json").write_text(
        json.dumps({"command": " ".join(sys.argv), "model": args.model, "results": results},
                   indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
