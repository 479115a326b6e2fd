"""The race: our aligner's run-vector methods against bertalign 2.0.1, same sentences, same model.

    bench/setup_bertalign.sh     # once: bertalign's bench-only Python 3.12 venv
    flock /tmp/qa-heavy.lock env OMP_NUM_THREADS=2 HF_HUB_OFFLINE=1 \
        .venv/bin/python bench/race.py                      # every corpus, every method
    ... bench/race.py --corpus ntrex --methods bertalign    # one part (merged into race.json)
    ... bench/race.py --report                              # the table from race.json only

Corpora: Text+Berg de-fr (7 documents with gold beads, scored together) and NTREX-128 lt-et
as one 1,997-sentence pair (lt line i translates et line i, so the gold is the identity 1-1).
Methods: "bertalign" (PyPI 2.0.1 in its own venv, fed our sentences with `is_split=True` and
our model directory; see race_bertalign.py) and ours, one per way of getting run vectors:
each Literal-typed field of AlignParams other than `scoring` (e.g. `runs`) gives one method
per value; without such a field, the one method is today's `embed_overlaps=true`.
`--ours KEY=VALUE[,KEY=VALUE]` names methods explicitly (AlignParams overrides, as
`align_textberg.py --set` reads them).

Every (corpus, method) runs in a fresh process: a cold model load, a fresh empty embedding
cache for ours (a temporary directory), its own peak RSS. "End to end" is model load +
embedding + alignment (language detection included for bertalign, which runs it even on
pre-split text); Python imports are reported apart (`process wall` includes them). Texts are
counted where they enter SentenceTransformer.encode in either tool, and tokens by one
tokenizer (the model's, with the prompt, truncated at its max_seq_length). Both sides are
scored with align_common.score (vecalign's strict / lax definition).
Writes bench/results/race.json (parts merge in by corpus and method) and prints a markdown
table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import typing
from dataclasses import fields
from pathlib import Path
from typing import Any

from align_common import md_table, score, write_results
from align_ntrex import documents as ntrex_documents
from align_textberg import documents as textberg_documents
from align_textberg import params_from

from qa_pipeline.align import AlignParams
from qa_pipeline.config import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "race.json"
BERTALIGN_VENV = Path(os.environ.get("BERTALIGN_VENV", "/work/bench-venvs/bertalign"))
CORPORA = ("textberg", "ntrex")
BERTALIGN = "bertalign"

Doc = dict[str, Any]  # {"name", "src", "tgt", "gold"}


def corpus_docs(corpus: str, names: list[str] | None = None) -> list[Doc]:
    if corpus == "textberg":
        return [{"name": name, "src": de, "tgt": fr, "gold": [list(map(list, g)) for g in gold]}
                for name, de, fr, gold in textberg_documents(names=names)]
    if corpus == "ntrex":
        lt: list[str] = []
        et: list[str] = []
        for a, b in ntrex_documents(None):
            lt += a
            et += b
        return [{"name": "ntrex128-lt-et", "src": lt, "tgt": et,
                 "gold": [[[i], [i]] for i in range(len(lt))]}]
    raise SystemExit(f"unknown corpus {corpus!r} (one of {', '.join(CORPORA)})")


def _head(doc: Doc, n: int) -> Doc:
    """The first n sentences of each side and the gold beads inside them (smoke tests)."""
    gold = [g for g in doc["gold"] if all(i < n for i in g[0]) and all(j < n for j in g[1])]
    return {**doc, "src": doc["src"][:n], "tgt": doc["tgt"][:n], "gold": gold}


def run_vector_methods() -> list[str]:
    """One override string per way of getting run vectors that AlignParams offers."""
    hints = typing.get_type_hints(AlignParams)
    out = []
    for f in fields(AlignParams):
        hint = hints.get(f.name)
        if f.name != "scoring" and typing.get_origin(hint) is typing.Literal:
            out += [f"{f.name}={v}" for v in typing.get_args(hint)]
    return out or ["embed_overlaps=true"]


def reference_method(methods: list[str]) -> str | None:
    """Today's "embed every run" aligner among `methods`: the one the issue compares against."""
    for m in methods:
        if m in ("runs=exact", "embed_overlaps=true"):
            return m
    return None


def label(overrides: str) -> str:
    return f"ours[{overrides}]"


def is_default(overrides: str) -> bool:
    return params_from(overrides.split(",") if overrides else []) == AlignParams()


# --------------------------------------------------------------------------- children


