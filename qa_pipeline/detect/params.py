"""The drift stage's knobs, with their defaults; `Config.drift` holds one of these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DriftParams:
    # Competing pairings are looked for among this many beads either side (the aligner's
    # horizon), and the closest `neighbours` of them give the hub-ness correction.
    competitor_window: int = 20
    neighbours: int = 3
    # Pseudo-count of reference beads mixed into a document's median/MAD: a 5-bead document
    # leans on the model's reference distribution, a 500-bead one on its own.
    shrink_beads: float = 8.0
    # Occlusion budget: embeddings for span attribution, as a share of the bead texts embedded,
    # with a floor so that a short document still gets its worst beads explained.
    span_budget_fraction: float = 0.4
    span_budget_floor: int = 240
    # How a deletion is scored (`spans.attribute`): "encode" re-encodes the shortened text;
    # "pooled" leaves its words' tokens out of the mean pooling of the side's one forward pass
    # (`token_states.py`: no pass per deletion, but weaker evidence, see BENCHMARKS);
    # "shortlist" ranks deletions that way and re-encodes the `occlusion_shortlist` best of
    # each side and pass; "refine" (the default) chooses each side's coarse window by pooled
    # gain alone and re-encodes only the shortlisted clauses and refining pass (a quarter
    # fewer encodes, see BENCHMARKS "Session 18"). An encoder without token states always
    # re-encodes.
    occlusion: str = "refine"
    occlusion_shortlist: int = 2
    # The refining pass's own shortlist (0: `occlusion_shortlist`). The clauses' two best and
    # the refinements' five best keep every figure of the five-and-five they replaced, the
    # calque's exact span and its finding under a +-0.01 drift change, for a sixth less of the
    # drift stage (BENCHMARKS "Session 28: fewer clauses re-encoded").
    occlusion_refine_shortlist: int = 5
    # The budget goes only to beads that stand out at stage 1: a robust z of their drift in the
    # document (the relative score's, floor included) of at least `occlusion_min_z`, or a logit
    # within `occlusion_logit_margin` of the absolute minor threshold. A bead that does neither
    # keeps its stage-1 score and gets no span. None: every bead competes for the budget (as
    # before session 26; BENCHMARKS "Session 26: occlusion on beads that stand out").
    occlusion_min_z: float | None = 1.0
    occlusion_logit_margin: float = 1.0
    # Document-relative outliers need a distribution: at least this many beads, and a spread
    # of at least this much (a document of uniformly good pairs has no outliers worth a look).
    relative_min_beads: int = 6
    relative_mad_floor: float = 0.05
    # Word-level evidence from the trained tagger (word_tagger.py) where the model ships one; off
    # (the default: on the lt-et seed it ranks the calque first but makes no finding of it,
    # where occlusion does, see BENCHMARKS "Word-level drift"), or for a model without one,
    # spans come from occlusion.
    word_tagger: bool = False
