"""Size and time-to-interactive of the HTML report for an NTREX-sized document pair.

Generates a synthetic report (about 2,000 sentence beads in 123 paragraphs, like NTREX-128;
no model needed), renders it, and loads it from file:// in headless Chromium several times.

Usage: python bench/report_speed.py [--beads 2000] [--runs 5] [--out DIR]

"interactive" is the time from navigation start until the main thread is free again after
the page's script has run and the first frame was produced (a task queued from a
requestAnimationFrame callback after the load event), i.e. when a key press or click would be
handled; `ready` is when the report script finished wiring its handlers.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SYLLABLES = ("ka", "lo", "mi", "nė", "tu", "ra", "si", "vė", "ja", "ūs", "pa", "de", "ko",
             "äe", "õu", "le", "ti", "mu", "ga", "nu", "šo", "žy", "ie", "ei")
KINDS = ("drift", "number", "negation", "entity", "url", "punctuation", "brackets",
         "partial_omission", "partial_addition", "length", "language")


def _sentence(rng: random.Random, words: int) -> str:
    ws = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
          for _ in range(words)]
    if rng.random() < 0.3:
        ws.insert(rng.randrange(len(ws)), str(rng.randint(2, 2030)))
    return " ".join(ws).capitalize() + "."


def _doc(path: str, lang: str, par_sizes: list[int], texts: list[str]) -> dict[str, Any]:
    paragraphs, sentences = [], []
    for pid, size in enumerate(par_sizes):
        ids = []
        for _ in range(size):
            sid = len(sentences)
            ids.append(sid)
            sentences.append({"id": sid, "paragraph": pid, "text": texts[sid]})
        paragraphs.append({"id": pid, "sentences": ids})
    return {"path": path, "lang": lang, "paragraphs": paragraphs, "sentences": sentences}


def synthetic_report(n_beads: int = 2000, n_paragraphs: int = 123, seed: int = 0) -> dict[str, Any]:
    """A plausible report.json: mostly 1:1 beads, a few 1:0/0:1/2:1, ~8% flagged."""
    rng = random.Random(seed)
    shapes = []
    for _ in range(n_beads):
        r = rng.random()
        shapes.append((1, 0) if r < 0.01 else (0, 1) if r < 0.02 else (2, 1) if r < 0.04
                      else (1, 1))
    src_texts: list[str] = []
    tgt_texts: list[str] = []
    alignment: list[dict[str, Any]] = []
    for ns, nt in shapes:
        s_ids = list(range(len(src_texts), len(src_texts) + ns))
        t_ids = list(range(len(tgt_texts), len(tgt_texts) + nt))
        src_texts += [_sentence(rng, rng.randint(12, 30)) for _ in range(ns)]
        tgt_texts += [_sentence(rng, rng.randint(10, 26)) for _ in range(nt)]
        sim = round(rng.betavariate(8, 2), 3) if ns and nt else None
        drift = 1.0 if sim is None else round(max(0.0, min(1.0, 1.0 - sim + rng.gauss(0, .05))), 3)
        alignment.append({"source": s_ids, "target": t_ids, "similarity": sim,
                          "confidence": round(rng.random(), 3), "drift": drift})

    def sizes(n: int) -> list[int]:
        cuts = sorted(rng.sample(range(1, n), n_paragraphs - 1))
        return [b - a for a, b in zip([0, *cuts], [*cuts, n], strict=True)]

    src = _doc("ntrex/newstest2019-ref.lt.txt", "lt", sizes(len(src_texts)), src_texts)
    tgt = _doc("ntrex/newstest2019-ref.et.txt", "et", sizes(len(tgt_texts)), tgt_texts)
    findings = []
    for i, bead in enumerate(alignment):
        s_ids, t_ids = bead["source"], bead["target"]
        if not t_ids or not s_ids:
            kind, sev = ("omission", "critical") if not t_ids else ("addition", "major")
        elif bead["drift"] > 0.35 or rng.random() < 0.04:
            kind, sev = rng.choice(KINDS), rng.choice(("critical", "major", "minor", "minor"))
        else:
            continue

        def spans(ids: list[int], sents: list[dict[str, Any]]) -> list[list[int]]:
            out = []
            for sid in ids[:1]:
                n = len(sents[sid]["text"])
                a = rng.randrange(0, max(1, n - 12))
                out.append([sid, a, min(n, a + rng.randint(4, 24))])
            return out

        findings.append({
            "id": f"{rng.getrandbits(48):012x}", "kind": kind, "severity": sev,
            "score": round(rng.random(), 3), "source": s_ids, "target": t_ids,
            "source_spans": spans(s_ids, src["sentences"]),
            "target_spans": spans(t_ids, tgt["sentences"]),
            "message": f"{kind} at row {i}: drift {bead['drift']:.2f}",
        })
    n_sp, n_tp = len(src["paragraphs"]), len(tgt["paragraphs"])
    para_sim = [[round(rng.betavariate(2, 6), 3) for _ in range(n_tp)] for _ in range(n_sp)]
    for k in range(min(n_sp, n_tp)):
        para_sim[k][k] = round(rng.betavariate(9, 2), 3)
    return {
        "schema": "qa_pipeline.report/1",
        "signature": {"version": "0.1.0", "model": "sentence-transformers/LaBSE",
                      "model_revision": "e34fab64a3011d2176c99545a93d5cbddc9a91b7",
                      "segmenter": "sentencex", "thresholds": {"drift": 0.35}},
        "source": src, "target": tgt,
        "paragraph_alignment": [{"source": [k], "target": [k], "similarity": para_sim[k][k]}
                                for k in range(min(n_sp, n_tp))],
        "paragraph_similarity": para_sim,
        "alignment": alignment, "findings": findings,
    }


INTERACTIVE_JS = """() => new Promise(resolve => requestAnimationFrame(() => setTimeout(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  resolve({interactive: performance.now(), ready: window.qaReady,
           dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd});
}, 0)))"""


def measure(html: Path, runs: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright
    from screenshot import CHROMIUM, FLAGS  # same launch settings as the screenshots

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for _ in range(runs):
                # A fresh context per run: no cached parse or compiled script carries over.
                ctx = browser.new_context(viewport={"width": 1440, "height": 900})
                page = ctx.new_page()
                page.goto(html.resolve().as_uri(), wait_until="load")
                timing = page.evaluate(INTERACTIVE_JS)
                t0 = time.perf_counter()
                page.keyboard.press("j")
                page.wait_for_selector("li.finding.current")
                timing["first_j_ms"] = (time.perf_counter() - t0) * 1000
                results.append(timing)
                ctx.close()
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--beads", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None, help="keep report.json/report.html here")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from qa_pipeline.report import write_html

    out = args.out or Path(tempfile.mkdtemp(prefix="report-speed-"))
    out.mkdir(parents=True, exist_ok=True)
    report = synthetic_report(args.beads)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    t0 = time.perf_counter()
    write_html(report, out / "report.html")
    render_s = time.perf_counter() - t0
    size = (out / "report.html").stat().st_size
    print(f"beads={len(report['alignment'])} findings={len(report['findings'])} "
          f"paragraphs={len(report['source']['paragraphs'])}x{len(report['target']['paragraphs'])}")
    print(f"render: {render_s:.2f} s   size: {size / 1e6:.2f} MB ({size} bytes)   "
          f"limit 3 MB: {'ok' if size < 3_000_000 else 'OVER'}")
    runs = measure(out / "report.html", args.runs)
    for key in ("dcl", "ready", "interactive", "first_j_ms"):
        vals = [r[key] for r in runs]
        print(f"{key:>12}: median {statistics.median(vals):7.0f} ms   "
              f"min {min(vals):7.0f}   max {max(vals):7.0f}")
    worst = max(r["interactive"] for r in runs)
    median = statistics.median(r["interactive"] for r in runs)
    print(f"interactive < 1 s: {'ok' if median < 1000 else 'SLOW'} "
          f"(worst run {worst:.0f} ms)   files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