def child_ours(job: dict[str, Any], out: Path) -> None:
    """Our aligner in this (fresh) process: cold model load, empty cache, one corpus."""
    t_start = time.perf_counter()
    # sentence-transformers (and torch) are imported here, as bertalign imports them on
    # `import bertalign`: "model_load" is the model's construction alone on both sides.
    import sentence_transformers  # noqa: F401

    from qa_pipeline.align import align_sentences
    from qa_pipeline.cache import EmbeddingCache
    from qa_pipeline.cached_encoder import CachedEncoder
    from qa_pipeline.embed import load_encoder
    from qa_pipeline.io.beads import bead_pairs
    from qa_pipeline.rider_match import rider_match

    params = params_from(job["set"], job["model"])
    inner = load_encoder(job["model"])
    t_import = time.perf_counter() - t_start
    t0 = time.perf_counter()
    inner.load()
    t_load = time.perf_counter() - t0
    texts: list[str] = []
    prompts: set[str] = set()
    clock = {"embed": 0.0}
    # Counted where the texts enter our encoder (its sentence-transformers model or, for a
    # mean-pooled BERT directory such as e5-small, the lean forward pass: `bert.py`).
    inner_encode = inner.encode

    def recording_encode(sentences: Any, *args: Any, **kwargs: Any) -> Any:
        texts.extend(sentences)
        prompts.add(inner.prompt)
        t1 = time.perf_counter()
        try:
            return inner_encode(sentences, *args, **kwargs)
        finally:
            clock["embed"] += time.perf_counter() - t1

    inner.encode = recording_encode  # type: ignore[method-assign]
    cached = CachedEncoder(inner, EmbeddingCache(Path(job["cache"])))
    # The riders' word evidence, as `check` aligns (`rider_match.align_with_encoder`): its
    # passes over a few sentences' token states count in "align", not in the texts encoded.
    match = rider_match(cached, params.riders.layer) if params.riders.enabled else None
    docs_out = []
    t_docs = 0.0
    for doc in job["docs"]:
        t1 = time.perf_counter()
        beads = align_sentences(doc["src"], doc["tgt"], cached.encode, params, match=match)
        t_docs += time.perf_counter() - t1
        docs_out.append({"name": doc["name"], "beads": [list(map(list, b))
                                                        for b in bead_pairs(beads)]})
    Path(job["texts_out"]).write_text(json.dumps(texts), encoding="utf-8")
    out.write_text(json.dumps({
        "seconds": {"import": t_import, "model_load": t_load, "embed": clock["embed"],
                    "align": t_docs - clock["embed"], "end_to_end": t_load + t_docs},
        "texts_encoded": len(texts), "prompts": sorted(prompts), "docs": docs_out,
        "params": repr(params)}), encoding="utf-8")


