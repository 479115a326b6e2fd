"""The drift model's shipped format: one owner for reading, writing and checking it.

A calibration is a small JSON file in ``qa_pipeline/data`` (``drift_<model>.json``, or
``drift_<model>.<src>-<tgt>.json`` for one language pair), written by ``bench/train_drift.py``
through :meth:`Calibration.to_dict` and read back through :meth:`Calibration.from_dict`, which
checks the format version and that its stages take the inputs this version computes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ..errors import ModelError
from ..langs import base_lang
from .relative import RelativeReference

CALIBRATION_FORMAT = "qa_pipeline.drift_calibration/1"
GENERIC_MODEL = "generic"
# The span stage's inputs after the first stage's logit. Symmetric on purpose: either side
# may carry the words without counterpart, and the calibration data damages only one side.
SPAN_FEATURES = ("gain_max", "clause_max")
# Inputs of the in-domain stage added to the first stage's logit.
DOMAIN_FEATURES = ("chk_entity", "ent_gain")

QE_BLOCKS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "prod": lambda u, v: u * v,
    "absdiff": lambda u, v: np.abs(u - v),
    "src": lambda u, v: u,
    "tgt": lambda u, v: v,
}


def qe_inputs(src_vecs: np.ndarray, tgt_vecs: np.ndarray, blocks: Sequence[str]) -> np.ndarray:
    """The quality regression's input: the named blocks of the two embeddings side by side."""
    u, v = np.asarray(src_vecs, float), np.asarray(tgt_vecs, float)
    return np.hstack([QE_BLOCKS[b](u, v) for b in blocks])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -40, 40))), dtype=float)


def _extras(d: Mapping[str, Any] | None, core: Sequence[str]) -> dict[str, Any]:
    return {k: v for k, v in (d or {}).items() if k not in core}


