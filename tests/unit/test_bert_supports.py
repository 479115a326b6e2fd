"""`bert.supports`: the lean encoder takes a model directory only when it computes exactly what
sentence-transformers would; every other directory goes to sentence-transformers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qa_pipeline.bert import BertConfig, supports

MODULES = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
           {"idx": 1, "name": "1", "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling"},
           {"idx": 2, "name": "2", "path": "2_Normalize",
            "type": "sentence_transformers.models.Normalize"}]
CONFIG = {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 384,
          "num_hidden_layers": 12, "num_attention_heads": 12, "hidden_act": "gelu",
          "max_position_embeddings": 512, "layer_norm_eps": 1e-12, "pad_token_id": 1,
          "position_embedding_type": "absolute"}
POOLING = {"word_embedding_dimension": 384, "pooling_mode_cls_token": False,
           "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
           "include_prompt": True}


def _model_dir(root: Path, modules: Any = MODULES, config: Any = CONFIG,
               pooling: Any = POOLING, st: Any = None, files: tuple[str, ...] = (
                   "model.safetensors", "tokenizer.json")) -> Path:
    (root / "1_Pooling").mkdir(parents=True)
    (root / "modules.json").write_text(json.dumps(modules), "utf-8")
    (root / "config.json").write_text(json.dumps(config), "utf-8")
    (root / "1_Pooling" / "config.json").write_text(json.dumps(pooling), "utf-8")
    (root / "sentence_bert_config.json").write_text(
        json.dumps(st if st is not None else {"max_seq_length": 512, "do_lower_case": False}),
        "utf-8")
    for f in files:
        (root / f).write_bytes(b"")
    return root


def test_the_e5_layout_is_supported(tmp_path: Path) -> None:
    assert supports(_model_dir(tmp_path)) == BertConfig(layers=12, hidden=384, heads=12,
                                                       eps=1e-12, max_length=512, pad_id=1)


def test_a_shorter_max_seq_length_truncates_there(tmp_path: Path) -> None:
    cfg = supports(_model_dir(tmp_path, st={"max_seq_length": 256}))
    assert cfg is not None and cfg.max_length == 256


@pytest.mark.parametrize("change", [
    {"modules": MODULES[:2]},  # no Normalize
    {"modules": [*MODULES, {"type": "sentence_transformers.models.Dense", "path": "3"}]},
    {"config": {**CONFIG, "architectures": ["XLMRobertaModel"]}},
    {"config": {**CONFIG, "model_type": "xlm-roberta"}},
    {"config": {**CONFIG, "hidden_act": "gelu_new"}},
    {"config": {**CONFIG, "position_embedding_type": "relative_key"}},
    {"pooling": {**POOLING, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}},
    {"pooling": {**POOLING, "pooling_mode_max_tokens": True}},
    {"pooling": {**POOLING, "include_prompt": False}},
    {"st": {"max_seq_length": 512, "do_lower_case": True}},
    {"files": ("tokenizer.json",)},  # weights only as pytorch_model.bin
    {"files": ("model.safetensors",)},
], ids=lambda c: next(iter(c)) + ":" + json.dumps(next(iter(c.values())))[:40])
def test_anything_else_goes_to_sentence_transformers(tmp_path: Path,
                                                     change: dict[str, Any]) -> None:
    assert supports(_model_dir(tmp_path, **change)) is None


def test_a_directory_without_modules_is_not_supported(tmp_path: Path) -> None:
    assert supports(tmp_path) is None