def spawn(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a child; (wall seconds, peak RSS MiB, stderr tail). Fails loudly on error."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, usage.ru_maxrss / 1024, err[-2000:]


def count_tokens(texts: list[str], prompt: str, model_dir: Path) -> int:
    """Tokens the encoder saw: prompt + text through the model's tokenizer, truncated as
    sentence-transformers truncates (max_seq_length)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    cfg = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    limit = int(cfg.get("max_seq_length", 512))
    total = 0
    for s in range(0, len(texts), 2048):
        total += sum(min(limit, len(e.ids))
                     for e in tok.encode_batch([prompt + t for t in texts[s:s + 2048]]))
    return total


def run_one(corpus: str, method: str, docs: list[Doc], model: str, model_dir: Path,
            threads: int) -> dict[str, Any]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="false")
    with tempfile.TemporaryDirectory(prefix="race-") as tmp:
        job_path, out_path = Path(tmp) / "job.json", Path(tmp) / "out.json"
        texts_path = Path(tmp) / "t.json"
        job: dict[str, Any] = {
            "model": model, "model_dir": str(model_dir), "texts_out": str(texts_path),
            "cache": str(Path(tmp) / "cache" / "emb.sqlite"),
            "docs": [{k: d[k] for k in ("name", "src", "tgt")} for d in docs]}
        if method == BERTALIGN:
            py = BERTALIGN_VENV / "bin" / "python"
            if not py.exists():
                raise SystemExit(f"{py} is missing: run bench/setup_bertalign.sh first")
            cmd = [str(py), str(ROOT / "bench" / "race_bertalign.py"), str(job_path),
                   str(out_path)]
        else:
            job["set"] = [kv for kv in method.split(",") if kv]
            cmd = [sys.executable, __file__, "--child", str(job_path), str(out_path)]
            env["PYTHONPATH"] = os.pathsep.join(
                [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        job_path.write_text(json.dumps(job), encoding="utf-8")
        load_before = os.getloadavg()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        wall, rss, _ = spawn(cmd, env)
        res = json.loads(out_path.read_text(encoding="utf-8"))
        texts = json.loads(texts_path.read_text(encoding="utf-8"))
    prompt = _prompt(model_dir) if method == BERTALIGN else "".join(res.get("prompts", [""])[:1])
    golds = [[(tuple(s), tuple(t)) for s, t in d["gold"]] for d in docs]
    tests = [[(tuple(s), tuple(t)) for s, t in d["beads"]] for d in res["docs"]]
    res.pop("docs")
    res.update({
        "method": BERTALIGN if method == BERTALIGN else label(method),
        "overrides": None if method == BERTALIGN else method,
        "shipped_default": method != BERTALIGN and is_default(method),
        "process_wall_seconds": wall, "peak_rss_mib": rss,
        "tokens_encoded": count_tokens(texts, prompt, model_dir), "prompt": prompt,
        "sentences": [sum(len(d["src"]) for d in docs), sum(len(d["tgt"]) for d in docs)],
        "documents": len(docs), "threads": threads, "started_utc": started,
        "loadavg_before": list(load_before), "commit": _commit(),
        "scores": score(golds, tests)})
    return res


def _prompt(model_dir: Path) -> str:
    """The prompt sentence-transformers applies by default (what bertalign's encode gets)."""
    cfg = json.loads((model_dir / "config_sentence_transformers.json").read_text("utf-8"))
    name = cfg.get("default_prompt_name")
    return str((cfg.get("prompts") or {}).get(name, "")) if name else ""


def _commit() -> str:
    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True, text=True,
                              check=False).stdout.strip()
    head = git("rev-parse", "--short", "HEAD")
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


# --------------------------------------------------------------------------- report


def table(data: dict[str, Any]) -> str:
    rows = []
    all_runs = data.get("runs", {})
    for corpus in sorted(all_runs, key=lambda c: CORPORA.index(c) if c in CORPORA else 99):
        runs = all_runs[corpus]
        bert = runs.get(BERTALIGN)
        ref_key = next((k for k in runs if k in (label("runs=exact"),
                                                 label("embed_overlaps=true"))), None)
        ref = runs.get(ref_key) if ref_key else None
        for key, r in runs.items():
            s = r["seconds"]
            e2e = s["end_to_end"]
            vs_b = f"{e2e / bert['seconds']['end_to_end']:.2f}" if bert else ""
            vs_ref = f"{ref['seconds']['end_to_end'] / e2e:.2f}×" if ref else ""
            name = key + (" (shipped)" if r.get("shipped_default") else "")
            rows.append([corpus, name, f"{e2e:.1f}", f"{s['model_load']:.1f}",
                         f"{s['embed']:.1f}", f"{s['align']:.1f}",
                         f"{r['process_wall_seconds']:.1f}", f"{r['peak_rss_mib']:.0f}",
                         f"{r['texts_encoded']:,}", f"{r['tokens_encoded']:,}",
                         r["scores"]["f1_strict"], r["scores"]["f1_lax"], vs_b, vs_ref])
    return md_table(["corpus", "method", "end to end s", "model load s", "embed s", "align s",
                     "process wall s", "peak RSS MiB", "texts encoded", "tokens encoded",
                     "F1 strict", "F1 lax", "time / bertalign's", "speed-up vs embed every run"],
                    rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", nargs="*", default=list(CORPORA), choices=CORPORA)
    ap.add_argument("--methods", nargs="*", default=None,
                    help="'bertalign' and/or override strings of ours (default: all)")
    ap.add_argument("--ours", action="append", default=None,
                    help="KEY=VALUE[,KEY=VALUE] AlignParams overrides naming one of our "
                         "methods (repeatable; default: every run-vector mode)")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--report", action="store_true", help="print the table of race.json")
    ap.add_argument("--docs", nargs="*", default=None,
                    help="Text+Berg documents only (a smoke test: give --out too)")
    ap.add_argument("--out", default=None, help="results file instead of race.json")
    ap.add_argument("--head", type=int, default=None, help=argparse.SUPPRESS)  # smoke tests
    ap.add_argument("--child", nargs=2, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_ours(json.loads(Path(args.child[0]).read_text("utf-8")), Path(args.child[1]))
        return
    out = Path(args.out) if args.out else RESULTS
    if (args.docs is not None or args.head) and not args.out:
        raise SystemExit("--docs / --head run part of a corpus: give --out (race.json stays "
                         "whole)")
    data: dict[str, Any] = (json.loads(out.read_text("utf-8")) if out.exists()
                            else {"runs": {}})
    if not args.report:
        from qa_pipeline.models import resolve

        model_dir = Path(resolve(args.model)[0])
        ours = args.ours or run_vector_methods()
        methods = args.methods if args.methods is not None else [*ours, BERTALIGN]
        for m in methods:
            if m != BERTALIGN:
                params_from(m.split(","))  # unknown overrides fail before any work
        data.update({"model": args.model, "model_dir": str(model_dir),
                     "reference": reference_method(ours), "cpu_count": os.cpu_count()})
        for corpus in args.corpus:
            docs = corpus_docs(corpus, args.docs)
            if args.head:
                docs = [_head(d, args.head) for d in docs]
            for m in methods:
                res = run_one(corpus, m, docs, args.model, model_dir, args.threads)
                res["command"] = " ".join(["bench/race.py", *sys.argv[1:]])
                data["runs"].setdefault(corpus, {})[res["method"]] = res
                sc = res["scores"]
                print(f"{corpus} {res['method']}: {res['seconds']['end_to_end']:.1f} s end to "
                      f"end, {res['texts_encoded']} texts, strict F1 {sc['f1_strict']:.3f}",
                      file=sys.stderr)
                # after each part, so that a killed run keeps its work
                if args.out:
                    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
                else:
                    write_results("race", data)
    print(f"model {data.get('model')}, {data.get('cpu_count')} CPUs\n")
    print(table(data))


if __name__ == "__main__":
    main()
