"""The aligner with the real default model: a deleted sentence comes out as its own 1-0 bead
(not inside a merge), and the selective and lazy run vectors give the exact method's path."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_pipeline.align import AlignParams, align_documents
from qa_pipeline.config import Config
from qa_pipeline.pipeline import make_encoder, read_inputs

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"


def test_a_deleted_sentence_is_a_one_zero_bead(tmp_path: Path, isolated_cache: Path) -> None:
    cfg = Config()
    enc = make_encoder(cfg)
    clean = read_inputs(SEEDS / "lt.txt", SEEDS / "et.txt", cfg)
    # the Estonian sentence to delete: the second of the second paragraph, aligned 1-1
    et_par = clean.target.paragraphs[1]
    gone = et_par.sentences[1]
    base = align_documents(clean.source, clean.target, enc.encode, AlignParams(runs="exact"))
    lt_of = next(b.source for b in base.sentences if b.target == (gone,))
    assert len(lt_of) == 1
    text = (SEEDS / "et.txt").read_text(encoding="utf-8")
    cut = clean.target.sentences[gone].text
    assert text.count(cut) == 1
    (tmp_path / "et.txt").write_text(text.replace(" " + cut, ""), encoding="utf-8")
    damaged = read_inputs(SEEDS / "lt.txt", tmp_path / "et.txt", cfg)
    assert len(damaged.target.sentences) == len(clean.target.sentences) - 1
    paths = {}
    for runs in ("exact", "selective", "lazy"):
        al = align_documents(damaged.source, damaged.target, enc.encode, AlignParams(runs=runs))
        paths[runs] = [(b.source, b.target) for b in al.sentences]
        assert (lt_of, ()) in paths[runs], paths[runs]
    assert paths["selective"] == paths["exact"]
    assert paths["lazy"] == paths["exact"]


def test_a_rider_is_split_off_by_its_words(isolated_cache: Path) -> None:
    """An unrelated sentence merged into a neighbour's bead: its words match nothing on the
    other side, so it comes out as a 1-0 bead; a sentence split in two against its whole
    translation stays one bead. The answers are cached records: a second encoder over the
    same cache answers without loading the model."""
    from qa_pipeline.align import split_riders
    from qa_pipeline.rider_match import rider_match
    from qa_pipeline.types import Bead

    cfg = Config()
    enc = make_encoder(cfg)
    pair = read_inputs(SEEDS / "lt.txt", SEEDS / "et.txt", cfg)
    base = align_documents(pair.source, pair.target, enc.encode, AlignParams())
    one = [b for b in base.sentences if len(b.source) == 1 and len(b.target) == 1]
    (lt_a,), (et_a,) = one[2].source, one[2].target
    (lt_far,), _ = one[-1].source, one[-1].target
    src = [pair.source.sentences[lt_a].text, pair.source.sentences[lt_far].text]
    tgt = [pair.target.sentences[et_a].text]
    match = rider_match(enc, AlignParams().riders.layer)
    assert match is not None
    shares = match(src, tgt[0])
    assert shares[0] > 0.25 > shares[1]
    out = split_riders([Bead((0, 1), (0,), 0.5, 0.9)], src, tgt, {}, enc.encode, match)
    assert [(b.source, b.target) for b in out] == [((0,), (0,)), ((1,), ())]
    # A sentence cut at its comma into two, against the whole translation: no rider.
    whole = pair.target.sentences[et_a].text
    lt_text = src[0]
    cut = lt_text.index(",")
    halves = [lt_text[:cut] + ".", lt_text[cut + 1:].strip()]
    kept = [Bead((0, 1), (0,), 0.9, 0.9)]
    assert split_riders(kept, halves, [whole], {}, enc.encode, match) == kept
    cold = make_encoder(cfg)
    again = rider_match(cold, AlignParams().riders.layer)
    assert again is not None and again(src, tgt[0]) == pytest.approx(shares, abs=1e-6)
    assert not cold.inner.loaded  # type: ignore[attr-defined]
