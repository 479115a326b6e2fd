"""The rule checks on clean human translations of language pairs other than lt-et (analysis).

    .venv/bin/python bench/check_languages.py [--checks numbers negation brackets punctuation]

NTREX-128's 1,997 line-aligned sentences are human translations of one English text, so every
line pair of two translations says the same thing; a rule hit on them is a real divergence
between the translators or a misreading. For each pair of languages (lt-et first, the pair the
thresholds were set on) this counts the lines with a hit at major or above, and all hits by
severity, per check. No model is loaded. Writes bench/results/check_languages.json.
"""

from __future__ import annotations

import argparse
from collections import Counter

from align_common import md_table, write_results
from paths import DATA

from qa_pipeline.detect.checks import CHECKS

CODES = {"eng": "en", "lit": "lt", "est": "et", "lav": "lv", "fin": "fi", "deu": "de",
         "pol": "pl", "rus": "ru"}
PAIRS = (("lit", "est"), ("eng", "lit"), ("eng", "est"), ("lav", "lit"), ("lav", "est"),
         ("eng", "deu"), ("eng", "rus"), ("eng", "fin"), ("deu", "pol"), ("deu", "rus"),
         ("fin", "rus"), ("pol", "fin"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checks", nargs="*", default=["numbers"])
    args = ap.parse_args()
    lines = {c: (DATA / "ntrex128" / f"{c}.txt").read_text("utf-8").splitlines() for c in CODES}
    rows, out = [], {}
    for a, b in PAIRS:
        for name in args.checks:
            sev: Counter[str] = Counter()
            flagged = 0
            for s, t in zip(lines[a], lines[b], strict=True):
                hits = CHECKS[name].run(s, t, CODES[a], CODES[b])
                sev.update(h.severity for h in hits)
                flagged += any(h.severity != "minor" for h in hits)
            out[f"{a}-{b}/{name}"] = {"lines_major_plus": flagged, **sev}
            rows.append([f"{CODES[a]}–{CODES[b]}", name, flagged, sev["critical"], sev["major"],
                         sev["minor"]])
    write_results("check_languages", out)
    print(md_table(["pair", "check", "lines with a major+ hit (of 1,997)", "critical", "major",
                    "minor"], rows))


if __name__ == "__main__":
    main()
