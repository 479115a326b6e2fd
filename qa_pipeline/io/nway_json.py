"""report.json of an n-way check (schema qa_pipeline.nway/1): build the dict, validate it."""

from __future__ import annotations

from typing import Any

from ..config import NWAY_SCHEMA
from ..nway.pipeline import NwayReport
from ..types import Document
from .json_report import validate_against

__all__ = ["NWAY_SCHEMA", "nway_to_dict", "validate_nway"]


def _text(doc: Document) -> dict[str, Any]:
    from .json_report import sentence_dict

    return {"path": doc.path, "lang": doc.lang,
            "sentences": [sentence_dict(s) for s in doc.sentences]}


def nway_to_dict(report: NwayReport) -> dict[str, Any]:
    sig = report.signature
    return {
        "schema": NWAY_SCHEMA,
        "signature": {
            "version": sig.version, "model": sig.model, "model_revision": sig.model_revision,
            "segmenter": sig.segmenter, "drift_model": sig.drift_model, "aligner": sig.aligner,
            "thresholds": {k: round(float(v), 6) for k, v in sig.thresholds.items()},
            "normaliser": sig.normaliser,
            # how each file's bytes were decoded: the source's, then each translation's
            "encoding": {**({"source": report.source.encoding} if report.source else {}),
                         **{d.lang: d.encoding for d in report.translations}},
        },
        "source": None if report.source is None else _text(report.source),
        "translations": [_text(d) for d in report.translations],
        "rows": [{"source": list(r.pivot), "cells": {k: list(v) for k, v in r.cells.items()}}
                 for r in report.rows],
        "findings": [{
            "kind": f.kind, "severity": f.severity, "score": round(float(f.score), 6),
            "drifted": f.drifted, "row": f.row,
            "sentences": {k: list(v) for k, v in f.sentences.items()},
            "spans": {k: [list(s) for s in v] for k, v in f.spans.items()},
            "message": f.message, "id": f.id, "fingerprint": f.fingerprint,
            "baselined": f.baselined,
        } for f in report.findings],
    }


def validate_nway(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError unless `data` follows the shipped n-way schema."""
    validate_against(data, "nway.schema.json")
