"""The document level: texts in, beads out, with the vectors of every text embedded.

Each text a document needs (sentences, paragraphs, and the runs of either joined by one space
that `AlignParams.runs` asks for: see `selective`) is embedded once through the caller's embed
function into a text -> vector table; the run matrices for `core.align_vectors` are read
from that table, and the table is returned with the alignment so that later stages need not
ask the encoder again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from types import MappingProxyType

import numpy as np

from ..types import Alignment, Bead, Document
from .core import Progress
from .params import AlignParams
from .riders import MatchFn, split_riders
from .selective import EmbedFn, align_runs, embed_missing
from .strangers import split_strangers


@dataclass(frozen=True)
class DocumentAlignment:
    """An alignment and the vectors it was computed from.

    `vectors` maps every text that was embedded (sentences, runs of sentences joined by one
    space, paragraphs and runs of paragraphs) to its row of the embed function's output, as
    float32; read-only. `grouped`: whether the sentences were aligned inside paragraph
    groups (else the whole document at once, with the soft paragraph prior if any).
    """

    alignment: Alignment
    vectors: Mapping[str, np.ndarray]
    grouped: bool = False
    params: AlignParams = field(default_factory=AlignParams)  # what computed it (signature)

    @property
    def paragraphs(self) -> tuple[Bead, ...]:
        return self.alignment.paragraphs

    @property
    def sentences(self) -> tuple[Bead, ...]:
        return self.alignment.sentences


def align_sentences(src_texts: Sequence[str], tgt_texts: Sequence[str], embed: EmbedFn,
                    params: AlignParams = AlignParams(),
                    match: MatchFn | None = None) -> list[Bead]:
    """Whole-document sentence alignment (no paragraph step); with `match` (word evidence,
    `riders.py`), riders split off the n:m beads."""
    table: dict[str, np.ndarray] = {}
    beads = align_runs(src_texts, tgt_texts, table, embed, params)
    if params.split_below is not None:  # the strangers' check reads every sentence's vector
        embed_missing(table, [*src_texts, *tgt_texts], embed)
    if match is not None:
        beads = split_riders(beads, src_texts, tgt_texts, table, embed, match, params.riders)
    return split_strangers(beads, src_texts, tgt_texts, table, params.split_below,
                           params.center_min_items, params.split_min_words)


def _paragraph_params(params: AlignParams) -> AlignParams:
    return replace(params, max_overlap=params.paragraph_max_overlap,
                   max_bead=params.paragraph_max_bead)


def align_documents(src: Document, tgt: Document, embed: EmbedFn,
                    params: AlignParams = AlignParams(),
                    progress: Progress | None = None,
                    match: MatchFn | None = None) -> DocumentAlignment:
    """Paragraphs first, then sentences inside aligned paragraph groups.

    Falls back to whole-document sentence alignment when either side has a single paragraph
    or the paragraph beads are not confident enough or not mostly 1-1 (structure absent or
    disagreeing), or when the sentence path inside the groups shows a paragraph mark moved
    by a sentence on one side (`shifted_boundaries`); there each side's own paragraph marks
    stay a soft prior
    (`AlignParams.paragraph_prior`, see `paragraph_prior`). Sentence confidences inside a
    group are multiplied by the group's paragraph confidence.
    With `match` (word evidence, `riders.py`), sentences that ride in an n:m sentence bead
    untranslated are split off as 1-0 / 0-1 beads.
    Returns the alignment with every vector embedded on the way (`DocumentAlignment`).
    """
    s_texts, t_texts = src.texts, tgt.texts
    n_sp, n_tp = len(src.paragraphs), len(tgt.paragraphs)
    use_par = n_sp > 1 and n_tp > 1
    if progress:
        progress(0, 4)
    para_beads: list[Bead] = []
    table: dict[str, np.ndarray] = {}
    s_par = [src.paragraph_text(p.id) for p in src.paragraphs]
    t_par = [tgt.paragraph_text(p.id) for p in tgt.paragraphs]
    # Paragraphs and sentences in one call: every run mode embeds them all.
    embed_missing(table, (s_par + t_par if use_par else []) + s_texts + t_texts, embed)
    if use_par:
        para_beads = align_runs(s_par, t_par, table, embed, _paragraph_params(params))
    if progress:
        progress(1, 4)
    paired = [b for b in para_beads if b.source and b.target]
    use_groups = bool(paired) and float(np.mean([b.confidence or 0.0 for b in paired])) >= (
        params.paragraph_min_confidence) and structures_agree(para_beads, params)
    s_groups: np.ndarray | None = None
    t_groups: np.ndarray | None = None
    group_conf: list[float] = []
    if use_groups:
        s_groups = np.zeros(len(s_texts), np.int64)
        t_groups = np.zeros(len(t_texts), np.int64)
        for g, b in enumerate(para_beads):
            for p in b.source:
                s_groups[list(src.paragraphs[p].sentences)] = g
            for p in b.target:
                t_groups[list(tgt.paragraphs[p].sentences)] = g
            group_conf.append(b.confidence if b.confidence is not None else 1.0)
    if progress:
        progress(2, 4)
    sent: list[Bead] = []
    if use_groups and s_groups is not None and t_groups is not None:
        sent = align_in_pieces(s_texts, t_texts, table, embed, params, s_groups, t_groups)
        use_groups = not shifted_boundaries(sent, s_groups, t_groups, s_texts, t_texts, table,
                                            params)
    if not use_groups:
        sent = align_runs(s_texts, t_texts, table, embed, params, None, None,
                          paragraph_prior(src, params), paragraph_prior(tgt, params))
    elif s_groups is not None and t_groups is not None:
        scaled = []
        for b in sent:
            g = int(s_groups[b.source[0]] if b.source else t_groups[b.target[0]])
            scaled.append(replace(b, confidence=(b.confidence or 0.0) * group_conf[g]))
        sent = scaled
    if match is not None:
        sent = split_riders(sent, s_texts, t_texts, table, embed, match, params.riders)
    sent = split_strangers(sent, s_texts, t_texts, table, params.split_below,
                           params.center_min_items, params.split_min_words)
    if use_groups:
        para_beads = _split_unmatched_edges(para_beads, sent, src, tgt, s_par, t_par, table)
    if progress:
        progress(4, 4)
    return DocumentAlignment(Alignment(paragraphs=tuple(para_beads), sentences=tuple(sent)),
                             MappingProxyType(table), use_groups, params)


def group_pieces(s_groups: np.ndarray, t_groups: np.ndarray,
                 limit: int) -> list[tuple[slice, slice]]:
    """Consecutive runs of whole groups, each with at most `limit` sentences on either side
    (a group above the limit is a piece of its own): (source slice, target slice) per piece.
    Group ids are non-decreasing on both sides."""
    groups = np.union1d(s_groups, t_groups)
    s_end = np.searchsorted(s_groups, groups, side="right")
    t_end = np.searchsorted(t_groups, groups, side="right")
    pieces: list[tuple[slice, slice]] = []
    s0 = t0 = 0
    for k in range(len(groups)):
        s1, t1 = int(s_end[k]), int(t_end[k])
        nxt = k + 1 < len(groups)
        s2 = int(s_end[k + 1]) if nxt else s1
        t2 = int(t_end[k + 1]) if nxt else t1
        if not nxt or max(s2 - s0, t2 - t0) > limit:
            pieces.append((slice(s0, s1), slice(t0, t1)))
            s0, t0 = s1, t1
    return pieces


def align_in_pieces(s_texts: Sequence[str], t_texts: Sequence[str], table: dict[str, np.ndarray],
                    embed: EmbedFn, params: AlignParams, s_groups: np.ndarray,
                    t_groups: np.ndarray) -> list[Bead]:
    """`align_runs` with paragraph groups, a piece of whole groups at a time when the document
    is longer than `AlignParams.group_piece_sentences` (memory bounded by the piece); the beads
    of each piece are renumbered into the document's sentence ids."""
    limit = params.group_piece_sentences
    if not limit or max(len(s_texts), len(t_texts)) <= limit:
        return align_runs(s_texts, t_texts, table, embed, params, s_groups, t_groups)
    out: list[Bead] = []
    for ss, ts in group_pieces(s_groups, t_groups, limit):
        si, ti = ss.start, ts.start
        for b in align_runs(s_texts[ss], t_texts[ts], table, embed, params, s_groups[ss],
                            t_groups[ts]):
            out.append(replace(b, source=tuple(i + si for i in b.source),
                               target=tuple(j + ti for j in b.target)))
    return out


