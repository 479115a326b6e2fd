"""N-way with the real model: a replaced Estonian sentence is blamed on et, with the English
source and without it (three translations vote)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_pipeline.config import Config
from qa_pipeline.io.nway_json import nway_to_dict, validate_nway
from qa_pipeline.io.readers import read_document
from qa_pipeline.nway.pipeline import analyse_nway
from qa_pipeline.pipeline import make_encoder

pytestmark = pytest.mark.slow
DATA = Path(__file__).resolve().parents[1] / "data" / "nway"


@pytest.mark.parametrize("with_source", [True, False])
def test_the_replaced_sentence_is_blamed_on_et(with_source: bool, isolated_cache: Path) -> None:
    cfg = Config()
    enc = make_encoder(cfg)
    src = read_document(DATA / "en.txt", "en") if with_source else None
    trs = [read_document(DATA / f"{x}.txt", x) for x in ("lt", "et", "lv")]
    data = nway_to_dict(analyse_nway(src, trs, enc, cfg))
    validate_nway(data)
    et = trs[1]
    bad = next(s.id for s in et.sentences if s.text.startswith("Jalgpallimeeskond"))
    row = next(r for r, x in enumerate(data["rows"]) if bad in x["cells"]["et"])
    blamed = {(f["row"], f["drifted"]) for f in data["findings"]}
    assert (row, "et") in blamed
    assert all(who in ("et", None) for _, who in blamed)  # no other translation is blamed
