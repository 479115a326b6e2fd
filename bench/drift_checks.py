"""Benchmark the mechanical checks on NTREX-128 lt-et: clean false-positive rates and detection
rates on seeded synthetic damage (bench/damage_drift.py).

    .venv/bin/python bench/drift_checks.py               # Markdown tables
    .venv/bin/python bench/drift_checks.py --fit-length --write  # refit the length model
    .venv/bin/python bench/drift_checks.py --show number # print clean pairs the check flags

Clean pairs are the 1,997 line-aligned NTREX sentences, treated as correct translations (they
are not all: some number and negation hits on them are real discrepancies between the two
human translations).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from damage_drift import DAMAGE_KINDS, Pair, damage  # noqa: E402
from paths import DATA as SHARED  # noqa: E402

from qa_pipeline.detect.checks import CHECKS, Hit  # noqa: E402

DATA = SHARED / "ntrex128"
SEED = 20240301
MAJOR = {"major", "critical"}
CONFIDENT = 0.5  # score threshold for the minor-only checks' confidence column
# Which check is expected to catch each damage kind.
EXPECTED = {"number": "numbers", "negation": "negation", "entity_swap": "entities",
            "clause_drop": "length", "replace": "length"}


def load(src: str = "lit", tgt: str = "est") -> list[Pair]:
    read = lambda name: (DATA / f"{name}.txt").read_text(encoding="utf-8").split("\n")  # noqa: E731
    s, t, d = read(src), read(tgt), read("document_ids")
    n = min(len(s), len(t), len(d))
    return [Pair(a, b, c) for a, b, c in zip(s[:n], t[:n], d[:n], strict=True) if a or b]


def run_all(src: str, tgt: str, sl: str, tl: str) -> dict[str, list[Hit]]:
    return {name: spec.run(src, tgt, sl, tl) for name, spec in CHECKS.items()}


def pct(x: int, n: int) -> str:
    return f"{100.0 * x / n:.2f} %" if n else "n/a"


def clean_table(pairs: Sequence[Pair], sl: str, tl: str) -> tuple[str, list[dict[str, list[Hit]]]]:
    results = [run_all(p.src, p.tgt, sl, tl) for p in pairs]
    n = len(pairs)
    rows = ["| check | any hit | minor | major | critical |", "|---|---|---|---|---|"]
    for name in CHECKS:
        sev = {"minor": 0, "major": 0, "critical": 0}
        anyhit = 0
        for r in results:
            hs = r[name]
            if hs:
                anyhit += 1
            worst = max((h.severity for h in hs), key=["minor", "major", "critical"].index,
                        default=None)
            if worst:
                sev[worst] += 1
        rows.append(f"| {name} | {pct(anyhit, n)} | {pct(sev['minor'], n)} | "
                    f"{pct(sev['major'], n)} | {pct(sev['critical'], n)} |")
    any_major = sum(1 for r in results if any(h.severity in MAJOR for hs in r.values() for h in hs))
    any_hit = sum(1 for r in results if any(r.values()))
    rows.append(f"| **all checks** | {pct(any_hit, n)} | | **major+: {pct(any_major, n)}** | |")
    return "\n".join(rows), results


def damage_table(pairs: Sequence[Pair], clean: list[dict[str, list[Hit]]], sl: str,
                 tl: str) -> str:
    rows = ["| damage | pairs | expected check | its hit rate (any) | its major+ rate | "
            "any check major+ | clean FP of that check on the same pairs (any / major+) |",
            "|---|---|---|---|---|---|---|"]
    extra: list[str] = []
    for kind in DAMAGE_KINDS:
        if kind not in EXPECTED:  # no check is meant to see it (word_swap: drift only)
            continue
        rng = random.Random(f"{SEED}-{kind}")
        dmg = damage(pairs, kind, rng, tgt_lang=tl)
        check = EXPECTED[kind]
        hit_any = hit_major = all_major = fp_any = fp_major = hit_conf = fp_conf = 0
        for d in dmg:
            r = run_all(d.src, d.tgt, sl, tl)
            hs = r[check]
            hit_any += bool(hs)
            hit_major += any(h.severity in MAJOR for h in hs)
            all_major += any(h.severity in MAJOR for v in r.values() for h in v)
            c = clean[d.index][check]
            fp_any += bool(c)
            fp_major += any(h.severity in MAJOR for h in c)
            hit_conf += any(h.score >= CONFIDENT for h in hs)
            fp_conf += any(h.score >= CONFIDENT for h in c)
        n = len(dmg)
        rows.append(f"| {kind} | {n} | {check} | {pct(hit_any, n)} | {pct(hit_major, n)} | "
                    f"{pct(all_major, n)} | {pct(fp_any, n)} / {pct(fp_major, n)} |")
        if kind == "number":
            # precision on a balanced set: the damaged pairs and the same pairs undamaged
            tp, fp = hit_major, fp_major
            prec = tp / (tp + fp) if tp + fp else float("nan")
            extra.append(f"- number change: recall (major+) {pct(hit_major, n)}, precision on "
                         f"{n} damaged + {n} clean versions of the same pairs {prec:.3f}")
        if kind in ("negation", "entity_swap"):
            extra.append(f"- {kind}: {check} hit (any severity) on {pct(hit_any, n)} of damaged "
                         f"vs {pct(fp_any, n)} of the same pairs clean; with score >= "
                         f"{CONFIDENT}: {pct(hit_conf, n)} vs {pct(fp_conf, n)}")
    return "\n".join(rows) + "\n\n" + "\n".join(extra)


def fit_length(pairs: Sequence[Pair], write: bool) -> None:
    """Fit (mu, A, B) per pair, var(log ratio) = A + B/n; print, and with `write` replace
    the package's data/length_model.json (the format the length check reads)."""
    import json

    import numpy as np

    from qa_pipeline.detect.checks import length as length_check

    fitted: dict[str, list[float]] = {}
    texts = {k: (DATA / f"{f}.txt").read_text(encoding="utf-8").split("\n")[: len(pairs)]
             for k, f in (("lt", "lit"), ("et", "est"), ("en", "eng"))}
    for a, b in (("lt", "et"), ("lt", "en"), ("et", "en")):
        la = np.array([max(1, len(x.strip())) for x in texts[a]], float)
        lb = np.array([max(1, len(x.strip())) for x in texts[b]], float)
        r, n = np.log(lb / la), (la + lb) / 2
        mu = float(np.median(r))
        res2 = (r - mu) ** 2
        keep = res2 < np.quantile(res2, 0.98)  # the fit must not chase the outliers it flags
        x = np.stack([np.ones(keep.sum()), 1 / n[keep]], 1)
        coef_a, coef_b = np.linalg.lstsq(x, res2[keep], rcond=None)[0]
        z = (r - mu) / np.sqrt(np.maximum(coef_a + coef_b / n, 1e-4))
        c = float(np.median(np.abs(z)) / 0.6745)  # rescale so |z| has a normal median
        coef_a, coef_b = coef_a * c * c, coef_b * c * c
        z = (r - mu) / np.sqrt(np.maximum(coef_a + coef_b / n, 1e-4))
        fitted[f"{a}-{b}"] = [round(mu, 4), round(float(coef_a), 5), round(float(coef_b), 4)]
        print(f'{a}-{b}: {fitted[f"{a}-{b}"]}  '
              f"|z|>3 {100 * (abs(z) > 3).mean():.2f} %, |z|>4 {100 * (abs(z) > 4).mean():.2f} %")
    if write:
        target = ROOT / "qa_pipeline" / "data" / length_check.LENGTH_MODEL_FILE
        old = json.loads(target.read_text(encoding="utf-8"))
        old.update(format=length_check.LENGTH_MODEL_FORMAT, pairs=fitted)
        target.write_text(json.dumps(old, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--fit-length", action="store_true")
    ap.add_argument("--write", action="store_true", help="with --fit-length: update the package")
    ap.add_argument("--show", metavar="CHECK", help="list clean NTREX pairs flagged by CHECK")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N pairs")
    args = ap.parse_args()
    pairs = load()
    if args.limit:
        pairs = pairs[: args.limit]
    if args.fit_length:
        fit_length(pairs, args.write)
        return
    sl, tl = "lt", "et"
    t0 = time.time()
    if args.show:
        for i, p in enumerate(pairs):
            for h in CHECKS[args.show].run(p.src, p.tgt, sl, tl):
                print(f"{i}\t{h.severity}\t{h.message}\n\tLT {p.src}\n\tET {p.tgt}")
        return
    print(f"## Mechanical checks on NTREX-128 {sl}-{tl} ({len(pairs)} pairs, seed {SEED})\n")
    print("### Clean pairs: share of pairs with a hit (worst severity per pair)\n")
    table, clean = clean_table(pairs, sl, tl)
    print(table)
    print("\n### Synthetic damage (target side), bench/damage_drift.py\n")
    print(damage_table(pairs, clean, sl, tl))
    print(f"\n_{time.time() - t0:.0f} s_")


if __name__ == "__main__":
    main()
