"""Sentence drift: how likely each aligned bead differs in meaning, in [0, 1].

A raw cosine alone ranks poorly: its scale differs between models, sentence lengths and
documents, and a correct but free translation can score below a subtly wrong one. So each bead
gets a few cheap signals, all from the embeddings the aligner already computed (cached):

* ``cos``     the cosine of the two sides;
* ``z_doc``   that cosine relative to the document's own beads (robust z, shrunk towards the
              model's reference distribution of correct translations for short documents);
* ``margin``  the cosine minus the best competing pairing of either side with a nearby bead
              (a replaced sentence matches its neighbour's counterpart better than its own);
* ``nbr``     the mean of the closest competing cosines (a hub-ness correction, as in CSLS);
* ``len_dev`` how far the length ratio strays from the document's typical ratio;
* ``short``   the log word count of the shorter side (short sentences have noisier cosines);
* ``chk_*``   the mechanical checks' hits (numbers, entities, negation) when available;
* ``ent_gain`` how much the cosine rises when the names the entity check found without a
              counterpart are cut out of both sides and the rest re-embedded (a swapped name
              has no counterpart and takes meaning with it; a translated or transliterated one
              that the spelling rules missed still has one, so cutting it gains nothing);
* ``qe``      a quality estimate: a ridge regression from the two embeddings (their
              element-wise product, absolute difference and the embeddings themselves) to
              human direct-assessment scores (MLQE-PE train). It is language-pair specific, so
              only a calibration for one language pair uses it (see ``load_calibration``).

A logistic model, trained per embedding model by ``bench/train_drift.py`` and shipped as a small
JSON file in ``qa_pipeline/data``, turns them into a probability. Its data are machine
translations with human scores; a separate in-domain fit on human translations (the "domain"
stage: a non-negative weight for the name evidence, the first stage's logit as a fixed offset)
sets how much an unmatched name is worth where names are inflected and transliterated; its
term is added to the logit of whichever stage scored the bead. The beads it ranks highest then
get occlusion-based span attribution (``spans.py``) within a budget proportional to the
document, and the span evidence refines their score and finds partial omissions/additions.
Severity thresholds come from the same calibration run (quantiles of clean pairs), never from
hand-set constants.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ..embed import Encoder
from ..types import Bead, Document, Span
from .findings import join_side, to_sentence_spans
from .spans import EMPTY_EVIDENCE, SideEvidence, attribute, coarse_cost, cut_spans

Progress = Callable[[int, int], None]

GENERIC_MODEL = "generic"
FEATURES_ALL = ("cos", "z_doc", "margin", "nbr", "len_dev", "short",
                "chk_number", "chk_entity", "chk_negation", "qe", "ent_gain")
QE_COLUMN = FEATURES_ALL.index("qe")
ENT_GAIN_COLUMN = FEATURES_ALL.index("ent_gain")
# Symmetric on purpose: either side may carry the words without counterpart, and the
# calibration data damages only one side.
SPAN_FEATURES = ("gain_max", "clause_max")
# Inputs of the in-domain stage added to the first stage's logit, and their FEATURES_ALL columns.
DOMAIN_FEATURES = ("chk_entity", "ent_gain")
DOMAIN_COLUMNS = [FEATURES_ALL.index(f) for f in DOMAIN_FEATURES]
CHECK_KINDS = ("number", "entity", "negation")  # Hit.kind values, in chk_* feature order
CHECK_NAMES = ("numbers", "entities", "negation")  # the checks registry names that emit them

# Competing pairings are looked for among this many beads either side (the aligner's horizon).
COMPETITOR_WINDOW = 20
NEIGHBOURS = 3
# Pseudo-count of reference beads mixed into a document's median/MAD: a 5-bead document leans
# on the model's reference distribution, a 500-bead one on its own.
SHRINK_BEADS = 8.0
# Occlusion budget: embeddings for span attribution, as a share of the bead texts embedded,
# with a floor so that a short document still gets its worst beads explained.
SPAN_BUDGET_FRACTION = 0.4
SPAN_BUDGET_FLOOR = 240
# Document-relative outliers need a distribution: at least this many beads, and a spread of at
# least this much (a document of uniformly good pairs has no outliers worth a look).
RELATIVE_MIN_BEADS = 6
RELATIVE_MAD_FLOOR = 0.05


@dataclass(frozen=True)
class DriftResult:
    drift: tuple[float, ...]  # one per bead, in [0, 1]; 1-0/0-1 beads get 1.0
    spans: dict[int, tuple[tuple[Span, ...], tuple[Span, ...]]]  # bead -> (source, target)
    partial: dict[int, str]  # bead -> "partial_omission" | "partial_addition"
    thresholds: dict[str, float]  # drift_critical / drift_major / drift_minor and span gains
    model_id: str  # which calibration file was used
    # Robust z-score of each bead's drift within its own document (0 for gap beads and for
    # documents too short to have a distribution): the document's own outliers.
    relative: tuple[float, ...]


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
    qe_coef: np.ndarray | None = None  # ridge weights over the QE_INPUTS blocks named below
    qe_intercept: float = 0.0
    qe_inputs: tuple[str, ...] = ("prod",)
    domain_coef: np.ndarray | None = None  # weights over DOMAIN_FEATURES, or None
    domain_intercept: float = 0.0

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Calibration:
        span = d.get("span_model")
        dom = d.get("domain_model")
        ref = d.get("reference") or {}
        if dom and tuple(dom["inputs"]) != DOMAIN_FEATURES:
            raise ValueError(f"drift calibration {d['model_id']}: its domain stage takes "
                             f"{dom['inputs']}, this version computes {list(DOMAIN_FEATURES)}; "
                             "re-run bench/train_drift.py")
        if span and len(span["coef"]) != 1 + len(SPAN_FEATURES):
            raise ValueError(f"drift calibration {d['model_id']}: its span model takes "
                             f"{len(span['coef'])} inputs, this version computes "
                             f"{1 + len(SPAN_FEATURES)}; re-run bench/train_drift.py")
        return Calibration(
            model_id=str(d["model_id"]), features=tuple(d["features"]),
            mean=np.asarray(d["mean"], float), scale=np.asarray(d["scale"], float),
            coef=np.asarray(d["coef"], float), intercept=float(d["intercept"]),
            span_coef=None if not span else np.asarray(span["coef"], float),
            span_intercept=0.0 if not span else float(span["intercept"]),
            ref_median=ref.get("median"), ref_mad=ref.get("mad"),
            thresholds={k: float(v) for k, v in d["thresholds"].items()},
            qe_coef=None if not d.get("qe") else np.asarray(d["qe"]["coef"], float),
            qe_intercept=0.0 if not d.get("qe") else float(d["qe"]["intercept"]),
            qe_inputs=tuple(d["qe"].get("inputs", ("prod",))) if d.get("qe") else ("prod",),
            domain_coef=None if not dom else np.asarray(dom["coef"], float),
            domain_intercept=0.0 if not dom else float(dom["intercept"]),
        )

    def quality(self, src_vecs: np.ndarray, tgt_vecs: np.ndarray) -> np.ndarray:
        """The ridge quality estimate per pair (a DA z-score scale: higher is better)."""
        if self.qe_coef is None:
            return np.zeros(src_vecs.shape[0])
        x = qe_inputs(src_vecs, tgt_vecs, self.qe_inputs)
        if x.shape[1] != self.qe_coef.shape[0]:
            return np.zeros(src_vecs.shape[0])  # another model's width: no estimate
        return np.asarray(x @ self.qe_coef + self.qe_intercept, dtype=float)

    def stage1_logit(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        z = (x - self.mean) / self.scale
        return np.asarray(z @ self.coef + self.intercept, dtype=float)

    def domain_logit(self, x_all: np.ndarray) -> np.ndarray:
        """The in-domain stage's addition to the logit, from full FEATURES_ALL rows."""
        if self.domain_coef is None or not x_all.shape[0]:
            return np.zeros(x_all.shape[0])
        return np.asarray(x_all[:, DOMAIN_COLUMNS] @ self.domain_coef + self.domain_intercept,
                          dtype=float)

    def stage2_logit(self, logit1: np.ndarray, span_x: np.ndarray) -> np.ndarray:
        if self.span_coef is None:
            return logit1
        full = np.column_stack([logit1, span_x])
        return np.asarray(full @ self.span_coef + self.span_intercept, dtype=float)


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


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -40, 40))), dtype=float)


