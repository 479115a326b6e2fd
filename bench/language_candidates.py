"""The language check's candidate languages: the pair's plausible set against a fixed set.

    .venv/bin/python bench/language_candidates.py

On NTREX-128 (all 1,997 sentence pairs, ../shared/data or $QA_SHARED_DATA) the lt-et pair is
judged with the languages `langs.plausible_languages("lt", "et")` gives and with the fixed
nine languages the check weighed before (lt, et, en, lv, fi, ru, de, fr, pl): how many clean
pairs get a language hit on either side (false alarms), and, with every other NTREX language
put in as the Estonian target, how many targets are flagged as not Estonian. Writes
bench/results/language_candidates.json and prints a markdown table.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align_common import md_table, write_results  # noqa: E402
from paths import DATA  # noqa: E402

from qa_pipeline.detect.checks.language import _side_hit, candidates  # noqa: E402

FIXED = ("de", "en", "et", "fi", "fr", "lt", "lv", "pl", "ru")
WRONG = {"deu": "de", "eng": "en", "fin": "fi", "lav": "lv", "pol": "pl", "rus": "ru"}


def main() -> None:
    ntrex = DATA / "ntrex128"
    side = {c: (ntrex / f"{c}.txt").read_text("utf-8").splitlines()
            for c in ("lit", "est", *WRONG)}
    sets = {"plausible (pair)": candidates("lt", "et"), "fixed nine": FIXED}
    results: dict[str, dict[str, object]] = {}
    for label, codes in sets.items():
        clean = sum(_side_hit(s, "lt", "source", codes) is not None
                    or _side_hit(t, "et", "target", codes) is not None
                    for s, t in zip(side["lit"], side["est"], strict=True))
        flagged = {code: sum(_side_hit(t, "et", "target", codes) is not None
                             for t in side[code]) for code in WRONG}
        results[label] = {"candidates": list(codes), "clean_pairs_with_a_hit": clean,
                          "wrong_target_flagged": flagged}
    n = len(side["lit"])
    write_results("language_candidates", {"pairs": n, "sets": results})
    headers = ["candidates", "languages", "clean pairs with a hit",
               *[f"{WRONG[c]} target flagged" for c in WRONG]]
    rows = [[label, ", ".join(r["candidates"]), f"{r['clean_pairs_with_a_hit']} / {n}",  # type: ignore[arg-type]
             *[f"{r['wrong_target_flagged'][c]} / {n}" for c in WRONG]]  # type: ignore[index]
            for label, r in results.items()]
    print(md_table(headers, rows))


if __name__ == "__main__":
    main()
