"""Alignment engine: tables for the formats, properties for the DP, documents end to end.

The embed function is a toy with planted structure: every text is a list of concept tokens
("c12 c7"), a concept has a fixed random vector, and a text embeds as the normalised sum of its
concepts' vectors plus a little text-specific noise (so the two sides are never identical).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.align import (
    AlignParams,
    LazyParams,
    MarginParams,
    RatioParams,
    RiderParams,
    RunsMode,
    SelectiveParams,
    align_documents,
    align_runs,
    align_sentences,
    align_vectors,
    bead_types,
    describe,
    overlap_texts,
    sum_overlaps,
    unsure_windows,
)
from qa_pipeline.align.documents import align_in_pieces, paragraph_prior
from qa_pipeline.io.beads import format_beads, parse_beads
from qa_pipeline.types import Bead, Document, Paragraph, Sentence

DIM = 128
_CONCEPTS = np.random.default_rng(7).normal(size=(2000, DIM)).astype(np.float32)


def toy_embed(texts: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), np.float32)
    for r, text in enumerate(texts):
        for tok in text.split():
            side, cid = tok[0], int(tok[1:])
            seed = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=4).digest(), "little")
            noise = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
            out[r] += _CONCEPTS[cid] + (0.35 if side == "t" else 0.0) * noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def src_doc(ids: Sequence[int]) -> list[str]:
    return [f"s{i}" for i in ids]


def tgt_doc(ids: Sequence[int]) -> list[str]:
    return [f"t{i}" for i in ids]


def check_cover(beads: Sequence[Bead], n: int, m: int) -> None:
    s = [i for b in beads for i in b.source]
    t = [j for b in beads for j in b.target]
    assert s == list(range(n)) and t == list(range(m))
    for b in beads:
        assert b.source or b.target
        assert b.confidence is not None and 0.0 <= b.confidence <= 1.0
        assert (b.similarity is None) == (not b.source or not b.target)


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize(("line", "expected"), [
    ("[9, 10]:[9]", ((9, 10), (9,))),
    ("[]:[0]", ((), (0,))),
    ("[3]:[]:0.5", ((3,), ())),
    ("[0, 1, 2]:[4, 5]:0.812345", ((0, 1, 2), (4, 5))),
])
def test_parse_beads(line: str, expected: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    assert parse_beads(line) == [expected]


def test_format_roundtrip() -> None:
    beads = [Bead((0, 1), (0,), 0.9, 0.812345), Bead((), (1,), None, 0.5),
             Bead((2,), (), None, 1.0)]
    text = format_beads(beads)
    assert text.splitlines()[0] == "[0, 1]:[0]:0.812345"
    assert parse_beads(text) == [(b.source, b.target) for b in beads]


@pytest.mark.parametrize(("k", "total", "expected"), [
    (1, 2, [(1, 0), (0, 1), (1, 1)]),
    (2, 3, [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)]),
    (4, 5, [(1, 0), (0, 1), (1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3), (3, 1),
            (3, 2), (4, 1)]),
])
def test_bead_types(k: int, total: int, expected: list[tuple[int, int]]) -> None:
    assert bead_types(k, total) == expected


def test_params_defaults_cover_required_beads() -> None:
    types = set(bead_types(AlignParams().max_overlap, AlignParams().max_bead))
    assert {(1, 4), (4, 1), (2, 2), (1, 0), (0, 1)} <= types


# --------------------------------------------------------------------------- behaviour


def test_identical_documents_align_one_to_one_with_top_confidence() -> None:
    texts = src_doc(range(30))
    beads = align_sentences(texts, texts, toy_embed)
    assert [(b.source, b.target) for b in beads] == [((i,), (i,)) for i in range(30)]
    assert min(b.confidence or 0.0 for b in beads) > 0.95


def test_merge_and_split_are_found() -> None:
    src = src_doc(range(12))
    tgt = [*tgt_doc([0, 1, 2]), "t3 t4", *tgt_doc([5, 6, 7, 8, 9, 10, 11])]
    pairs = [(b.source, b.target) for b in align_sentences(src, tgt, toy_embed)]
    assert ((3, 4), (3,)) in pairs
    pairs = [(b.source, b.target) for b in align_sentences(tgt, src, toy_embed)]
    assert ((3,), (3, 4)) in pairs


def test_empty_side() -> None:
    beads = align_sentences(src_doc(range(3)), [], toy_embed)
    assert [(b.source, b.target) for b in beads] == [((0,), ()), ((1,), ()), ((2,), ())]


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int]] = []
    vecs = sum_overlaps(toy_embed(src_doc(range(10))), 4)
    align_vectors(vecs, vecs, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] and len(calls) >= 2


def test_coarse_to_fine_matches_full_dp() -> None:
    """A long document through the coarse-to-fine band gives the same beads as the full DP."""
    rng = np.random.default_rng(3)
    ids = list(range(600))
    keep = [i for i in ids if rng.random() > 0.03]
    src = sum_overlaps(toy_embed(src_doc(ids)), 4)
    tgt = sum_overlaps(toy_embed(tgt_doc(keep)), 4)
    banded = align_vectors(src, tgt, AlignParams(full_dp_cells=10_000))
    full = align_vectors(src, tgt, AlignParams(full_dp_cells=10**9))
    assert [(b.source, b.target) for b in banded] == [(b.source, b.target) for b in full]


# --------------------------------------------------------------------------- properties

ops = st.lists(st.sampled_from(["keep", "keep", "keep", "del_s", "del_t", "merge_t", "split_t"]),
               min_size=1, max_size=25)


def build(plan: list[str]) -> tuple[list[str], list[str]]:
    src: list[str] = []
    tgt: list[str] = []
    c = 0
    for op in plan:
        if op == "keep":
            src.append(f"s{c}")
            tgt.append(f"t{c}")
        elif op == "del_s":
            tgt.append(f"t{c}")
        elif op == "del_t":
            src.append(f"s{c}")
        elif op == "merge_t":
            src += [f"s{c}", f"s{c + 1}"]
            tgt.append(f"t{c} t{c + 1}")
            c += 1
        else:
            src.append(f"s{c} s{c + 1}")
            tgt += [f"t{c}", f"t{c + 1}"]
            c += 1
        c += 1
    return src, tgt


@settings(max_examples=60, deadline=None)
@given(ops)
def test_beads_monotone_and_cover_everything(plan: list[str]) -> None:
    src, tgt = build(plan)
    beads = align_sentences(src, tgt, toy_embed)
    check_cover(beads, len(src), len(tgt))


@settings(max_examples=30, deadline=None)
@given(ops)
def test_ratio_scoring_also_monotone_and_covering(plan: list[str]) -> None:
    src, tgt = build(plan)
    beads = align_sentences(src, tgt, toy_embed, AlignParams(scoring="ratio"))
    check_cover(beads, len(src), len(tgt))


@pytest.mark.parametrize("scoring", ["margin", "ratio"])
def test_both_scorings_find_merges_and_deletions(scoring: str) -> None:
    src = src_doc(range(14))
    tgt = [*tgt_doc([0, 1, 2]), "t3 t4", *tgt_doc([5, 6, 8, 9, 10, 11, 12, 13])]
    pairs = [(b.source, b.target)
             for b in align_sentences(src, tgt, toy_embed, AlignParams(scoring=scoring))]
    assert ((3, 4), (3,)) in pairs and ((7,), ()) in pairs


def test_unknown_scoring_is_refused() -> None:
    with pytest.raises(ValueError, match="scoring"):
        align_sentences(src_doc(range(12)), tgt_doc(range(12)), toy_embed,
                        AlignParams(scoring="cosine"))


def test_describe_names_the_objective_and_its_knobs() -> None:
    assert describe(AlignParams()) == (
        "margin(margin_weight=0.5,skip=0.11+0.05,coverage=0.5@0.1,max_bead=5,max_overlap=4,"
        "runs=lazy@0.3/64/unsure3,pieces=4000,riders=0.25/0.003@8+lone0.15/best0.5/-0.01+runs)")
    assert describe(AlignParams(scoring="ratio", runs="selective")) == (
        "ratio(deletion_percentile=95,deletion_scale=1.2,merge_penalty=0.03,length_weight=0.01,"
        "merge_gain_weight=2,max_bead=5,max_overlap=4,runs=selective@0.9/1/3,pieces=4000,"
        "riders=0.25/0.003@8+lone0.15/best0.5/-0.01+runs)")
    assert "riders" not in describe(AlignParams(riders=RiderParams(enabled=False)))
    assert describe(AlignParams(riders=RiderParams(lone_match=None, runs=False))).endswith(
        "riders=0.25/0.003@8)")
    assert describe(AlignParams(margin=MarginParams(skip=0.05))).startswith(
        "margin(margin_weight=0.5,skip=0.05,")
    assert describe(AlignParams(scoring="ratio", ratio=RatioParams(deletion_percentile=80))
                    ).startswith("ratio(deletion_percentile=80,")
    assert describe(AlignParams(paragraph_prior=2)).endswith(
        "runs=lazy@0.3/64/unsure3,paragraph_prior=2@1.2,pieces=4000,"
        "riders=0.25/0.003@8+lone0.15/best0.5/-0.01+runs)")
    assert "paragraph_prior" not in describe(AlignParams(paragraph_prior=0.0))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=3, max_value=40), st.data())
def test_deleting_sentence_k_gives_a_one_zero_bead(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n - 1))
    src = src_doc(range(n))
    tgt = tgt_doc([i for i in range(n) if i != k])
    beads = align_sentences(src, tgt, toy_embed)
    check_cover(beads, n, n - 1)
    assert any(b.source == (k,) and b.target == () for b in beads)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=30))
def test_identical_is_one_to_one(n: int) -> None:
    texts = src_doc(range(n))
    beads = align_sentences(texts, tgt_doc(range(n)), toy_embed)
    assert [(b.source, b.target) for b in beads] == [((i,), (i,)) for i in range(n)]
    same = align_sentences(texts, texts, toy_embed)
    assert [(b.source, b.target) for b in same] == [((i,), (i,)) for i in range(n)]
    assert min(b.confidence or 0.0 for b in same) > 0.95


# --------------------------------------------------------------------------- documents


def make_doc(paras: list[list[str]], lang: str) -> Document:
    sents: list[Sentence] = []
    ps: list[Paragraph] = []
    for p, texts in enumerate(paras):
        ids = []
        for t in texts:
            ids.append(len(sents))
            sents.append(Sentence(len(sents), p, t))
        ps.append(Paragraph(p, tuple(ids)))
    return Document(f"{lang}.txt", lang, tuple(ps), tuple(sents))


def test_title_paragraph_maps_to_nothing() -> None:
    body = [[0, 1, 2], [3, 4, 5, 6], [7, 8], [9, 10, 11]]
    src = make_doc([src_doc([100])] + [src_doc(p) for p in body], "lt")
    tgt = make_doc([tgt_doc(p) for p in body], "et")
    al = align_documents(src, tgt, toy_embed)
    assert [(b.source, b.target) for b in al.paragraphs] == [((0,), ())] + [
        ((i + 1,), (i,)) for i in range(4)]
    check_cover(al.sentences, 13, 12)
    assert al.sentences[0].source == (0,) and al.sentences[0].target == ()
    assert all(b.source == (b.target[0] + 1,) for b in al.sentences[1:])


_COMMON = np.random.default_rng(11).normal(size=DIM).astype(np.float32)


def cone_embed(texts: Sequence[str]) -> np.ndarray:
    """toy_embed inside a narrow cone: a shared direction dominates every vector, so that any
    two texts have a cosine near 0.9 (as with e5 on paragraphs of one article)."""
    v = toy_embed(texts) + 2.5 * _COMMON / np.linalg.norm(_COMMON)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_title_paragraph_maps_to_nothing_in_a_narrow_cone() -> None:
    body = [[0, 1, 2], [3, 4, 5, 6], [7, 8], [9, 10, 11], [12, 13, 14]]
    src = make_doc([src_doc([100])] + [src_doc(p) for p in body], "lt")
    tgt = make_doc([tgt_doc(p) for p in body], "et")
    sims = cone_embed(src_doc([0, 7])) @ cone_embed(tgt_doc([0, 7])).T
    assert sims.min() > 0.8  # unrelated texts look alike before centring
    al = align_documents(src, tgt, cone_embed)
    assert [(b.source, b.target) for b in al.paragraphs] == [((0,), ())] + [
        ((i + 1,), (i,)) for i in range(5)]
    assert all(b.similarity is None or b.similarity > 0.8 for b in al.sentences)  # raw cosines


def test_single_paragraph_side_falls_back_to_sentences() -> None:
    src = make_doc([src_doc([0, 1, 2]), src_doc([3, 4])], "lt")
    tgt = make_doc([tgt_doc([0, 1, 2, 3, 4])], "et")
    al = align_documents(src, tgt, toy_embed)
    assert al.paragraphs == ()
    assert [(b.source, b.target) for b in al.sentences] == [((i,), (i,)) for i in range(5)]


def test_align_documents_returns_the_vectors_it_embedded() -> None:
    seen: list[str] = []

    def counting(texts: Sequence[str]) -> np.ndarray:
        seen.extend(texts)
        return toy_embed(texts)

    src = make_doc([src_doc([0, 1]), src_doc([2, 3, 4])], "lt")
    tgt = make_doc([tgt_doc([0, 1]), tgt_doc([2, 3, 4])], "et")
    res = align_documents(src, tgt, counting)
    assert len(seen) == len(set(seen))  # each text embedded once
    assert res.paragraphs is res.alignment.paragraphs
    assert res.sentences is res.alignment.sentences
    assert set(res.vectors) == set(seen)
    assert {"s0", "s0 s1", "s2 s3 s4"} <= set(res.vectors)  # sentences, runs, paragraphs
    for text, vec in res.vectors.items():
        assert vec.dtype == np.float32
        np.testing.assert_array_equal(vec, toy_embed([text])[0])
    with pytest.raises(TypeError):
        res.vectors["new"] = vec  # type: ignore[index]  # read-only


# --------------------------------------------------------------------------- run vectors


def pairs_of(beads: Sequence[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.target) for b in beads]


class Recorder:
    """The toy embed function, recording every text it is asked for."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return toy_embed(texts)