@lru_cache(maxsize=16)
def load_calibration(model_name: str, src_lang: str = "", tgt_lang: str = "") -> Calibration:
    """The shipped calibration for `model_name` and this language pair when there is one
    (``drift_<model>.<src>-<tgt>.json``), else the model's, else the scale-free generic one."""
    data = resources.files("qa_pipeline") / "data"
    names = [f"drift_{model_name}.json", f"drift_{GENERIC_MODEL}.json"]
    if src_lang and tgt_lang:
        names.insert(0, f"drift_{model_name}.{_lang(src_lang)}-{_lang(tgt_lang)}.json")
    for name in names:
        f = data / name
        if f.is_file():
            return Calibration.from_dict(json.loads(f.read_text(encoding="utf-8")))
    raise FileNotFoundError(f"no drift calibration in {data}")  # the package is broken


def _lang(code: str) -> str:
    """'et-EE' / 'EST' -> 'et', as the language-pair calibration files are named."""
    from .checks.base import base_lang

    return base_lang(code)


def _robust(values: np.ndarray, ref_median: float | None,
            ref_mad: float | None) -> tuple[float, float]:
    n = float(values.size)
    med = float(np.median(values)) if n else 0.0
    mad = float(np.median(np.abs(values - med))) * 1.4826 if n else 0.0
    if ref_median is None or ref_mad is None:
        return med, max(mad, 1e-3)
    w = n / (n + SHRINK_BEADS)
    return w * med + (1 - w) * ref_median, max(w * mad + (1 - w) * ref_mad, 1e-3)


