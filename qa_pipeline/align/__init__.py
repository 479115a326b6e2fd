"""Sentence and paragraph alignment of two translations from multilingual embeddings.

The core (`align_vectors`) is pure numpy: embeddings of every run of 1..k consecutive
sentences ("overlaps") go in, monotone beads (n:m, 1-0, 0-1) with a similarity and a
confidence come out. What it takes from the two reference aligners and what it adds:

* bead pricing (`AlignParams.scoring`), two objectives:
  - "margin" (default), after bertalign: the path maximises the sum over beads of the bead's
    cosine minus its cosine to the sentences adjacent to the other side (a margin: a bead
    that is no closer to its counterpart than to that counterpart's neighbours is misplaced),
    times a length agreement; each 1-0 / 0-1 costs a fixed skip, and a merged sentence that
    is not in the other side's text pays a length-weighted coverage penalty (added here, so a
    lost sentence cannot ride along in a merge). Computed on centred vectors (below), it is
    the better of the two on Text+Berg (strict F1 0.921 against 0.899).
  - "ratio", after vecalign: bead cost = cosine distance normalised by the distance of each
    side to random segments of the other document (so "hub" sentences that resemble
    everything do not attract beads), times the bead's size; deletion cost from a percentile
    of sampled random-pair costs; plus a length z-score and a merge-gain term (below).
* vecalign: overlap embeddings (runs of 1..4 sentences embedded as joined text);
  coarse-to-fine dynamic programming so time and memory grow linearly with length.
* run vectors where they matter (`AlignParams.runs`, `selective`): by default each sentence
  is embedded once, a first DP prices runs by summed sentence vectors, and only the runs
  around beads that are not confident 1-1 get their joined text embedded before the DP runs
  again on real vectors (about 1.3 texts per sentence instead of 4.7; "exact" embeds every run).
* bertalign: n:m beads up to `max_bead` sentences in all (2-2, 3-2, 4-1, ...), searched in a
  narrow window around an anchor path.
* added here: a paragraph prior (paragraphs are aligned first and sentence beads may not
  cross aligned paragraph groups; when the structures disagree, or the grouped path shows a
  mark moved by a sentence, the whole document is aligned, optionally with each side's own
  marks as a soft prior, `AlignParams.paragraph_prior`); inside the groups a long document
  is aligned in pieces of whole groups (`AlignParams.group_piece_sentences`, bounded memory);
  a confidence for every bead that is its posterior probability under a soft-min
  (forward-backward) version of the same DP; for "ratio", a length model whose mean and
  spread are learnt from confident anchor pairs of the document.
* centring: costs are computed after subtracting each side's mean sentence vector, which
  removes the shared language/topic direction of anisotropic encoders (e5 gives any two
  paragraphs of one article a cosine of 0.85-0.92); reported similarities stay plain cosines.
* merge gain ("ratio"): an n:m bead pays for being less similar than its best part without an
  end sentence, so a bead cannot cheaply swallow an unrelated neighbour (a title, a fragment).
* paragraph refinement: a paragraph at the edge of an n:m paragraph bead whose sentences all
  come out as 1-0 / 0-1 in the sentence DP becomes a paragraph 1-0 / 0-1 bead of its own.

Modules, from the bottom up:

* `params`: `AlignParams` (shared knobs, with `MarginParams` and `RatioParams` for the
  objectives' own), `describe` (the signature stamp), `bead_types`.
* `runs`: run texts and vectors (`overlap_texts`, `sum_overlaps`), centring, run lengths and
  groups.
* `selective`: `align_runs`, the run vectors a DP gets per `AlignParams.runs` (every run,
  sums, or only the runs near unsure beads) and the embed-and-realign loop.
* `band`: the search band of the DP (full, paragraph groups, around a coarse path).
* `costs`: what both objectives share (the problem, band-shaped similarity tables);
  `costs_margin` and `costs_ratio`: the two objectives.
* `dp`: the best path and the soft-min posteriors over the band.
* `riders`: sentences riding untranslated inside n:m beads, split off as 1-0 / 0-1 by word
  evidence (mutual best matches of their words' token states) the caller supplies.
* `core`: `align_vectors`, including the coarse-to-fine band on halved documents.
* `documents`: texts to vectors and beads: `align_sentences`, `align_documents` (which
  returns the vectors with the alignment) and the paragraph refinement.

Bead text I/O (vecalign's `[0, 1]:[2]:0.81` lines) is in `qa_pipeline.io.beads`.
"""

from .core import Progress, align_vectors
from .documents import DocumentAlignment, EmbedFn, align_documents, align_sentences
from .params import (
    AlignParams,
    LazyParams,
    MarginParams,
    RatioParams,
    RiderParams,
    RunsMode,
    Scoring,
    SelectiveParams,
    bead_types,
    describe,
)
from .riders import MatchFn, match_from_words, split_riders
from .runs import overlap_texts, run_texts, sum_overlaps
from .selective import align_runs
from .windows import unsure_windows

__all__ = [
    "AlignParams", "DocumentAlignment", "EmbedFn", "LazyParams", "MarginParams", "MatchFn",
    "Progress", "RatioParams", "RiderParams", "RunsMode", "Scoring", "SelectiveParams",
    "align_documents", "align_runs", "align_sentences", "align_vectors", "bead_types",
    "describe", "match_from_words", "overlap_texts", "run_texts", "split_riders",
    "sum_overlaps", "unsure_windows",
]