# The run modes are approximations of "exact" (lazy.py: a run whose bead the sum approximation
# undervalues by more than the bonus, or that lies outside the unsure windows, is never tried),
# so a random search can find documents where they differ (`test_a_known_lazy_divergence`).
# The property is checked on a fixed sample of 60 generated documents, the same every run.
@pytest.mark.parametrize("params", [
    AlignParams(runs="selective"), AlignParams(runs="lazy"),
    AlignParams(runs="lazy", lazy=LazyParams(within_unsure=False))],
    ids=["selective", "lazy", "lazy-everywhere"])
@settings(max_examples=60, deadline=None, derandomize=True)
@given(ops)
def test_run_modes_pick_the_exact_path(params: AlignParams, plan: list[str]) -> None:
    src, tgt = build(plan)
    exact = align_sentences(src, tgt, toy_embed, AlignParams(runs="exact"))
    rec = Recorder()
    got = align_sentences(src, tgt, rec, params)
    check_cover(got, len(src), len(tgt))
    assert pairs_of(got) == pairs_of(exact)
    # every text is asked for once, and only texts the exact method embeds too
    assert len(rec.texts) == len(set(rec.texts))
    assert set(rec.texts) <= set(overlap_texts(src, 4)) | set(overlap_texts(tgt, 4))
    # every bead is priced on real vectors: its similarity is the cosine "exact" reports
    assert [b.similarity for b in got] == [b.similarity for b in exact]