CharSpans = tuple[tuple[int, int], ...]


def check_scores(src_text: str, tgt_text: str, src_lang: str,
                 tgt_lang: str) -> tuple[tuple[float, ...], tuple[CharSpans, CharSpans]]:
    """Highest score per check kind (numbers, entities, negation), zeros without checks; and
    the (source, target) character spans of the names the entity check found unmatched."""
    try:
        from .checks import run_checks
    except ImportError:  # the checks are optional features; the model was told which it had
        return tuple(0.0 for _ in CHECK_KINDS), ((), ())
    best = dict.fromkeys(CHECK_KINDS, 0.0)
    names: tuple[CharSpans, CharSpans] = ((), ())
    for hit in run_checks(src_text, tgt_text, src_lang, tgt_lang, CHECK_NAMES):
        if hit.kind in best:
            best[hit.kind] = max(best[hit.kind], float(hit.score))
        if hit.kind == "entity":
            names = (names[0] + hit.source_spans, names[1] + hit.target_spans)
    return tuple(best[k] for k in CHECK_KINDS), names


def entity_gain(src_texts: Sequence[str], tgt_texts: Sequence[str], src_vecs: np.ndarray,
                tgt_vecs: np.ndarray, names: Sequence[tuple[CharSpans, CharSpans]],
                encoder: Encoder) -> np.ndarray:
    """How much the cosine rises when each bead's unmatched names are cut (0 without names,
    or when it falls); one encode call for all shortened sides."""
    out = np.zeros(len(src_texts))
    texts: list[str] = []
    slots: list[tuple[int, int]] = []  # (bead, side) of each shortened text
    for i, (s_sp, t_sp) in enumerate(names):
        for side, (text, spans) in enumerate(((src_texts[i], s_sp), (tgt_texts[i], t_sp))):
            cut = cut_spans(text, spans) if spans else ""
            if cut:
                texts.append(cut)
                slots.append((i, side))
    if not texts:
        return out
    vecs = encoder.encode(texts)
    new_s = np.array(src_vecs, dtype=float, copy=True)
    new_t = np.array(tgt_vecs, dtype=float, copy=True)
    for (i, side), v in zip(slots, vecs, strict=True):
        (new_s if side == 0 else new_t)[i] = v
    touched = sorted({i for i, _ in slots})
    before = np.einsum("ij,ij->i", src_vecs[touched], tgt_vecs[touched])
    after = np.einsum("ij,ij->i", new_s[touched], new_t[touched])
    out[touched] = np.maximum(after - before, 0.0)  # a loss means the names had counterparts
    return out


