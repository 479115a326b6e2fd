"""N-way attribution on NTREX-128: which translation drifted?

Documents as units, English source plus three translations (lt, et, lv; line-aligned, so the
gold table is known). One damage at a time (replaced sentence, clause drop, entity swap,
negation, number; bench/damage_drift.py, seeded) goes into one translation of one row; the
benchmark asks whether the flagged row names the damaged language, with a source and without
one, and counts "drifted" attributions on clean rows. The same damage in pairwise mode (lt vs
et only) shows what the source adds: the pair can say *that* a row differs, never *which* side.

    .venv/bin/python bench/nway_ntrex.py --calibrate   # even docs: writes the shipped margin
    .venv/bin/python bench/nway_ntrex.py               # odd docs: the benchmark

Results: bench/results/nway_ntrex.json; the margin: qa_pipeline/data/nway_<model>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from damage_drift import DAMAGE_KINDS, damage  # noqa: E402
from drift_common import group_docs  # noqa: E402
from paths import CACHE_DIR, DATA, RESULTS  # noqa: E402

from qa_pipeline.cache import EmbeddingCache  # noqa: E402
from qa_pipeline.cached_encoder import CachedEncoder  # noqa: E402
from qa_pipeline.config import DEFAULT_MODEL, Config  # noqa: E402
from qa_pipeline.embed import Encoder, load_encoder  # noqa: E402
from qa_pipeline.io.readers import Inputs  # noqa: E402
from qa_pipeline.nway.attribute import contrasts  # noqa: E402
from qa_pipeline.nway.pipeline import (  # noqa: E402
    NwayEvidence,
    analyse_nway,
    gather_evidence,
    report_from,
)
from qa_pipeline.nway.thresholds import NWAY_FORMAT  # noqa: E402
from qa_pipeline.pipeline import analyse  # noqa: E402
from qa_pipeline.segment import build_document  # noqa: E402
from qa_pipeline.types import Document  # noqa: E402

FILES = {"en": "eng", "lt": "lit", "et": "est", "lv": "lav"}
TRANSLATIONS = ("lt", "et", "lv")
NEGATION_LANGS = ("lt", "et")  # the damage generator's negation rules
CLEAN_BLAME_RATE = 0.01  # the calibrated margin allows this share of clean rows a blame
CONTRAST_GAP_Q = 0.75  # quantile of clean flagged cells' agreement gaps (contrast_gap)


def load_docs(half: str) -> list[dict[str, list[str]]]:
    d = DATA / "ntrex128"
    lines = {k: (d / f"{f}.txt").read_text(encoding="utf-8").splitlines()
             for k, f in FILES.items()}
    ids = (d / "document_ids.txt").read_text(encoding="utf-8").splitlines()
    docs = [{k: [lines[k][i] for i in g] for k in FILES} for g in group_docs(ids)]
    return docs[0::2] if half == "even" else docs[1::2]


def as_doc(lang: str, sents: list[str]) -> Document:
    return build_document(f"{lang}.txt", lang, [sents])


def encoder(model: str) -> Encoder:
    if model.startswith("hash"):
        return load_encoder(model)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    return CachedEncoder(load_encoder(model), EmbeddingCache(CACHE_DIR / "nway.sqlite"))


def damaged_variant(doc: dict[str, list[str]], kind: str, rng: random.Random,
                    pool: list[tuple[str, str, str]]) -> tuple[str, int, str] | None:
    """(language, sentence index, damaged text) for one damage of `kind` in this document."""
    langs = [x for x in TRANSLATIONS if kind != "negation" or x in NEGATION_LANGS]
    lang = rng.choice(langs)
    pairs = [(s, t, "doc") for s, t in zip(doc["en"], doc[lang], strict=True)]
    if kind == "entity_swap":  # names come from other documents
        pairs += [p for p in pool if p[2] != "doc"]
    cands = [d for d in damage(pairs, kind, rng, tgt_lang=lang)
             if d.index < len(doc["en"]) and d.tgt != d.original_tgt]
    if not cands:
        return None
    d = rng.choice(cands)
    return lang, d.index, d.tgt


def select_docs(half: str, skip: int = 0, limit: int = 0
                ) -> tuple[list[dict[str, list[str]]], list[tuple[str, str, str]]]:
    """The half's documents after `skip`, at most `limit` (0: all), and the pool of (en, lt)
    sentence pairs that entity swaps draw names from."""
    docs = load_docs(half)[skip:]
    if limit:
        docs = docs[:limit]
    pool = [(s, t, f"d{k}") for k, doc in enumerate(docs) for s, t in zip(doc["en"], doc["lt"],
                                                                          strict=True)]
    return docs, pool


def damaged_documents(doc: dict[str, list[str]], rng: random.Random,
                      pool: list[tuple[str, str, str]]
                      ) -> Iterator[tuple[str, str, int, dict[str, list[str]]]]:
    """(kind, language, sentence index, the translations' sentences) for each damage kind
    that applies to this document, in DAMAGE_KINDS order (one draw of `rng` sequence)."""
    for kind in DAMAGE_KINDS:
        v = damaged_variant(doc, kind, rng, pool)
        if v is None:
            continue
        lang, i, text = v
        sents = {x: list(doc[x]) for x in TRANSLATIONS}
        sents[lang][i] = text
        yield kind, lang, i, sents


def run(args: argparse.Namespace) -> dict[str, object]:
    enc = encoder(args.model)
    cfg = Config(model=args.model)
    docs, pool = select_docs("even" if args.calibrate else "odd", args.skip, args.docs)
    rng = random.Random(args.seed)
    t0 = time.time()
    texts0 = getattr(enc, "misses", 0)
    clean = {"with_source": Counter(), "no_source": Counter()}
    cvals: dict[str, list[float]] = {"t": [], "g_src": [], "g_nosrc": []}
    for doc in docs:
        src = as_doc("en", doc["en"])
        trs = [as_doc(x, doc[x]) for x in TRANSLATIONS]
        with_src = gather_evidence(src, trs, enc, cfg)
        no_src = gather_evidence(None, trs, enc, cfg)
        if args.calibrate:
            for key, vals in zip(cvals, _stats(with_src, no_src), strict=True):
                cvals[key] += vals
            reports = [("with_source", report_from(with_src, enc, cfg))]
        else:
            reports = [(m, report_from(e, enc, cfg)) for m, e in (("with_source", with_src),
                                                                   ("no_source", no_src))]
        for mode, r in reports:
            clean[mode]["rows"] += len(r.rows)
            clean[mode]["blamed_rows"] += len({f.row for f in r.findings if f.drifted})
            clean[mode]["flagged_rows"] += len({f.row for f in r.findings})
    clean_time = time.time() - t0
    out: dict[str, object] = {"model": args.model, "docs": len(docs), "skip": args.skip,
                              "half": "even" if args.calibrate else "odd",
                              "clean": {m: dict(c) for m, c in clean.items()},
                              "clean_seconds": round(clean_time, 1),
                              "texts_embedded_clean": getattr(enc, "misses", 0) - texts0}
    if args.calibrate:
        return out | {"contrasts": cvals}
    per_kind: dict[str, Counter[str]] = {}
    for k, doc in enumerate(docs):
        for kind, lang, i, sents in damaged_documents(doc, rng, pool):
            src = as_doc("en", doc["en"])
            trs = [as_doc(x, sents[x]) for x in TRANSLATIONS]
            c = per_kind.setdefault(kind, Counter())
            c["n"] += 1
            modes = (("nosrc", None),) if args.no_source_only else (("src", src),
                                                                       ("nosrc", None))
            for mode, s in modes:
                rep = analyse_nway(s, trs, enc, cfg)
                row = next(r for r, row in enumerate(rep.rows) if i in row.cells[lang])
                here = [f for f in rep.findings if f.row == row]
                if here:
                    c[f"{mode}_flagged"] += 1
                    c[f"{mode}_named"] += any(f.drifted == lang for f in here)
                    c[f"{mode}_wrong"] += any(f.drifted not in (None, lang) for f in here)
            # pairwise mode: lt vs et, damage on either side
            if lang in ("lt", "et") and not args.no_source_only:
                rep2 = analyse(Inputs(as_doc("lt", sents["lt"]), as_doc("et", sents["et"])),
                               enc, cfg)
                side = "source" if lang == "lt" else "target"
                c["pair_n"] += 1
                c["pair_flagged"] += any(i in getattr(f, side) for f in rep2.findings)
        print(f"  damaged doc {k + 1}/{len(docs)}", file=sys.stderr, flush=True)
    out["damage"] = {k: dict(c) for k, c in per_kind.items()}
    out["seconds"] = round(time.time() - t0, 1)
    return out


def _stats(with_src: NwayEvidence, no_src: NwayEvidence) -> tuple[list[float], list[float],
                                                                  list[float]]:
    """For calibration, on a clean document: the drift-logit contrast and the agreement gap of
    every cell flagged against the source, and the agreement gap of every cell in a flagged
    translation pair (no source)."""
    ev = {b: e for (_, b), e in with_src.pairs.items()}
    t = [c for _, _, c in contrasts(with_src.rows, with_src.langs, ev)]
    g_src = [g for (r, x), g in with_src.gaps.items() if ev[x].severity.get(r) is not None]
    g_nosrc = [g for (r, x), g in no_src.gaps.items()
               if any(e.severity.get(r) is not None for (a, b), e in no_src.pairs.items()
                      if x in (a, b))]
    return t, g_src, g_nosrc


def rate(n: int, d: int) -> float:
    return round(n / d, 4) if d else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--docs", type=int, default=0, help="first N documents only")
    ap.add_argument("--no-source-only", action="store_true",
                    help="damaged documents: only the no-source mode (clean rows: both)")
    ap.add_argument("--skip", type=int, default=0,
                    help="leave out the first N documents of the half (a held-out slice)")
    ap.add_argument("--calibrate", action="store_true",
                    help="even documents: fit the margin and write the package's data file")
    args = ap.parse_args()
    res = run(args)
    if args.calibrate:
        import numpy as np

        stats: dict[str, list[float]] = res.pop("contrasts")  # type: ignore[assignment]
        rows = int(res["clean"]["with_source"]["rows"])  # type: ignore[index]
        # Each statistic alone may blame CLEAN_BLAME_RATE / 2 of the clean rows.
        allowed = int(CLEAN_BLAME_RATE / 2 * rows)

        def margin(vals: list[float]) -> float:
            v = np.sort(np.array(vals))
            return round(float(v[-allowed - 1]) + 1e-6, 6) if len(v) > allowed else 0.0

        data = {"format": NWAY_FORMAT, "model_id": f"nway-{args.model}/2",
                "margin": max(margin(stats["t"]), 0.0),
                "agreement_margin": max(margin(stats["g_src"]), 0.0),
                "agreement_margin_no_source": max(margin(stats["g_nosrc"]), 0.0),
                # the upper quartile of the agreement gaps of clean cells flagged against the
                # source: a cell blamed by its drift contrast must disagree with its peers too
                "contrast_gap": round(float(np.quantile(stats["g_src"], CONTRAST_GAP_Q)), 6),
                "fitted": f"each margin lets {CLEAN_BLAME_RATE / 2:.1%} of {rows} clean rows "
                          "(en + lt, et, lv; NTREX-128 even-numbered documents) blame a cell; "
                          f"contrast_gap: the {CONTRAST_GAP_Q:.0%} quantile of the agreement "
                          "gaps of clean cells flagged against the source",
                "command": "bench/nway_ntrex.py --calibrate"
                           + (f" --docs {args.docs}" if args.docs else "")}
        path = ROOT / "qa_pipeline" / "data" / f"nway_{args.model}.json"
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(res | {k: data[k] for k in ("margin", "agreement_margin",
                                                     "agreement_margin_no_source",
                                                     "contrast_gap")}
                         | {f"n_{k}": len(v) for k, v in stats.items()}, indent=1))
        return
    dmg = res["damage"]
    tot: Counter[str] = Counter()
    for c in dmg.values():  # type: ignore[union-attr]
        tot.update(c)
    print(f"## N-way attribution, NTREX-128 odd documents ({res['docs']}, after skipping "
          f"{args.skip}), en + lt, et, lv\n")
    print("| damage | n | with source: flagged | named / flagged | wrong | no source: flagged "
          "| named / flagged | wrong | pairwise lt-et: flagged |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, c0 in [*dmg.items(), ("all", tot)]:  # type: ignore[union-attr]
        c = Counter(c0)  # absent counts are 0
        print(f"| {kind} | {c['n']} | {rate(c['src_flagged'], c['n'])} | "
              f"{rate(c['src_named'], c['src_flagged'])} | {c['src_wrong']} | "
              f"{rate(c['nosrc_flagged'], c['n'])} | {rate(c['nosrc_named'], c['nosrc_flagged'])}"
              f" | {c['nosrc_wrong']} | {rate(c['pair_flagged'], c['pair_n'])} |")
    for mode, c in res["clean"].items():  # type: ignore[union-attr]
        print(f"\nclean rows, {mode}: {c['rows']} rows, with a 'drifted' attribution "
              f"{rate(c['blamed_rows'], c['rows'])}, with any finding "
              f"{rate(c['flagged_rows'], c['rows'])}")
    res["summary"] = {"named_with_source": rate(tot["src_named"], tot["src_flagged"]),
                      "named_without_source": rate(tot["nosrc_named"], tot["nosrc_flagged"])}
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = ("nway_ntrex" + (f"_skip{args.skip}" if args.skip else "")
            + ("_nosrc" if args.no_source_only else ""))
    (RESULTS / f"{name}.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(f"\n_{res['seconds']} s; {res['texts_embedded_clean']} texts embedded for the clean "
          f"runs_")


if __name__ == "__main__":
    main()