@pytest.mark.xfail(strict=True, reason="lazy runs inside unsure windows: a 2:2 merge beside "
                   "three inserted sentences is never tried (found by hypothesis)")
def test_a_known_lazy_divergence() -> None:
    src, tgt = build(["del_s", "merge_t", "keep", "del_s", "del_s", "del_s"])
    exact = align_sentences(src, tgt, toy_embed, AlignParams(runs="exact"))
    assert pairs_of(align_sentences(src, tgt, toy_embed, AlignParams(runs="lazy"))) \
        == pairs_of(exact)


def _merge_and_deletion(runs: RunsMode) -> tuple[list[str], list[str], list[str]]:
    """40 sentences, one merge (t10 t11) and one deletion (s30), aligned with `runs`: both
    found; returns the two sides and the run texts embedded."""
    src = src_doc(range(40))
    tgt = [*tgt_doc(range(10)), "t10 t11", *tgt_doc([i for i in range(12, 40) if i != 30])]
    rec = Recorder()
    beads = align_sentences(src, tgt, rec, AlignParams(runs=runs))
    assert ((10, 11), (10,)) in pairs_of(beads) and ((30,), ()) in pairs_of(beads)
    return src, tgt, [t for t in rec.texts if t not in src and t not in tgt]


def test_lazy_runs_embed_the_runs_the_path_takes() -> None:
    _, _, runs = _merge_and_deletion("lazy")
    assert "s10 s11" in runs
    # far fewer runs than "selective" opens around the same two places
    assert len(runs) < len(_merge_and_deletion("selective")[2])


