"""The cross tagger's shipped file: format, SHA-256 and completeness are checked on load; its
blend with the feature tagger."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.detect.cross_tagger import (
    CrossTaggerModel,
    cross_names,
    initial_params,
    read_cross,
    read_cross_dir,
    write_cross,
)
from qa_pipeline.detect.tagger import PairTags
from qa_pipeline.detect.word_fit import WordFit
from qa_pipeline.detect.word_match import WordMatch
from qa_pipeline.detect.word_tagger import blend_tags, fingerprint, load_word_tagger
from qa_pipeline.errors import ModelError


def tiny_model() -> CrossTaggerModel:
    w = initial_params(dim=8, frozen=1, layers=2, rank=2, hidden=4, intermediate=16, seed=3)
    return CrossTaggerModel(model_id="cross-test/1", encoder="tiny", frozen=1, layers=2, rank=2,
                            alpha=4.0, weights=w,
                            thresholds={"word_bad_source": 0.4, "word_bad_target": 0.6})


def test_round_trip_keeps_the_weights_to_fp16(tmp_path: Path) -> None:
    model = tiny_model()
    write_cross(model, tmp_path)
    back = read_cross_dir("tiny", tmp_path)
    assert back is not None and back.frozen == 1 and back.scale == 2.0
    assert set(back.weights) == set(model.weights)
    for k, v in model.weights.items():
        np.testing.assert_allclose(back.weights[k], v, rtol=1e-3, atol=1e-4)
    assert read_cross_dir("other", tmp_path) is None


def test_the_word_match_round_trips_and_a_malformed_one_is_refused(tmp_path: Path) -> None:
    import dataclasses

    write_cross(dataclasses.replace(tiny_model(), match=WordMatch(1, 0.5, 0.5)), tmp_path)
    back = read_cross_dir("tiny", tmp_path)
    assert back is not None and back.match == WordMatch(1, 0.5, 0.5)
    j, z = cross_names("tiny")
    header = json.loads((tmp_path / j).read_text())
    with pytest.raises(ModelError, match="malformed 'match'"):
        read_cross({**header, "match": {"layer": 1}}, (tmp_path / z).read_bytes())
    assert read_cross({**header, "match": None}, (tmp_path / z).read_bytes()).match is None
    # the tags' cache key: a different match is a different tagger
    plain = tiny_model()
    assert fingerprint(plain) != fingerprint(dataclasses.replace(plain, match=WordMatch(1, .5, .5)))


def test_the_word_fit_round_trips_and_a_malformed_one_is_refused(tmp_path: Path) -> None:
    import dataclasses

    fit = WordFit(layers=(1, 2), coef=(0.5, -0.25, 1.0, 0.0), intercept=-1.5, weight=0.3,
                  centre=0.2)
    write_cross(dataclasses.replace(tiny_model(), fit=fit), tmp_path)
    back = read_cross_dir("tiny", tmp_path)
    assert back is not None and back.fit == fit and back.match is None
    j, z = cross_names("tiny")
    header = json.loads((tmp_path / j).read_text())
    blob = (tmp_path / z).read_bytes()
    with pytest.raises(ModelError, match="malformed 'fit'"):
        read_cross({**header, "fit": {"layers": [1, 2], "coef": [0.5]}}, blob)
    with pytest.raises(ModelError, match="3 weights for 2 layers"):
        read_cross({**header, "fit": {**header["fit"], "coef": [0.5, 0.5, 0.5]}}, blob)
    assert read_cross({**header, "fit": None}, blob).fit is None
    # the tags' cache key: a different probe or weight is a different tagger
    plain = tiny_model()
    keys = {fingerprint(plain), fingerprint(dataclasses.replace(plain, fit=fit)),
            fingerprint(dataclasses.replace(plain, fit=dataclasses.replace(fit, weight=0.4)))}
    assert len(keys) == 3


def test_damaged_or_foreign_files_are_refused(tmp_path: Path) -> None:
    write_cross(tiny_model(), tmp_path)
    j, z = cross_names("tiny")
    header = json.loads((tmp_path / j).read_text())
    blob = (tmp_path / z).read_bytes()
    with pytest.raises(ModelError, match="SHA-256"):
        read_cross(header, blob[:-1] + bytes([blob[-1] ^ 1]))
    with pytest.raises(ModelError, match="format"):
        read_cross({**header, "format": "qa_pipeline.cross_tagger/0"}, blob)
    with pytest.raises(ModelError, match="lack"):  # adapters for a layer it does not have
        read_cross({**header, "layers": 3}, blob)
    (tmp_path / z).unlink()
    with pytest.raises(ModelError, match="missing"):
        read_cross_dir("tiny", tmp_path)


def test_blend_mixes_word_and_sentence_scores_word_by_word() -> None:
    spans = ((0, 1), (2, 3))
    cross = PairTags(spans, np.array([0.9, 0.1]), spans[:1], np.array([0.5]), 0.8)
    feats = PairTags(spans, np.array([0.1, 0.3]), spans[:1], np.array([0.1]), 0.2)
    got = blend_tags(cross, feats, 0.25)
    np.testing.assert_allclose(got.source_bad, [0.3, 0.25])
    np.testing.assert_allclose(got.target_bad, [0.2])
    assert got.sentence == pytest.approx(0.35) and got.source_spans == spans
    with pytest.raises(ValueError, match="different words"):
        blend_tags(cross, PairTags(spans[:1], np.array([0.1]), spans[:1], np.array([0.1]), 0.2),
                   0.5)


SHIPPED = Path(__file__).resolve().parents[2] / "qa_pipeline" / "data"


@pytest.mark.skipif(not (SHIPPED / cross_names("multilingual-e5-small")[0]).is_file(),
                    reason="no cross tagger shipped for the default model")
def test_shipped_cross_tagger_is_the_default_models_word_tagger() -> None:
    model = load_word_tagger("multilingual-e5-small")
    assert isinstance(model, CrossTaggerModel) and model.layers == 12 and 0 <= model.frozen < 12
    assert model.combine is not None and 0 < model.blend <= 1
    # the unmatched-word evidence reads a layer the feature tagger keeps: no pass of its own
    from qa_pipeline.detect.tagger import load_tagger

    feature = load_tagger("multilingual-e5-small")
    assert model.match is not None and feature is not None
    assert model.match.layer in feature.layers and 0 < model.match.weight <= 1
    # so does the misfit evidence, when it ships
    assert model.fit is None or (set(model.fit.layers) <= set(feature.layers)
                                 and len(model.fit.coef) == 384 * len(model.fit.layers))
    assert {"word_bad_source", "word_bad_target"} <= set(model.thresholds)
    blob = (SHIPPED / cross_names("multilingual-e5-small")[1]).stat().st_size
    assert blob < 4_000_000  # adapters and heads (2.2 MB), not a copy of the encoder (470 MB)
    assert load_word_tagger("hash-256") is None
