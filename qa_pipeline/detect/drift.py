"""Sentence drift: how likely each aligned bead differs in meaning, in [0, 1].

A raw cosine alone ranks poorly: its scale differs between models, sentence lengths and
documents, and a correct but free translation can score below a subtly wrong one. So each bead
gets a few cheap signals, all from the pair's context (``context.py``: the embeddings the
aligner already computed and the check hits, both computed once):

* ``cos``     the cosine of the two sides;
* ``z_doc``   that cosine relative to the document's own beads (robust z, shrunk towards the
              model's reference distribution of correct translations for short documents);
* ``margin``  the cosine minus the best competing pairing of either side with a nearby bead
              (a replaced sentence matches its neighbour's counterpart better than its own);
* ``nbr``     the mean of the closest competing cosines (a hub-ness correction, as in CSLS);
* ``len_dev`` how far the length ratio strays from the document's typical ratio;
* ``short``   the log word count of the shorter side (short sentences have noisier cosines);
* ``chk_*``   the highest score of each check that declares a ``drift_feature``;
* ``ent_gain`` how much the cosine rises when the names the entity check found without a
              counterpart are cut out of both sides and the rest re-embedded (a swapped name
              has no counterpart and takes meaning with it; a translated or transliterated one
              that the spelling rules missed still has one, so cutting it gains nothing);
* ``qe``      a quality estimate: a ridge regression from the two embeddings (their
              element-wise product, absolute difference and the embeddings themselves) to
              human direct-assessment scores (MLQE-PE train). It is language-pair specific, so
              only a calibration for one language pair uses it (see ``load_calibration``).

A logistic model, shipped per embedding model as a small JSON file in ``qa_pipeline/data``
(format and loading: ``calibration.py``), turns them into a probability. Its data are machine
translations with human scores; a separate in-domain fit on human translations (the "domain"
stage: a non-negative weight for the name evidence, the first stage's logit as a fixed offset)
sets how much an unmatched name is worth where names are inflected and transliterated; its
term is added to the logit of whichever stage scored the bead. The beads it ranks highest, among
those that stand out in their document, then get occlusion-based span attribution
(``spans.py``) within a budget proportional to the document, and the span evidence refines
their score and finds partial omissions/additions.
Severity thresholds come from the same calibration run (quantiles of clean pairs), never from
hand-set constants.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import config as C
from ..embed import Encoder
from ..text import cut_spans, robust_stats, robust_z
from ..types import Document, DriftKind, Span
from .calibration import (
    DOMAIN_FEATURES,
    SPAN_FEATURES,
    Calibration,
    load_calibration,
    sigmoid,
)
from .checks import drift_feature_checks
from .context import CharSpans, PairContext, SideText
from .params import DriftParams
from .relative import RelativeReference, relative_scores
from .relative import logit as logit_of
from .spans import SideEvidence, attribute, coarse_cost, occlusion_mode
from .tagger import (
    PARTIAL_MIN_SHARE,
    PARTIAL_MIN_WORDS,
    WHOLE_SIDE_SHARE,
    PairTags,
    SideWords,
    combine_stage,
    combined_logit,
    evidence_row,
    side_words,
    stage_evidence,
    trim_span,
)
from .word_tagger import WordTagger, load_word_tagger, tag_words

Progress = Callable[[int, int], None]

BASE_FEATURES = ("cos", "z_doc", "margin", "nbr", "len_dev", "short")


def check_features() -> tuple[str, ...]:
    """The chk_* inputs, one per check that declares one, in registry order."""
    return tuple(str(c.drift_feature) for c in drift_feature_checks())


FEATURES_ALL = (*BASE_FEATURES, *check_features(), "qe", "ent_gain")
DOMAIN_COLUMNS = [FEATURES_ALL.index(f) for f in DOMAIN_FEATURES]


@dataclass(frozen=True)
class DriftResult:
    drift: tuple[float, ...]  # one per bead, in [0, 1]; 1-0/0-1 beads get 1.0
    spans: dict[int, tuple[tuple[Span, ...], tuple[Span, ...]]]  # bead -> (source, target)
    partial: dict[int, DriftKind]  # bead -> "partial_omission" | "partial_addition"
    thresholds: dict[str, float]  # drift_critical / drift_major / drift_minor and span gains
    model_id: str  # which calibration file was used
    # Robust z-score of each bead's drift within its own document (0 for gap beads and for
    # documents too short to have a distribution): the document's own outliers.
    relative: tuple[float, ...]
    # The calibration's (median, robust spread) of the cosine of correct translations; None
    # for a scale-free calibration.
    reference: tuple[float, float] | None = None
    # Word evidence for every full bead when the tagger ran: bead -> (source phrases, target
    # phrases, sentence score), the phrases in sentence spans.
    words: dict[int, tuple[tuple[Span, ...], tuple[Span, ...], float]] | None = None


def _reference_stats(values: np.ndarray, ref_median: float | None, ref_mad: float | None,
                     shrink: float) -> tuple[float, float]:
    """The document's median and spread, shrunk towards the reference for short documents."""
    med, mad = robust_stats(values)
    if ref_median is None or ref_mad is None:
        return med, max(mad, 1e-3)
    w = values.size / (values.size + shrink)
    return w * med + (1 - w) * ref_median, max(w * mad + (1 - w) * ref_mad, 1e-3)