def test_lazy_without_a_bonus_misses_what_the_approximation_undervalues() -> None:
    """The bonus is what makes lazy runs exact: with none, a merge whose sum approximation
    looks worse than the two beads it replaces is never tried."""
    rng = np.random.default_rng(5)
    base = _unit(rng.normal(size=(8, 32)))
    # the real run vector of t2+t3 is far closer to s2 than either half's sum suggests
    src_v = base[:6]
    tgt_v = _unit(np.stack([base[0], base[1], 0.6 * base[2] + 0.8 * base[6],
                            0.6 * base[2] + 0.8 * base[7], base[3], base[4], base[5]]))
    table = {f"s{i}": v for i, v in enumerate(src_v)} | {f"t{i}": v for i, v in enumerate(tgt_v)}
    table["t2 t3"] = base[2]
    src, tgt = [f"s{i}" for i in range(6)], [f"t{i}" for i in range(7)]

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.stack([table[t] if t in table else _unit(rng.normal(size=(1, 32)))[0]
                         for t in texts])

    def merged(bonus: float) -> bool:
        p = AlignParams(runs="lazy", lazy=LazyParams(bonus=bonus), center_min_items=0)
        return ((2,), (2, 3)) in pairs_of(align_sentences(src, tgt, embed, p))

    assert merged(10.0)
    assert not merged(0.0)