def structures_agree(para_beads: Sequence[Bead], params: AlignParams) -> bool:
    """Whether the two sides' paragraph marks correspond: enough of the paragraph beads 1-1."""
    if not para_beads:
        return False
    one = sum(1 for b in para_beads if len(b.source) == 1 and len(b.target) == 1)
    return one >= params.paragraph_min_one_to_one * len(para_beads)


def shifted_boundaries(sent: Sequence[Bead], s_groups: np.ndarray, t_groups: np.ndarray,
                       s_texts: Sequence[str], t_texts: Sequence[str],
                       table: Mapping[str, np.ndarray], params: AlignParams) -> int:
    """How many group boundaries of a grouped sentence path look misplaced on one side.

    A paragraph mark moved by a sentence on one side puts that sentence in the neighbouring
    group, where it has no counterpart: the path ends one group with a 0-1 (1-0) bead and
    starts the next with a 1-0 (0-1) bead. The boundary counts when those two sentences are
    as similar as the document's own 1-1 pairs (`AlignParams.paragraph_shift_percentile`).
    """
    if not params.paragraph_shift_percentile:
        return 0
    sims = [b.similarity for b in sent
            if len(b.source) == 1 and len(b.target) == 1 and b.similarity is not None]
    if not sims:
        return 0
    floor = float(np.percentile(sims, params.paragraph_shift_percentile))

    def group(b: Bead) -> int:
        return int(s_groups[b.source[0]] if b.source else t_groups[b.target[0]])

    shifted = 0
    for one, two in pairwise(sent):
        if bool(one.source) == bool(one.target) or bool(two.source) == bool(two.target):
            continue  # not two unmatched sentences
        if bool(one.source) == bool(two.source) or group(one) == group(two):
            continue  # on the same side, or inside one group
        si = (one.source or two.source)[0]
        tj = (one.target or two.target)[0]
        if float(np.dot(table[s_texts[si]], table[t_texts[tj]])) >= floor:
            shifted += 1
    return shifted


