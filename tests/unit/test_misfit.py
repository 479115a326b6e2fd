"""The swapped-word detector's pieces that need no model: words of tokens, the shipped file's
checks, and the word-evidence stage that reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from qa_pipeline.detect.cross_tagger import initial_params
from qa_pipeline.detect.misfit import (
    HEAD_NAMES,
    MisfitModel,
    read_misfit,
    token_words,
    word_pool,
    write_misfit,
)
from qa_pipeline.detect.tagger import (
    MISFIT_EVIDENCE,
    WORD_EVIDENCE,
    PairTags,
    check_combine,
    evidence_row,
    stage_evidence,
)
from qa_pipeline.errors import ModelError


def tiny() -> MisfitModel:
    w = initial_params(dim=8, frozen=1, layers=2, rank=2, hidden=4, intermediate=16, seed=5)
    keep = {k: v for k, v in w.items() if k.startswith("lora_") or k in HEAD_NAMES}
    keep["w_word"] = np.ones((8 * 3, 4), np.float32)  # two taps + the frozen layer + the top
    return MisfitModel(model_id="misfit-test/1", encoder="tiny", frozen=1, layers=2, taps=(0,),
                       rank=2, alpha=4.0, weights=keep)


def test_tokens_map_to_the_words_they_overlap_and_the_prompt_to_none() -> None:
    # "query: " is 7 characters: its tokens' offsets are negative once shifted
    offsets = np.array([[0, 0], [-7, -2], [0, 3], [3, 5], [5, 6], [6, 10], [0, 0]])
    spans = [(0, 5), (6, 10)]  # "Tartu" split in two tokens, then a space, then "linn"
    assert token_words(offsets, spans).tolist() == [-1, -1, 0, 0, -1, 1, -1]
    pool = word_pool([token_words(offsets, spans)], [2], 7)
    assert pool.shape == (1, 2, 7)
    np.testing.assert_allclose(pool[0, 0], [0, 0, .5, .5, 0, 0, 0])
    np.testing.assert_allclose(pool.sum(-1), [[1.0, 1.0]])


def test_round_trip_and_checks_on_load(tmp_path: Path) -> None:
    model = tiny()
    write_misfit(model, tmp_path)
    header = json.loads((tmp_path / "misfit_tiny.json").read_text())
    blob = (tmp_path / "misfit_tiny.npz").read_bytes()
    back = read_misfit(header, blob)
    assert back.state_layers == (0, 1) and back.scale == 2.0
    for k, v in model.weights.items():
        np.testing.assert_allclose(back.weights[k], v, rtol=1e-3, atol=1e-4)
    with pytest.raises(ModelError, match="SHA-256"):
        read_misfit(header, blob[:-8] + b"\0" * 8)
    with pytest.raises(ModelError, match="format"):
        read_misfit({**header, "format": "qa_pipeline.misfit/0"}, blob)
    with pytest.raises(ModelError, match="lack"):  # an adapter missing: a 3-layer header
        read_misfit({**header, "layers": 3}, blob)
    with pytest.raises(ModelError, match="malformed"):
        read_misfit({k: v for k, v in header.items() if k != "taps"}, blob)


def tags(misfit: np.ndarray | None) -> PairTags:
    return PairTags(((0, 3),), np.array([0.1]), ((0, 3), (4, 7)), np.array([0.2, 0.9]), 0.3,
                    target_misfit=misfit)


class Header:
    thresholds: ClassVar[dict[str, float]] = {"word_bad_source": 0.5, "word_bad_target": 0.5}
    combine = None


def test_the_stage_reads_the_largest_misfit_where_it_names_it() -> None:
    plain = evidence_row(Header(), tags(np.array([-2.0, 1.5])))
    assert plain.shape == (len(WORD_EVIDENCE),)
    both = evidence_row(Header(), tags(np.array([-2.0, 1.5])), (*WORD_EVIDENCE, MISFIT_EVIDENCE))
    np.testing.assert_allclose(both, [*plain, 1.5])
    with pytest.raises(ModelError, match="swapped-in"):
        evidence_row(Header(), tags(None), (*WORD_EVIDENCE, MISFIT_EVIDENCE))


def test_a_stage_names_its_inputs_and_they_are_checked() -> None:
    old = {"coef": [1.0] * 5, "intercept": 0.0}
    assert stage_evidence(old) == WORD_EVIDENCE
    new = {"inputs": ["drift_logit", *WORD_EVIDENCE, MISFIT_EVIDENCE], "coef": [1.0] * 6,
           "intercept": 0.0}
    assert stage_evidence(new)[-1] == MISFIT_EVIDENCE
    check_combine("t", {**new, "pairs": {"et-en": old}})
    with pytest.raises(ModelError, match="inputs"):
        check_combine("t", {**new, "coef": [1.0] * 5})
    with pytest.raises(ModelError, match="inputs"):
        check_combine("t", {**new, "inputs": ["drift_logit", "max_unknown"], "coef": [1.0] * 2})