def test_selective_runs_embed_runs_only_near_unsure_beads() -> None:
    # runs are needed only near the merge and the deletion
    src, tgt, runs = _merge_and_deletion("selective")
    assert runs and "s10 s11" in runs
    assert len(set(src) | set(tgt)) + len(runs) < 0.5 * len(overlap_texts(src, 4)
                                                           + overlap_texts(tgt, 4))
    # nothing is embedded as a run far from the two unsure places
    assert not [t for t in runs if {"s2", "s20", "t20", "s38", "t38"} & set(t.split())]


def test_sum_runs_embed_sentences_only_and_unknown_modes_are_refused() -> None:
    src, tgt = src_doc(range(12)), [*tgt_doc([0, 1, 2]), "t3 t4", *tgt_doc(range(5, 12))]
    rec = Recorder()
    align_sentences(src, tgt, rec, AlignParams(runs="sum"))
    assert set(rec.texts) == set(src) | set(tgt)
    with pytest.raises(ValueError, match="runs mode"):
        align_sentences(src, tgt, toy_embed, AlignParams(runs="late"))  # type: ignore[arg-type]


@pytest.mark.parametrize(("beads", "context", "src_open", "tgt_open"), [
    # all confident 1-1: nothing opens
    ([Bead((0,), (0,), 0.5, 0.99), Bead((1,), (1,), 0.5, 0.99), Bead((2,), (2,), 0.5, 0.99)],
     1, [], []),
    # a 2-1 bead opens its sentences and one either side
    ([Bead((0,), (0,), 0.5, 0.99), Bead((1, 2), (1,), 0.5, 0.99), Bead((3,), (2,), 0.5, 0.99),
      Bead((4,), (3,), 0.5, 0.99)], 1, [0, 1, 2, 3], [0, 1, 2]),
    # a 0-1 bead sits at source boundary 2: source sentences 1, 2 either side of it
    ([Bead((0,), (0,), 0.5, 0.99), Bead((1,), (1,), 0.5, 0.99), Bead((), (2,), None, 0.99),
      Bead((2,), (3,), 0.5, 0.99), Bead((3,), (4,), 0.5, 0.99)], 1, [1, 2], [1, 2, 3]),
    # a 1-1 bead below the confidence floor, context 2
    ([Bead((i,), (i,), 0.5, 0.5 if i == 3 else 0.99) for i in range(7)], 2,
     [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]),
])
def test_unsure_windows(beads: list[Bead], context: int, src_open: list[int],
                        tgt_open: list[int]) -> None:
    n = sum(len(b.source) for b in beads)
    m = sum(len(b.target) for b in beads)
    s, t = unsure_windows(beads, n, m, SelectiveParams(context=context))
    assert list(np.flatnonzero(s)) == src_open and list(np.flatnonzero(t)) == tgt_open