def paragraph_prior(doc: Document, params: AlignParams) -> np.ndarray | None:
    """Paragraph id of each sentence, as the soft prior of the whole-document fallback; None
    when the prior is off or the side's marks carry no information (a single paragraph, or
    about one sentence per paragraph: one sentence per line)."""
    n_par = len(doc.paragraphs)
    if not params.paragraph_prior or n_par < 2 or (
            len(doc.sentences) < params.paragraph_prior_min_sentences * n_par):
        return None
    return np.array([s.paragraph for s in doc.sentences], np.int64)


def _split_unmatched_edges(para_beads: Sequence[Bead], sent: Sequence[Bead], src: Document,
                           tgt: Document, s_par: Sequence[str], t_par: Sequence[str],
                           table: dict[str, np.ndarray]) -> list[Bead]:
    """Refine n:m paragraph beads with the sentence evidence found inside them.

    A paragraph that adds little text to a merged bead (a title, a caption) barely moves the
    bead's embedding, so the paragraph DP may take it into a 2-1 bead instead of deleting it.
    The sentence DP inside the group sees it clearly: if every sentence of a paragraph at
    either end of a bead is a 1-0 / 0-1 bead, that paragraph is split off as its own 1-0 / 0-1
    paragraph bead (confidence: the mean of its sentences'), and the rest keeps the group's
    confidence with its similarity recomputed.
    """
    deleted_s = {b.source[0]: b.confidence or 0.0 for b in sent if b.source and not b.target}
    deleted_t = {b.target[0]: b.confidence or 0.0 for b in sent if b.target and not b.source}

    def unmatched(par: int, side: Document, deleted: dict[int, float]) -> float | None:
        ids = side.paragraphs[par].sentences
        if ids and all(i in deleted for i in ids):
            return float(np.mean([deleted[i] for i in ids]))
        return None

    out: list[Bead] = []
    for b in para_beads:
        if not (b.source and b.target) or len(b.source) + len(b.target) <= 2:
            out.append(b)
            continue
        s_ids, t_ids = list(b.source), list(b.target)
        head: list[Bead] = []
        tail: list[Bead] = []
        for ids, side, deleted, is_src in ((s_ids, src, deleted_s, True),
                                           (t_ids, tgt, deleted_t, False)):
            for at_end in (False, True):
                while len(ids) > 1:
                    par = ids[-1] if at_end else ids[0]
                    conf = unmatched(par, side, deleted)
                    if conf is None:
                        break
                    ids.remove(par)
                    one = Bead((par,), (), None, conf) if is_src else Bead((), (par,), None, conf)
                    if at_end:
                        tail.insert(0, one)
                    else:
                        head.append(one)
        if len(s_ids) == len(b.source) and len(t_ids) == len(b.target):
            out.append(b)
            continue
        sv = table.get(" ".join(s_par[i] for i in s_ids))
        tv = table.get(" ".join(t_par[j] for j in t_ids))
        sim = float(np.dot(sv, tv)) if sv is not None and tv is not None else b.similarity
        out += [*head, Bead(tuple(s_ids), tuple(t_ids), sim, b.confidence), *tail]
    return out