@dataclass(frozen=True)
class Calibration:
    model_id: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    span_coef: np.ndarray | None  # [logit of stage 1, *SPAN_FEATURES] or None
    span_intercept: float
    ref_median: float | None  # cosine of correct translations; None for the generic model
    ref_mad: float | None
    thresholds: dict[str, float]
    qe_coef: np.ndarray | None = None  # ridge weights over the `qe_inputs` blocks
    qe_intercept: float = 0.0
    qe_inputs: tuple[str, ...] = ("prod",)
    domain_coef: np.ndarray | None = None  # weights over DOMAIN_FEATURES, or None
    domain_intercept: float = 0.0
    # Clean documents' within-document drift distribution (`relative.py`); None in older
    # files, which keep the robust z with a floor.
    relative: RelativeReference | None = None
    # What the file says about how it was made (encoder, training run, sub-model notes):
    # carried through to_dict unchanged, never read by the scorer.
    provenance: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> Calibration:
        name = d.get("model_id", "?")
        if d.get("format") != CALIBRATION_FORMAT:
            raise ModelError(f"drift calibration {name}: format {d.get('format')!r}, this "
                             f"version reads {CALIBRATION_FORMAT!r}; reinstall qa_pipeline")
        span = d.get("span_model")
        dom = d.get("domain_model")
        qe = d.get("qe")
        ref = d.get("reference") or {}
        if dom and tuple(dom["inputs"]) != DOMAIN_FEATURES:
            raise ModelError(f"drift calibration {name}: its domain stage takes "
                             f"{dom['inputs']}, this version computes {list(DOMAIN_FEATURES)}")
        if span and len(span["coef"]) != 1 + len(SPAN_FEATURES):
            raise ModelError(f"drift calibration {name}: its span model takes "
                             f"{len(span['coef'])} inputs, this version computes "
                             f"{1 + len(SPAN_FEATURES)}")
        unknown = [b for b in (qe or {}).get("inputs", ()) if b not in QE_BLOCKS]
        if unknown:
            raise ModelError(f"drift calibration {name}: unknown QE inputs {unknown}")
        return Calibration(
            model_id=str(name), features=tuple(d["features"]),
            mean=np.asarray(d["mean"], float), scale=np.asarray(d["scale"], float),
            coef=np.asarray(d["coef"], float), intercept=float(d["intercept"]),
            span_coef=None if not span else np.asarray(span["coef"], float),
            span_intercept=0.0 if not span else float(span["intercept"]),
            ref_median=ref.get("median"), ref_mad=ref.get("mad"),
            thresholds={k: float(v) for k, v in d["thresholds"].items()},
            qe_coef=None if not qe else np.asarray(qe["coef"], float),
            qe_intercept=0.0 if not qe else float(qe["intercept"]),
            qe_inputs=tuple(qe.get("inputs", ("prod",))) if qe else ("prod",),
            domain_coef=None if not dom else np.asarray(dom["coef"], float),
            domain_intercept=0.0 if not dom else float(dom["intercept"]),
            relative=(RelativeReference.from_dict(d["relative"]) if d.get("relative")
                      else None),
            provenance={
                "encoder": d.get("encoder"), "trained": d.get("trained"),
                "span_model": _extras(span, ("inputs", "coef", "intercept")),
                "domain_model": _extras(dom, ("inputs", "coef", "intercept")),
                "qe": _extras(qe, ("inputs", "coef", "intercept")),
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """The file's content; `from_dict(c.to_dict())` gives `c` back."""
        p = self.provenance
        span = None if self.span_coef is None else {
            "inputs": ["stage1_logit", *SPAN_FEATURES], "coef": self.span_coef.tolist(),
            "intercept": self.span_intercept, **p.get("span_model", {})}
        dom = None if self.domain_coef is None else {
            "inputs": list(DOMAIN_FEATURES), "coef": self.domain_coef.tolist(),
            "intercept": self.domain_intercept, **p.get("domain_model", {})}
        qe = None if self.qe_coef is None else {
            "inputs": list(self.qe_inputs), "coef": self.qe_coef.tolist(),
            "intercept": self.qe_intercept, **p.get("qe", {})}
        ref = (None if self.ref_median is None and self.ref_mad is None
               else {"median": self.ref_median, "mad": self.ref_mad})
        # "relative" only where there is one: files from before it stay byte-identical.
        rel = {} if self.relative is None else {"relative": self.relative.to_dict()}
        return {
            "format": CALIBRATION_FORMAT, "model_id": self.model_id,
            "encoder": p.get("encoder"), "features": list(self.features),
            "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "coef": self.coef.tolist(), "intercept": self.intercept, "reference": ref,
            "span_model": span, "domain_model": dom, "qe": qe, **rel,
            "thresholds": dict(self.thresholds), "trained": p.get("trained"),
        }

    def quality(self, src_vecs: np.ndarray, tgt_vecs: np.ndarray) -> np.ndarray:
        """The ridge quality estimate per pair (a DA z-score scale: higher is better)."""
        if self.qe_coef is None:
            return np.zeros(src_vecs.shape[0])
        x = qe_inputs(src_vecs, tgt_vecs, self.qe_inputs)
        if x.shape[1] != self.qe_coef.shape[0]:
            raise ModelError(f"drift calibration {self.model_id}: its quality estimate takes "
                             f"{self.qe_coef.shape[0]} inputs, this encoder gives {x.shape[1]}")
        return np.asarray(x @ self.qe_coef + self.qe_intercept, dtype=float)

    def stage1_logit(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        z = (x - self.mean) / self.scale
        return np.asarray(z @ self.coef + self.intercept, dtype=float)

    def domain_logit(self, x_domain: np.ndarray) -> np.ndarray:
        """The in-domain stage's addition to the logit, from DOMAIN_FEATURES columns."""
        if self.domain_coef is None or not x_domain.shape[0]:
            return np.zeros(x_domain.shape[0])
        return np.asarray(x_domain @ self.domain_coef + self.domain_intercept, dtype=float)

    def stage2_logit(self, logit1: np.ndarray, span_x: np.ndarray) -> np.ndarray:
        if self.span_coef is None:
            return logit1
        full = np.column_stack([logit1, span_x])
        return np.asarray(full @ self.span_coef + self.span_intercept, dtype=float)


def calibration_names(model_name: str, src_lang: str = "", tgt_lang: str = "") -> list[str]:
    """File names tried in order: language pair, model, generic."""
    names = [f"drift_{model_name}.json", f"drift_{GENERIC_MODEL}.json"]
    if src_lang and tgt_lang:
        names.insert(0, f"drift_{model_name}.{base_lang(src_lang)}-{base_lang(tgt_lang)}.json")
    return names


@lru_cache(maxsize=16)
def load_calibration(model_name: str, src_lang: str = "", tgt_lang: str = "") -> Calibration:
    """The shipped calibration for `model_name` and this language pair when there is one
    (``drift_<model>.<src>-<tgt>.json``), else the model's, else the scale-free generic one."""
    data = resources.files("qa_pipeline") / "data"
    for name in calibration_names(model_name, src_lang, tgt_lang):
        f = data / name
        if f.is_file():
            return Calibration.from_dict(json.loads(f.read_text(encoding="utf-8")))
    raise ModelError(f"no drift calibration in {data}; reinstall qa_pipeline")


def write_calibration(calib: Calibration, path: Any) -> None:
    """Write `calib` in the shipped format (checked by reading it back)."""
    data = calib.to_dict()
    Calibration.from_dict(data)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