def test_selective_documents_keep_every_bead_text_in_the_table() -> None:
    src = make_doc([src_doc([0, 1, 2]), src_doc([3, 4, 5, 6])], "lt")
    tgt = make_doc([tgt_doc([0, 1, 2]), [*tgt_doc([3]), "t4 t5", *tgt_doc([6])]], "et")
    res = align_documents(src, tgt, toy_embed)
    assert ((4, 5), (4,)) in pairs_of(res.sentences)
    for b in res.sentences:
        for side, doc in ((b.source, src), (b.target, tgt)):
            if side:
                assert " ".join(doc.sentences[i].text for i in side) in res.vectors


# --------------------------------------------------------------------------- paragraph prior


def _riding_deletion(c: float = 0.3) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """12 source sentences, s5 has no translation, and t4 carries a little of s5 (weight c):
    on content alone (4, 5)-(4) looks as good as (4)-(4) plus a deletion of s5."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=(40, 64))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    tgt = base[[i for i in range(12) if i != 5]] + 0.2 * _unit(rng.normal(size=(11, 64)))
    tgt[4] = base[4] + c * base[5]
    return sum_overlaps(base[:12], 4), sum_overlaps(_unit(tgt), 4)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("scoring", ["margin", "ratio"])
def test_paragraph_prior_keeps_a_merge_out_of_the_next_paragraph(scoring: str) -> None:
    src, tgt = _riding_deletion()
    split = np.array([0] * 5 + [1] * 7)  # s5 opens a paragraph
    off = align_vectors(src, tgt, AlignParams(scoring=scoring), src_paragraphs=split)
    on = align_vectors(src, tgt, AlignParams(scoring=scoring, paragraph_prior=1.0),
                       src_paragraphs=split)
    assert ((4, 5), (4,)) in pairs_of(off)
    assert ((4,), (4,)) in pairs_of(on) and ((5,), ()) in pairs_of(on)
    check_cover(on, 12, 11)
    # the same merge inside one paragraph pays nothing
    inside = align_vectors(src, tgt, AlignParams(scoring=scoring, paragraph_prior=1.0),
                           src_paragraphs=np.array([0] * 4 + [1] * 8))
    assert pairs_of(inside) == pairs_of(off)


@pytest.mark.parametrize("scoring", ["margin", "ratio"])
def test_paragraph_prior_zero_gives_the_beads_of_no_paragraphs(scoring: str) -> None:
    src, tgt = _riding_deletion()
    params = AlignParams(scoring=scoring, paragraph_prior=0.0)
    plain = align_vectors(src, tgt, params)
    with_ids = align_vectors(src, tgt, params, src_paragraphs=np.array([0] * 5 + [1] * 7),
                             tgt_paragraphs=np.arange(11))
    assert with_ids == plain  # bit for bit: similarities and confidences too
    # and the document fallback with the prior off is plain sentence alignment
    sdoc = make_doc([src_doc([0, 1, 2, 3]), src_doc([4, 5, 6]), src_doc([7, 8, 9])], "lt")
    tdoc = make_doc([[t] for t in [*tgt_doc([0, 1, 2]), "t3 t4", *tgt_doc([5, 6, 8, 9])]],
                    "et")
    al = align_documents(sdoc, tdoc, toy_embed, params)
    assert not al.grouped
    assert list(al.sentences) == align_sentences(sdoc.texts, tdoc.texts, toy_embed, params)


def test_one_sentence_per_line_side_gets_no_prior() -> None:
    # source paragraphs of several sentences, target one sentence per line; s3 is split
    # into two target lines, a 1-2 bead across the target's "paragraphs"
    sdoc = make_doc([src_doc([0, 1, 2]), ["s3 s4", *src_doc([5, 6])], src_doc([7, 8, 9])],
                    "lt")
    tdoc = make_doc([[t] for t in tgt_doc(range(10))], "et")
    params = AlignParams(paragraph_prior=10.0)  # far above any default: a clear contrast
    al = align_documents(sdoc, tdoc, toy_embed, params)
    assert not al.grouped
    assert ((3,), (3, 4)) in pairs_of(al.sentences)
    # were the lines taken for paragraphs, the split would be priced out
    lines = align_documents(sdoc, tdoc, toy_embed,
                            replace(params, paragraph_prior_min_sentences=0))
    assert ((3,), (3, 4)) not in pairs_of(lines.sentences)


@pytest.mark.parametrize(("paras", "prior", "expected"), [
    ([2, 3, 1], 1.0, [0, 0, 1, 1, 1, 2]),
    ([1, 1, 1, 2], 1.0, [0, 1, 2, 3, 3]),  # 1.25 sentences per paragraph: enough
    ([1, 1, 1, 1, 1, 2], 1.0, None),  # 1.17 per paragraph is not: one sentence per line
    ([6], 1.0, None),  # a single paragraph
    ([2, 3, 1], 0.0, None),  # the prior off
])
def test_paragraph_prior_ids(paras: list[int], prior: float, expected: list[int] | None) -> None:
    it = iter(range(100))
    doc = make_doc([src_doc([next(it) for _ in range(k)]) for k in paras], "lt")
    ids = paragraph_prior(doc, AlignParams(paragraph_prior=prior))
    assert (ids is None) == (expected is None)
    if expected is not None:
        assert ids is not None and ids.tolist() == expected


@settings(max_examples=30, deadline=None)
@given(ops, st.lists(st.integers(min_value=0, max_value=1), min_size=60, max_size=60))
def test_paragraph_prior_beads_monotone_and_covering(plan: list[str], marks: list[int]) -> None:
    src, tgt = build(plan)
    s_ids = np.cumsum(marks[:len(src)])
    t_ids = np.cumsum(marks[::-1][:len(tgt)])
    for scoring in ("margin", "ratio"):
        params = AlignParams(scoring=scoring, paragraph_prior=1.0)
        beads = align_runs(src, tgt, {}, toy_embed, params, None, None, s_ids, t_ids)
        check_cover(beads, len(src), len(tgt))


def test_shifted_paragraph_marks_are_not_trusted() -> None:
    body = [list(range(0, 5)), list(range(5, 10)), list(range(10, 15)), list(range(15, 20))]
    src = make_doc([src_doc(p) for p in body], "lt")
    # every target mark one sentence later: paragraphs still pair 1-1, confidently
    moved = [list(range(0, 6)), list(range(6, 11)), list(range(11, 16)), list(range(16, 20))]
    tgt = make_doc([tgt_doc(p) for p in moved], "et")
    al = align_documents(src, tgt, toy_embed)
    assert [(b.source, b.target) for b in al.paragraphs] == [((i,), (i,)) for i in range(4)]
    assert not al.grouped
    assert pairs_of(al.sentences) == [((i,), (i,)) for i in range(20)]
    # trusted, the groups cut each moved sentence from its counterpart
    trusting = align_documents(src, tgt, toy_embed, AlignParams(paragraph_shift_percentile=0))
    assert trusting.grouped
    assert ((5,), ()) in pairs_of(trusting.sentences)
    assert ((), (5,)) in pairs_of(trusting.sentences)


def test_group_pieces_are_whole_groups_within_the_limit() -> None:
    from qa_pipeline.align.documents import group_pieces

    s = np.repeat(np.arange(6), [3, 3, 0, 4, 9, 2])  # group 2 has no source sentence
    t = np.repeat(np.arange(6), [3, 2, 1, 4, 8, 3])
    pieces = group_pieces(s, t, 7)
    assert [(p.start, p.stop) for p, _ in pieces] == [(0, 6), (6, 10), (10, 19), (19, 21)]
    assert [(q.start, q.stop) for _, q in pieces] == [(0, 6), (6, 10), (10, 18), (18, 21)]
    for ps, pt in pieces:  # no group is cut between pieces
        assert set(s[ps]).isdisjoint(s[:ps.start]) and set(t[pt]).isdisjoint(t[:pt.start])


def test_pieces_give_the_same_beads_inside_groups_on_a_short_document() -> None:
    """Pieces cut only at group boundaries: with groups of clean 1-1 translations the pieces
    give the one-piece path; a document under the limit is not cut at all."""
    ids = list(range(40))
    src, tgt = src_doc(ids), tgt_doc(ids)
    groups = np.repeat(np.arange(8), 5)
    whole = align_in_pieces(src, tgt, {}, toy_embed, AlignParams(group_piece_sentences=0),
                            groups, groups)
    cut = align_in_pieces(src, tgt, {}, toy_embed, AlignParams(group_piece_sentences=12),
                          groups, groups)
    assert [(b.source, b.target) for b in cut] == [(b.source, b.target) for b in whole]
    assert [(b.source, b.target) for b in cut] == [((i,), (i,)) for i in ids]
    under = align_in_pieces(src, tgt, {}, toy_embed, AlignParams(), groups, groups)
    assert under == whole


def test_a_text_too_short_to_centre_pairs_its_sentences() -> None:
    """Two sentences a side, every cosine high (one topic, as e5 puts them): the margin on raw
    cosines priced each 1-1 near zero and the whole text, which has no neighbours, as one 2-2
    bead (a correct two-string update came out as an omission and an addition)."""
    def embed(texts: Sequence[str]) -> np.ndarray:
        c = np.random.default_rng(0).standard_normal(64)
        rows = []
        for t in texts:
            v = sum(np.random.default_rng(sum(map(ord, w)) * 7919).standard_normal(64)
                    for w in t.lower().replace(".", "").split())
            v = v / np.linalg.norm(v) + 2.0 * c / np.linalg.norm(c)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, np.float32)

    src = ["more info on site.", "visit shop site."]
    tgt = ["more info site.", "visit shop site there."]
    cos = embed(src) @ embed(tgt).T
    assert cos.min() > 0.85  # the narrow cone
    assert [(b.source, b.target) for b in align_sentences(src, tgt, embed)] == [
        ((0,), (0,)), ((1,), (1,))]
