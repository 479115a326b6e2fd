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