def unmatched_names(ctx: PairContext) -> list[tuple[CharSpans, CharSpans]]:
    """Per full bead: the (source, target) spans of the names the entity check found without
    a counterpart."""
    out: list[tuple[CharSpans, CharSpans]] = []
    for hits in ctx.rule_hits:
        s: tuple[tuple[int, int], ...] = ()
        t: tuple[tuple[int, int], ...] = ()
        for name_hits in hits.values():
            for h in name_hits:
                if h.kind == "entity":
                    s, t = s + h.source_spans, t + h.target_spans
        out.append((s, t))
    return out


def entity_gain(src_texts: Sequence[str], tgt_texts: Sequence[str], src_vecs: np.ndarray,
                tgt_vecs: np.ndarray, names: Sequence[tuple[CharSpans, CharSpans]],
                encoder: Encoder) -> np.ndarray:
    """How much the cosine rises when each bead's unmatched names are cut (0 without names,
    or when it falls); the shortened sides are embedded a chunk of beads at a time (at most
    `config.EMBED_CHUNK_TEXTS` texts a call past the last bead's)."""
    out = np.zeros(len(src_texts))
    texts: list[str] = []
    slots: list[tuple[int, int]] = []  # (bead, side) of each shortened text

    def flush() -> None:
        if not texts:
            return
        vecs = encoder.encode(texts)
        touched = sorted({i for i, _ in slots})
        row = {i: r for r, i in enumerate(touched)}
        # Only the touched beads are copied: memory follows the names, not the document.
        new_s = np.array(src_vecs[touched], dtype=float)
        new_t = np.array(tgt_vecs[touched], dtype=float)
        for (i, side), v in zip(slots, vecs, strict=True):
            (new_s if side == 0 else new_t)[row[i]] = v
        before = np.einsum("ij,ij->i", src_vecs[touched], tgt_vecs[touched])
        after = np.einsum("ij,ij->i", new_s, new_t)
        out[touched] = np.maximum(after - before, 0.0)  # a loss: the names had counterparts
        texts.clear()
        slots.clear()

    for i, (s_sp, t_sp) in enumerate(names):
        for side, (text, spans) in enumerate(((src_texts[i], s_sp), (tgt_texts[i], t_sp))):
            cut = cut_spans(text, spans) if spans else ""
            if cut:
                texts.append(cut)
                slots.append((i, side))
        if len(texts) >= C.EMBED_CHUNK_TEXTS:
            flush()
    flush()
    return out