def bead_features(src_texts: Sequence[str], tgt_texts: Sequence[str], src_vecs: np.ndarray,
                  tgt_vecs: np.ndarray, calib: Calibration, src_lang: str,
                  tgt_lang: str, encoder: Encoder | None = None) -> np.ndarray:
    """One row of FEATURES_ALL per full bead of one document (beads in document order);
    ``ent_gain`` needs the `encoder` (it stays 0 without one)."""
    m = len(src_texts)
    out = np.zeros((m, len(FEATURES_ALL)))
    if m == 0:
        return out
    sims = src_vecs @ tgt_vecs.T
    cos = np.diag(sims).astype(float)
    med, mad = _robust(cos, calib.ref_median, calib.ref_mad)
    out[:, 0] = cos
    out[:, 1] = (cos - med) / mad
    for i in range(m):
        lo, hi = max(0, i - COMPETITOR_WINDOW), min(m, i + COMPETITOR_WINDOW + 1)
        comp = np.concatenate([np.delete(sims[i, lo:hi], i - lo),
                               np.delete(sims[lo:hi, i], i - lo)])
        if comp.size:
            out[i, 2] = cos[i] - comp.max()
            out[i, 3] = np.sort(comp)[-NEIGHBOURS:].mean()
        else:  # a one-bead document: no competitor, neutral values
            out[i, 2] = cos[i] - (calib.ref_median if calib.ref_median is not None else 0.0)
            out[i, 3] = 0.0
    ratio = np.array([math.log((len(t) + 1) / (len(s) + 1))
                      for s, t in zip(src_texts, tgt_texts, strict=True)])
    w = m / (m + SHRINK_BEADS)
    out[:, 4] = np.abs(ratio - w * float(np.median(ratio)))
    out[:, 5] = [math.log1p(min(len(s.split()), len(t.split())))
                 for s, t in zip(src_texts, tgt_texts, strict=True)]
    wanted = set(calib.features) | (set(DOMAIN_FEATURES) if calib.domain_coef is not None
                                    else set())
    if any(f.startswith("chk_") or f == "ent_gain" for f in wanted):
        names = []
        for i, (s, t) in enumerate(zip(src_texts, tgt_texts, strict=True)):
            scores, unmatched = check_scores(s, t, src_lang, tgt_lang)
            out[i, 6:9] = scores
            names.append(unmatched)
        if "ent_gain" in wanted and encoder is not None:
            out[:, ENT_GAIN_COLUMN] = entity_gain(src_texts, tgt_texts, src_vecs, tgt_vecs,
                                                  names, encoder)
    out[:, QE_COLUMN] = calib.quality(src_vecs, tgt_vecs)
    return out


def select(x: np.ndarray, calib: Calibration) -> np.ndarray:
    idx = [FEATURES_ALL.index(f) for f in calib.features]
    return x[:, idx]


def span_features(ev: Sequence[tuple[SideEvidence, SideEvidence]]) -> np.ndarray:
    return np.array([[max(s.gain, t.gain), max(s.clause_gain, t.clause_gain)] for s, t in ev],
                    dtype=float).reshape(len(ev), len(SPAN_FEATURES))


def partial_kind(src_ev: SideEvidence, tgt_ev: SideEvidence,
                 thresholds: dict[str, float]) -> str | None:
    """A clause-sized deletion explains the gap better than any short one: partial gap."""
    limit = thresholds.get("partial_gain")
    if limit is None:
        return None
    cands = []
    for kind, ev in (("partial_omission", src_ev), ("partial_addition", tgt_ev)):
        if ev.clause_gain >= limit and ev.clause_gain > ev.gain:
            cands.append((ev.clause_gain, kind))
    return max(cands)[1] if cands else None


