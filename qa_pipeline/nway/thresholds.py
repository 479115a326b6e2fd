"""The n-way attribution thresholds, shipped per embedding model as data.

``data/nway_<model>.json`` (format ``qa_pipeline.nway_thresholds/1``) is written by
``bench/nway_ntrex.py --calibrate`` from clean NTREX-128 rows of the even-numbered documents
(the benchmark reports on the odd-numbered ones). `margin` is how far a translation's drift
logit must exceed every other translation's on the same row for that translation alone to be
blamed; `agreement_margin` how much less a cell must agree with the other translations than
they agree among themselves (`score.agreement_gaps`), with a source and without one;
`contrast_gap` the agreement gap a cell blamed by its drift contrast must reach as well (it
disagrees with the source *and* with the other translations). Without a file for the model
the generic one applies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import ModelError

NWAY_FORMAT = "qa_pipeline.nway_thresholds/1"


@dataclass(frozen=True)
class NwayThresholds:
    model_id: str
    margin: float  # drift-logit contrast against the peers (with a source)
    agreement_margin: float  # agreement gap, with a source
    agreement_margin_no_source: float
    # A drift-contrast blame also needs the cell to disagree with the other translations:
    # its agreement gap at least this (the upper quartile of clean flagged cells' gaps).
    contrast_gap: float = 0.0


@lru_cache(maxsize=8)
def load_nway_thresholds(model_name: str) -> NwayThresholds:
    data = resources.files("qa_pipeline") / "data"
    for name in (f"nway_{model_name}.json", "nway_generic.json"):
        f = data / name
        if f.is_file():
            d = json.loads(f.read_text(encoding="utf-8"))
            if d.get("format") != NWAY_FORMAT:
                raise ModelError(f"{name}: format {d.get('format')!r}, this version reads "
                                 f"{NWAY_FORMAT!r}; reinstall qa_pipeline")
            return NwayThresholds(str(d["model_id"]), float(d["margin"]),
                                  float(d["agreement_margin"]),
                                  float(d["agreement_margin_no_source"]),
                                  float(d.get("contrast_gap", 0.0)))
    raise ModelError(f"no n-way thresholds in {data}; reinstall qa_pipeline")