def competitor_stats(src_vecs: np.ndarray, tgt_vecs: np.ndarray, win: int, neighbours: int,
                     chunk: int = 512) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bead i: its cosine, its margin over the best competitor and the mean of the top
    `neighbours` competitors, a competitor being bead i's source against another target within
    `win` beads, or bead i's target against another source (margin and mean NaN where bead i
    has no competitor). Only the band is computed, a chunk of beads at a time, so memory is
    O(m x win), not the m x m matrix."""
    m = len(src_vecs)
    cos, margin, nbr = np.zeros(m), np.full(m, np.nan), np.full(m, np.nan)
    for a in range(0, m, chunk):
        b = min(m, a + chunk)
        lo, hi = max(0, a - win), min(m, b + win)
        rows = src_vecs[a:b] @ tgt_vecs[lo:hi].T  # sims[a:b, lo:hi]
        cols = src_vecs[lo:hi] @ tgt_vecs[a:b].T  # sims[lo:hi, a:b]
        for i in range(a, b):
            start, stop = max(0, i - win) - lo, min(m, i + win + 1) - lo
            own = i - lo
            cos[i] = rows[i - a, own]
            comp = np.concatenate([np.delete(rows[i - a, start:stop], own - start),
                                   np.delete(cols[start:stop, i - a], own - start)])
            if comp.size:
                margin[i] = cos[i] - comp.max()
                nbr[i] = np.sort(comp)[-neighbours:].mean()
    return cos, margin, nbr


def bead_features(ctx: PairContext, calib: Calibration, params: DriftParams = DriftParams(),
                  encoder: Encoder | None = None) -> np.ndarray:
    """One row of FEATURES_ALL per full bead of the context (beads in document order);
    ``ent_gain`` needs the `encoder` (it stays 0 without one)."""
    src_texts, tgt_texts = ctx.source_texts, ctx.target_texts
    src_vecs, tgt_vecs = ctx.source_vecs, ctx.target_vecs
    m = len(src_texts)
    out = np.zeros((m, len(FEATURES_ALL)))
    if m == 0:
        return out
    col = {f: FEATURES_ALL.index(f) for f in FEATURES_ALL}
    cos, margin, nbr = competitor_stats(src_vecs, tgt_vecs, params.competitor_window,
                                        params.neighbours)
    alone = np.isnan(margin)  # a one-bead document: no competitor, neutral values
    ref = calib.ref_median if calib.ref_median is not None else 0.0
    margin[alone], nbr[alone] = cos[alone] - ref, 0.0
    med, mad = _reference_stats(cos, calib.ref_median, calib.ref_mad, params.shrink_beads)
    out[:, col["cos"]] = cos
    out[:, col["z_doc"]] = (cos - med) / mad
    out[:, col["margin"]] = margin
    out[:, col["nbr"]] = nbr
    ratio = np.array([math.log((len(t) + 1) / (len(s) + 1))
                      for s, t in zip(src_texts, tgt_texts, strict=True)])
    w = m / (m + params.shrink_beads)
    out[:, col["len_dev"]] = np.abs(ratio - w * float(np.median(ratio)))
    out[:, col["short"]] = [math.log1p(min(len(s.split()), len(t.split())))
                            for s, t in zip(src_texts, tgt_texts, strict=True)]
    for spec in drift_feature_checks():
        out[:, col[str(spec.drift_feature)]] = [
            max((h.score for h in hits.get(spec.name, ())), default=0.0)
            for hits in ctx.rule_hits]
    wanted = set(calib.features) | (set(DOMAIN_FEATURES) if calib.domain_coef is not None
                                    else set())
    if "ent_gain" in wanted and encoder is not None:
        out[:, col["ent_gain"]] = entity_gain(src_texts, tgt_texts, src_vecs, tgt_vecs,
                                              unmatched_names(ctx), encoder)
    out[:, col["qe"]] = calib.quality(src_vecs, tgt_vecs)
    return out


def select(x: np.ndarray, calib: Calibration) -> np.ndarray:
    idx = [FEATURES_ALL.index(f) for f in calib.features]
    return x[:, idx]


def span_features(ev: Sequence[tuple[SideEvidence, SideEvidence]]) -> np.ndarray:
    return np.array([[max(s.gain, t.gain), max(s.clause_gain, t.clause_gain)] for s, t in ev],
                    dtype=float).reshape(len(ev), len(SPAN_FEATURES))


def partial_kind(src_ev: SideEvidence, tgt_ev: SideEvidence,
                 thresholds: dict[str, float]) -> DriftKind | None:
    """A clause-sized deletion explains the gap better than any short one: partial gap."""
    limit = thresholds.get("partial_gain")
    if limit is None:
        return None
    cands: list[tuple[float, DriftKind]] = []
    pairs: tuple[tuple[DriftKind, SideEvidence], ...] = (("partial_omission", src_ev),
                                                         ("partial_addition", tgt_ev))
    for kind, ev in pairs:
        if ev.clause_gain >= limit and ev.clause_gain > ev.gain:
            cands.append((ev.clause_gain, kind))
    return max(cands)[1] if cands else None


def score_drift(ctx: PairContext, encoder: Encoder, params: DriftParams = DriftParams(),
                progress: Progress | None = None,
                calibration: Calibration | None = None,
                tagging: Progress | None = None) -> DriftResult:
    """Drift, spans and partial gaps for the context's beads; the shipped calibration of the
    encoder's model unless `calibration` is given (the calibration script scores with a new
    one). `encoder` embeds only new texts: the shortened sides of name and span evidence.
    `progress` gets the stage's three steps; `tagging`, with the word tagger, the beads
    tagged (the longest step: a minute for 2,000 beads on a CPU)."""
    src, tgt, beads, full = ctx.source, ctx.target, ctx.beads, ctx.full
    calib = calibration or load_calibration(encoder.name, src.lang, tgt.lang)
    th = calib.thresholds
    s_texts, t_texts = ctx.source_texts, ctx.target_texts
    m = len(full)
    x = bead_features(ctx, calib, params, encoder)
    logit = calib.stage1_logit(select(x, calib))
    domain = calib.domain_logit(x[:, DOMAIN_COLUMNS])  # name evidence, added after either stage
    drift = sigmoid(logit + domain)
    if progress:
        progress(1, 3)

    tagger = load_word_tagger(encoder.name) if params.word_tagger and m else None
    words: dict[int, tuple[tuple[Span, ...], tuple[Span, ...], float]] | None = None
    model_id = calib.model_id
    if tagger is not None:
        tags = tag_words(tagger, encoder, list(zip(s_texts, t_texts, strict=True)), tagging)
        if progress:
            progress(2, 3)
        stage = combine_stage(tagger, src.lang, tgt.lang)
        names = stage_evidence(stage)
        evidence_x = np.stack([evidence_row(tagger, t, names) for t in tags])
        drift = sigmoid(combined_logit(stage, logit + domain, evidence_x))
        th = {**th, **(stage or {}).get("thresholds", {})}
        spans, partial, words = _word_spans(ctx, tags, tagger)
        model_id = f"{calib.model_id}+{tagger.model_id}"
    else:
        spans, partial = _occlusion(ctx, encoder, params, calib, drift, logit, domain, th)
        model_id = f"{calib.model_id}+{occlusion_id(params, encoder)}"
        if progress:
            progress(2, 3)

    out = [1.0] * len(beads)
    rel = [0.0] * len(beads)
    z = relative_drift(drift, params, calib.relative)
    for k, i in enumerate(full):
        out[i] = float(min(1.0, max(0.0, drift[k])))
        rel[i] = float(z[k])
    if progress:
        progress(3, 3)
    reference = (None if calib.ref_median is None or calib.ref_mad is None
                 else (float(calib.ref_median), float(calib.ref_mad)))
    return DriftResult(drift=tuple(out), spans=spans, partial=partial,
                       thresholds=dict(th), model_id=model_id, relative=tuple(rel),
                       reference=reference, words=words)


Spans = dict[int, tuple[tuple[Span, ...], tuple[Span, ...]]]


def _occlusion(ctx: PairContext, encoder: Encoder, params: DriftParams, calib: Calibration,
               drift: np.ndarray, logit: np.ndarray, domain: np.ndarray,
               th: dict[str, float]) -> tuple[Spans, dict[int, DriftKind]]:
    """Span attribution by occlusion for the highest-scoring beads that stand out in their
    document (`stands_out`), within the budget (a short document gets all of those
    explained, a long one its most suspicious share); the span evidence refines `drift` of
    those beads in place."""
    s_texts, t_texts, full = ctx.source_texts, ctx.target_texts, ctx.full
    m = len(full)
    budget = max(params.span_budget_floor, int(params.span_budget_fraction * 2 * m))
    worth = stands_out(drift, params, th, calib.relative)
    chosen: list[int] = []
    spent = 0
    for k in np.argsort(-drift, kind="stable"):
        if not worth[k]:
            continue
        # The refining pass adds a handful per side on top of the coarse pass.
        cost = coarse_cost(s_texts[k]) + coarse_cost(t_texts[k]) + 12
        if spent + cost > budget:
            continue
        chosen.append(int(k))
        spent += cost
    evidence = attribute([(s_texts[k], t_texts[k]) for k in chosen], ctx.source_vecs[chosen],
                         ctx.target_vecs[chosen], encoder, params.occlusion,
                         params.occlusion_shortlist,
                         params.occlusion_refine_shortlist) if chosen else []
    if chosen and calib.span_coef is not None:
        drift[chosen] = sigmoid(calib.stage2_logit(logit[chosen], span_features(evidence))
                                + domain[chosen])
    spans: Spans = {}
    partial: dict[int, DriftKind] = {}
    span_limit = th.get("span_gain", 0.0)
    for k, (s_ev, t_ev) in zip(chosen, evidence, strict=True):
        kind = partial_kind(s_ev, t_ev, th)
        if kind is not None:
            partial[full[k]] = kind
        s_span = _side_span(s_ev, kind == "partial_omission", span_limit)
        t_span = _side_span(t_ev, kind == "partial_addition", span_limit)
        spans[full[k]] = (ctx.source_sides[k].sentence_spans(ctx.source, s_span),
                          ctx.target_sides[k].sentence_spans(ctx.target, t_span))
    return spans, partial


def stands_out(drift: np.ndarray, params: DriftParams, th: dict[str, float],
               reference: RelativeReference | None = None) -> np.ndarray:
    """Which beads may spend the occlusion budget: those whose stage-1 drift stands out in
    the document by the document-relative score (`relative_drift`) or comes near the absolute
    minor threshold (every bead in a document too short for a relative score, or with
    `occlusion_min_z` None)."""
    if params.occlusion_min_z is None or drift.size < params.relative_min_beads:
        return np.ones(drift.size, bool)
    z = relative_drift(drift, params, reference)
    minor = float(logit_of(np.array([th["drift_minor"]]))[0])
    near = logit_of(drift) >= minor - params.occlusion_logit_margin
    return np.asarray((z >= params.occlusion_min_z) | near)


def occlusion_id(params: DriftParams, encoder: Encoder) -> str:
    """How the spans' deletions were scored, for the report's signature (the calibration's
    span stage was fitted on re-encoded gains; "shortlist" and "refine" keep them, "pooled"
    does not)."""
    mode = occlusion_mode(params.occlusion, encoder)
    name = f"occlusion-{mode}{params.occlusion_shortlist}" if mode in ("shortlist", "refine") \
        else f"occlusion-{mode}"
    if mode in ("shortlist", "refine") and params.occlusion_refine_shortlist:
        name += f"/{params.occlusion_refine_shortlist}"
    if params.occlusion_min_z is not None:
        name += f"@z{params.occlusion_min_z:g}/{params.occlusion_logit_margin:g}"
    return name


def word_partial(src: SideWords, tgt: SideWords, n_src: int, n_tgt: int) -> DriftKind | None:
    """A long run of unmatched words on one side, with the other side matched: a partial gap
    (whole-side runs are whole-sentence problems, not partial ones)."""
    def run(w: SideWords, n: int) -> int:
        if w.longest is None or w.share >= WHOLE_SIDE_SHARE:
            return 0
        k = w.longest[1] - w.longest[0]
        return k if k >= max(PARTIAL_MIN_WORDS, PARTIAL_MIN_SHARE * n) else 0

    rs, rt = run(src, n_src), run(tgt, n_tgt)
    if rs and rs > rt and tgt.share < PARTIAL_MIN_SHARE:
        return "partial_omission"
    if rt and rt > rs and src.share < PARTIAL_MIN_SHARE:
        return "partial_addition"
    return None


def _word_spans(ctx: PairContext, tags: Sequence[PairTags], tagger: WordTagger) -> tuple[
        Spans, dict[int, DriftKind], dict[int, tuple[tuple[Span, ...], tuple[Span, ...], float]]]:
    """Every bead's spans from its tagged words: phrases, or the whole side when nearly all
    its words are unmatched (a replaced sentence, another language)."""
    cs, ct = tagger.thresholds["word_bad_source"], tagger.thresholds["word_bad_target"]
    cm = tagger.thresholds.get("word_mark_target", ct)
    spans: Spans = {}
    partial: dict[int, DriftKind] = {}
    words: dict[int, tuple[tuple[Span, ...], tuple[Span, ...], float]] = {}
    for k, tg in enumerate(tags):
        i = ctx.full[k]
        s_text, t_text = ctx.source_texts[k], ctx.target_texts[k]
        sw = side_words(tg.source_spans, tg.source_bad, cs, s_text)
        tw = (side_words(tg.target_spans, tg.target_bad, ct, t_text) if tg.target_mark is None
              else side_words(tg.target_spans, tg.target_mark, cm, t_text))
        s_sp = [(0, len(s_text))] if sw.share >= WHOLE_SIDE_SHARE else list(sw.phrases)
        t_sp = [(0, len(t_text))] if tw.share >= WHOLE_SIDE_SHARE else list(tw.phrases)
        kind = word_partial(sw, tw, len(tg.source_spans), len(tg.target_spans))
        if kind is not None:
            partial[i] = kind
        src_side, tgt_side = ctx.source_sides[k], ctx.target_sides[k]
        spans[i] = (_trimmed(ctx.source, src_side, s_sp), _trimmed(ctx.target, tgt_side, t_sp))
        words[i] = (_trimmed(ctx.source, src_side, sw.phrases),
                    _trimmed(ctx.target, tgt_side, tw.phrases), round(tg.sentence, 6))
    return spans, partial, words


def _trimmed(doc: Document, side: SideText, spans: Sequence[tuple[int, int]]
             ) -> tuple[Span, ...]:
    """A side's character spans as sentence spans, without the punctuation and unmatched
    quotes or brackets at their edges (a whole side, or a phrase cut at a sentence's end:
    „Iga minuti … inimesi. → Iga minuti … inimesi); a span of punctuation alone goes."""
    out: list[Span] = []
    for sid, a, b in side.sentence_spans(doc, list(spans)):
        t = trim_span(doc.sentences[sid].text, a, b)
        if t is not None:
            out.append((sid, *t))
    return tuple(out)


def relative_drift(drift: np.ndarray, params: DriftParams = DriftParams(),
                   reference: RelativeReference | None = None) -> np.ndarray:
    """Each drift's standing within its document: against the calibration's clean-document
    `reference` when it has one (``relative.py``: no spread floor, any length), else the
    robust z with a floor (zeros below `relative_min_beads`)."""
    if reference is not None:
        return relative_scores(drift, reference, params.shrink_beads)
    if drift.size < params.relative_min_beads:
        return np.zeros(drift.size)
    return robust_z(drift, params.relative_mad_floor)


def _side_span(ev: SideEvidence, use_clause: bool, limit: float) -> list[tuple[int, int]]:
    if use_clause and ev.clause is not None:
        return [ev.clause]
    if ev.span is not None and ev.gain >= limit:
        return [ev.span]
    return []


__all__ = ["FEATURES_ALL", "DriftResult", "bead_features", "entity_gain", "load_calibration",
           "relative_drift", "score_drift", "select", "span_features", "stands_out"]