def score_drift(src: Document, tgt: Document, beads: Sequence[Bead], encoder: Encoder,
                progress: Progress | None = None,
                calibration: Calibration | None = None) -> DriftResult:
    """Drift, spans and partial gaps for `beads`; the shipped calibration of the encoder's
    model unless `calibration` is given (the calibration script scores with a new one)."""
    calib = calibration or load_calibration(encoder.name, src.lang, tgt.lang)
    th = calib.thresholds
    full = [i for i, b in enumerate(beads) if b.source and b.target]
    s_texts = [join_side(src, beads[i].source)[0] for i in full]
    t_texts = [join_side(tgt, beads[i].target)[0] for i in full]
    vecs = encoder.encode(s_texts + t_texts)  # the aligner embedded the same texts: cached
    m = len(full)
    sv, tv = vecs[:m], vecs[m:]
    x = bead_features(s_texts, t_texts, sv, tv, calib, src.lang, tgt.lang, encoder)
    logit = calib.stage1_logit(select(x, calib))
    domain = calib.domain_logit(x)  # name evidence, added after either stage
    drift = _sigmoid(logit + domain)
    if progress:
        progress(1, 3)

    # Span attribution for the highest-scoring beads, within the occlusion budget: a short
    # document gets every bead explained, a long one its most suspicious share.
    budget = max(SPAN_BUDGET_FLOOR, int(SPAN_BUDGET_FRACTION * 2 * m))
    chosen: list[int] = []
    spent = 0
    for k in np.argsort(-drift, kind="stable"):
        # The refining pass adds a handful per side on top of the coarse pass.
        cost = coarse_cost(s_texts[k]) + coarse_cost(t_texts[k]) + 12
        if spent + cost > budget:
            continue
        chosen.append(int(k))
        spent += cost
    evidence = attribute([(s_texts[k], t_texts[k]) for k in chosen], sv[chosen], tv[chosen],
                         encoder) if chosen else []
    if progress:
        progress(2, 3)
    if chosen and calib.span_coef is not None:
        drift[chosen] = _sigmoid(calib.stage2_logit(logit[chosen], span_features(evidence))
                                 + domain[chosen])

    spans: dict[int, tuple[tuple[Span, ...], tuple[Span, ...]]] = {}
    partial: dict[int, str] = {}
    span_limit = th.get("span_gain", 0.0)
    for k, (s_ev, t_ev) in zip(chosen, evidence, strict=True):
        bead = beads[full[k]]
        kind = partial_kind(s_ev, t_ev, th)
        if kind is not None:
            partial[full[k]] = kind
        s_span = _side_span(s_ev, kind == "partial_omission", span_limit)
        t_span = _side_span(t_ev, kind == "partial_addition", span_limit)
        spans[full[k]] = (to_sentence_spans(src, bead.source, s_span),
                          to_sentence_spans(tgt, bead.target, t_span))

    out = [1.0] * len(beads)
    rel = [0.0] * len(beads)
    z = relative_drift(drift)
    for k, i in enumerate(full):
        out[i] = float(min(1.0, max(0.0, drift[k])))
        rel[i] = float(z[k])
    if progress:
        progress(3, 3)
    return DriftResult(drift=tuple(out), spans=spans, partial=partial,
                       thresholds=dict(th), model_id=calib.model_id, relative=tuple(rel))


def relative_drift(drift: np.ndarray) -> np.ndarray:
    """Robust z-score of each drift within the document (zeros below RELATIVE_MIN_BEADS)."""
    if drift.size < RELATIVE_MIN_BEADS:
        return np.zeros(drift.size)
    med = float(np.median(drift))
    mad = 1.4826 * float(np.median(np.abs(drift - med)))
    return np.asarray((drift - med) / max(mad, RELATIVE_MAD_FLOOR), dtype=float)


def _side_span(ev: SideEvidence, use_clause: bool, limit: float) -> list[tuple[int, int]]:
    if use_clause and ev.clause is not None:
        return [ev.clause]
    if ev.span is not None and ev.gain >= limit:
        return [ev.span]
    return []


def severity_for(drift: float, thresholds: dict[str, float],
                 relative: float | None = None) -> str | None:
    """Critical/major from absolute thresholds (quantiles of clean pairs); minor also for a
    document's own outliers (relative z at or above `drift_minor_relative`, the same quantile
    of clean documents): the shortlist a reviewer reads first."""
    for sev in ("critical", "major", "minor"):
        if drift >= thresholds[f"drift_{sev}"]:
            return sev
    limit = thresholds.get("drift_minor_relative")
    if relative is not None and limit is not None and relative >= limit:
        return "minor"
    return None


__all__ = ["EMPTY_EVIDENCE", "DriftResult", "load_calibration", "score_drift", "severity_for"]
