"""Alignment parameters: every knob with its default, and the stamp that names them.

Knobs shared by both objectives sit on `AlignParams`; those that only one objective reads sit
in its own group (`MarginParams`, `RatioParams`), so a stamp or an override names the objective
it belongs to. Measured effects of the values are in BENCHMARKS.md (Alignment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Scoring = Literal["margin", "ratio"]
# Where the vectors of multi-sentence runs come from (see AlignParams.runs).
RunsMode = Literal["exact", "lazy", "selective", "sum"]


@dataclass(frozen=True)
class MarginParams:
    """Knobs of the "margin" objective (after bertalign, on centred vectors)."""

    # Weight of the mean similarity to the sentences just outside the bead on either side: a
    # bead no closer to its counterpart than to that counterpart's neighbours is misplaced.
    margin_weight: float = 0.5
    # Cost of a 1-0 / 0-1 bead: how much a pair must score before it beats two deletions.
    skip: float = 0.11
    # Cost of each further deletion in a run of consecutive 1-0 (or 0-1) beads (affine, as gap
    # costs in sequence alignment): a lost paragraph is one event, so its sentences no longer
    # ride in a merge with a neighbour to save a skip each. Equal to `skip`: linear.
    skip_extend: float = 0.05
    # An n:m bead pays coverage_weight * sum over the sentences of each side that has several
    # of (share of the side's characters) * max(0, coverage_floor - cosine of that sentence to
    # the whole other side): a sentence that is not in the other side's text (a lost sentence,
    # a caption) cannot ride along in a merge, while a short fragment costs little.
    coverage_weight: float = 0.5
    coverage_floor: float = 0.1
    # Cost of each sentence an n:m bead has beyond 1-1: a merge must beat its parts (a 1-1
    # and 1-0 / 0-1 beads) by this much per extra sentence. Off: it buys 1-0 / 0-1 recall on
    # NTREX damage with Text+Berg F1 (BENCHMARKS.md, "Fast aligner (#12)").
    merge_penalty: float = 0.0


@dataclass(frozen=True)
class RatioParams:
    """Knobs of the "ratio" objective (after vecalign)."""

    # 1-0 + 0-1 together cost this percentile of the costs of random 1-1 pairs, so a pair is
    # kept only if it beats most non-matching pairs ...
    deletion_percentile: float = 95.0
    # ... times this factor: random-pair costs are narrowly spread once normalised, so the
    # percentile alone cannot move deletions far.
    deletion_scale: float = 1.2
    # Extra cost per sentence beyond 1-1: prefers 1-1 when the merged bead is no better.
    # Small: larger values cut genuine 2-1 beads into 1-1 + 1-0.
    merge_penalty: float = 0.03
    # Weight of the squared z-score of the log length ratio: a tie-breaker only, since larger
    # weights override the embeddings on noisy (OCR) lines.
    length_weight: float = 0.01
    # Weight of how much less similar an n:m bead is than its best part without an end
    # sentence (see `costs_ratio._best_part`): merges must earn their extra sentences.
    merge_gain_weight: float = 2.0
    length_z_cap: float = 5.0  # z-scores beyond this cost no more (lengths are noisy)
    random_samples: int = 128  # segments of the other side used to normalise each cost
    seed: int = 0  # sampling of random pairs: fixed so results are reproducible


@dataclass(frozen=True)
class SelectiveParams:
    """Knobs of `runs="selective"`: which runs get their joined text embedded."""

    # A 1-1 bead below this confidence is re-priced with real run vectors around it (beads
    # that are n:m, 1-0 or 0-1 always are).
    min_confidence: float = 0.9
    # Sentences either side of such a bead whose runs are embedded: the alternatives a
    # merge, a split or a deletion next to the bead would need.
    context: int = 1
    # Most embed-and-realign rounds after the first pass on approximated runs; a round that
    # opens no new sentence ends the loop.
    rounds: int = 3


@dataclass(frozen=True)
class LazyParams:
    """Knobs of `runs="lazy"`: runs embedded when the path wants them."""

    # How much better than its sum approximation an unembedded run's bead is assumed to be, in
    # the margin objective's score (a bead scores about 0.1-0.6): the approximation undervalues
    # real merges, and a bead it undervalues by more than this is never tried. 0.3: the
    # smallest of 0.1 / 0.2 / 0.3 whose beads equal "exact"'s on the NTREX damage benchmark
    # (bench/align_runs_agree.py --set lazy.bonus=...; BENCHMARKS "Lazy runs").
    bonus: float = 0.3
    # Most embed-and-realign rounds; each embeds the runs the last path took.
    rounds: int = 64
    # Runs exist only around the beads of a first DP on approximations that are not confident
    # 1-1 (`selective`'s windows: `SelectiveParams.min_confidence` and `context`), widened
    # while later paths open new ones, at most `window_rounds` times; False: everywhere.
    within_unsure: bool = True
    window_rounds: int = 3


@dataclass(frozen=True)
class RiderParams:
    """Knobs of the rider split (`riders.py`): an end sentence of an n:m bead whose words the
    other side does not translate comes out as a 1-0 / 0-1 bead of its own. Chosen on NTREX
    damage (seed 1) and Text+Berg, checked on damage seeds 2 and 3 (BENCHMARKS "Session 24")."""

    # Share of the sentence's words that have a mutual best match among the other side's
    # words (cosine of their token states at `layer`, every word of the bead competing): a
    # rider's words mostly match nothing there (NTREX: median 0.12 against 0.57 for a genuine
    # part). Below this share ...
    max_match: float = 0.25
    # ... and with the bead's cosine raised by more than this when the sentence is left out
    # (a genuine part, even an OCR fragment, seldom raises it), the sentence is split off.
    min_gain: float = 0.003
    # The hidden states words are matched with (0 = embeddings): 8 of e5-small's 12 layers
    # keeps Text+Berg's genuine merges (the last layer splits them: strict F1 0.908).
    layer: int = 8
    # A second way to ride: a sentence almost none of whose words match (below
    # `lone_match`) beside a part of the bead that matches well (its share at least
    # `lone_rest`) is split off unless leaving it out lowers the cosine by more than
    # `-lone_gain`: e5's run vector often hardly moves when an unrelated sentence joins a
    # translated one (49 of the 69 riders the first rule missed on NTREX damage seeds 1-3 had
    # a gain of 0.003 or less). None: off. Chosen on damage seed 1 and Text+Berg, checked on
    # seeds 2-6 (BENCHMARKS "Session 25").
    lone_match: float | None = 0.15
    lone_rest: float = 0.5
    lone_gain: float = -0.01
    # Where no end sentence rides alone, a run of end sentences (two or more, leaving one)
    # rides together by the first rule: `max_match` on their mean share, `min_gain` on leaving
    # the whole run out (a lost paragraph's sentences hide one another in the run vector).
    runs: bool = True
    enabled: bool = True


@dataclass(frozen=True)
class AlignParams:
    """Every alignment knob, with its default: the single source of defaults."""

    max_overlap: int = 4  # most sentences on one side of a bead
    max_bead: int = 5  # most sentences in a bead, both sides together (2-2, 3-2, 4-1)
    # How a bead is priced. "margin" (default): the path maximises the sum over beads of
    # (similarity - margin_weight * similarity to the adjacent sentences) * length agreement,
    # and every 1-0 / 0-1 costs `skip` (bertalign's objective, on centred vectors); the better
    # of the two on Text+Berg. "ratio": vecalign's cost, 1 - cosine normalised by random pairs,
    # times the bead's size, with a deletion cost from a percentile of random-pair costs.
    scoring: Scoring = "margin"
    margin: MarginParams = field(default_factory=MarginParams)  # read only by "margin"
    ratio: RatioParams = field(default_factory=RatioParams)  # read only by "ratio"
    search_buffer: int = 6  # extra target boundaries kept either side of the coarse path
    full_dp_cells: int = 250_000  # below this many DP cells, no coarse-to-fine
    temperature: float = 0.015  # soft-min temperature of the confidence posterior
    paragraph_max_overlap: int = 3  # paragraph beads up to 3-1 / 1-3
    paragraph_max_bead: int = 4
    # Paragraph groups are used only if their mean confidence reaches this; else the whole
    # document is aligned sentence by sentence (structure absent or disagreeing).
    paragraph_min_confidence: float = 0.5
    # ... and only if at least this share of the paragraph beads are 1-1. Confident n-1 and
    # 1-0 paragraph beads mean the two sides' paragraph marks do not correspond (one sentence
    # per line on one side, merged or shifted paragraphs): the groups would force sentences
    # of one paragraph against a different one, so the whole document is aligned instead.
    paragraph_min_one_to_one: float = 0.5
    # ... and only if the sentence path inside the groups does not show a boundary in the
    # wrong place: a sentence left unmatched at the end of one group and one at the start of
    # the next whose cosine reaches this percentile of the document's 1-1 bead cosines are
    # each other's translation, cut apart by a shifted paragraph mark; the whole document is
    # then aligned instead. 0 switches the check off.
    paragraph_shift_percentile: float = 25.0
    # When the groups are not used, each side's own paragraph marks remain a soft prior: a
    # bead whose run on a side spans k of that side's paragraph boundaries pays k times this
    # many deletions (times MarginParams.skip, or the "ratio" objective's deletion cost), so a
    # merge across a paragraph must beat splitting it by that much. 0 (default) switches it
    # off: the whole document is aligned as if it had no paragraphs. Off because on NTREX
    # composites the fallback never spans a true boundary (nothing to fix; +0.002 F1 on
    # shifted marks only), while on the seed corpus it splits a genuine title merge
    # (BENCHMARKS.md, "Paragraph structure that disagrees").
    paragraph_prior: float = 0.0
    # ... except on a side with fewer sentences per paragraph than this on average, or with a
    # single paragraph: one sentence per line says nothing about where a merge may fall.
    paragraph_prior_min_sentences: float = 1.2
    # Inside paragraph groups (a hard constraint, so no bead crosses a group boundary) a long
    # document is aligned in pieces of whole groups of at most this many sentences a side,
    # so that memory stays bounded (a 5 MB pair: 1.3 GB in one piece with the test encoder).
    # Each piece is centred and length-normalised on its own; a document with fewer
    # sentences is aligned in one piece, exactly as without pieces. 0 switches pieces off.
    group_piece_sentences: int = 4000
    # Where run vectors come from. "lazy" (default): sentences are embedded once, every run of
    # several sentences is priced by the normalised sum of its sentences' vectors plus an
    # optimism bonus until the DP's path takes it, then its joined text is embedded and the DP
    # runs again, until the path takes embedded runs only (`lazy`; align/lazy.py). "selective"
    # (the previous default): sentences are embedded once, a first DP prices runs by the
    # normalised sum of their sentences' vectors, then the joined text of
    # runs is embedded only around the beads that are not confident 1-1 (n:m, 1-0, 0-1, low
    # confidence) and the DP runs again with those runs alone (elsewhere no n:m bead is
    # allowed); repeated until no new sentence needs its runs (`selective`). "exact": every
    # run of 1..max_overlap sentences embedded as joined text (about 4.7 texts per sentence,
    # ten times the tokens). "sum": runs approximated by sums only (no run text embedded).
    runs: RunsMode = "lazy"
    lazy: LazyParams = field(default_factory=LazyParams)  # read by "lazy"
    selective: SelectiveParams = field(default_factory=SelectiveParams)  # read by "selective"
    # Subtract each side's mean sentence vector before computing costs (removes the shared
    # language and topic direction that makes every pair look alike with anisotropic models);
    # only with at least this many sentences on each side, 0 switches it off.
    center_min_items: int = 4
    # End sentences of n:m beads that the other side does not translate are split off as
    # 1-0 / 0-1 beads, where the encoder gives word states (`riders.py`).
    riders: RiderParams = field(default_factory=RiderParams)
    # A 1-1 bead whose sides' centred cosine is under `split_below` is two deletions
    # (`strangers.py`). The cut is the encoder's own (`strangers.params_for` reads it from
    # data/stranger_cut.json: under the least alike translation of eight other NTREX-128
    # language pairs); a value set here wins; `strangers=False` turns it off.
    strangers: bool = True
    split_below: float | None = None
    # Only sentences of at least this many words each: a short sentence's vector is too noisy
    # to call it a stranger (a heading, a line of dialogue, a proverb rendered freely), and the
    # two gaps a split makes must weigh what the drift finding they replace weighed (a gap of
    # this many words is major, `detect.findings.GAP_MAJOR_WORDS`).
    split_min_words: int = 8


def describe(params: AlignParams) -> str:
    """A short stamp of the objective and the knobs that set it, for report signatures."""
    if params.scoring == "margin":
        mp = params.margin
        knobs = (f"margin_weight={mp.margin_weight:g},skip={mp.skip:g}"
                 + (f"+{mp.skip_extend:g}" if mp.skip_extend < mp.skip else "") + ","
                 f"coverage={mp.coverage_weight:g}@{mp.coverage_floor:g}"
                 + (f",merge_penalty={mp.merge_penalty:g}" if mp.merge_penalty else ""))
    else:
        rp = params.ratio
        knobs = (f"deletion_percentile={rp.deletion_percentile:g},"
                 f"deletion_scale={rp.deletion_scale:g},merge_penalty={rp.merge_penalty:g},"
                 f"length_weight={rp.length_weight:g},"
                 f"merge_gain_weight={rp.merge_gain_weight:g}")
    runs: str = params.runs
    if runs == "selective":
        sp = params.selective
        runs += f"@{sp.min_confidence:g}/{sp.context}/{sp.rounds}"
    elif runs == "lazy":
        lp = params.lazy
        runs += f"@{lp.bonus:g}/{lp.rounds}" + (
            f"/unsure{lp.window_rounds}" if lp.within_unsure else "")
    prior = (f",paragraph_prior={params.paragraph_prior:g}"
             f"@{params.paragraph_prior_min_sentences:g}" if params.paragraph_prior else "")
    prior += f",pieces={params.group_piece_sentences}" if params.group_piece_sentences else ""
    rd = params.riders
    prior += f",riders={rd.max_match:g}/{rd.min_gain:g}@{rd.layer}" if rd.enabled else ""
    prior += (f"+lone{rd.lone_match:g}/best{rd.lone_rest:g}/{rd.lone_gain:g}"
              if rd.enabled and rd.lone_match is not None else "")
    prior += "+runs" if rd.enabled and rd.runs else ""
    prior += (f",strangers<{params.split_below:g}@{params.split_min_words}w"
              if params.split_below is not None else "")
    return (f"{params.scoring}({knobs},max_bead={params.max_bead},"
            f"max_overlap={params.max_overlap},runs={runs}{prior})")


def bead_types(max_overlap: int, max_bead: int) -> list[tuple[int, int]]:
    """(1, 0), (0, 1), then every a:b with 1 <= a, b <= max_overlap and a + b <= max_bead."""
    types = [(1, 0), (0, 1)]
    for a in range(1, max_overlap + 1):
        for b in range(1, max_overlap + 1):
            if a + b <= max_bead:
                types.append((a, b))
    return types
