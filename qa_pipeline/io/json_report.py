"""report.json (schema qa_pipeline.report/1): build the dict, validate it, write it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import REPORT_SCHEMA
from ..report.output import WriterSpec
from ..types import Bead, Document, Finding, Report, ScoredBead, Sentence


def sentence_dict(s: Sentence) -> dict[str, Any]:
    """A sentence in a report: id, paragraph, analysed text; the text as given (`display`)
    and the offset map into it when they differ."""
    out: dict[str, Any] = {"id": s.id, "paragraph": s.paragraph, "text": s.text}
    if s.display:
        out["display"] = s.display
        out["offsets"] = list(s.offsets)
    if s.unit:
        out["unit"] = s.unit
    if s.line:
        out["line"] = s.line
    return out


def _doc(doc: Document) -> dict[str, Any]:
    return {
        "path": doc.path,
        "lang": doc.lang,
        "paragraphs": [{"id": p.id, "sentences": list(p.sentences)} for p in doc.paragraphs],
        "sentences": [sentence_dict(s) for s in doc.sentences],
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _bead(b: Bead) -> dict[str, Any]:
    return {
        "source": list(b.source),
        "target": list(b.target),
        "similarity": _round(b.similarity),
        "confidence": _round(b.confidence),
    }


def _scored(sb: ScoredBead) -> dict[str, Any]:
    out = {**_bead(sb.bead), "drift": round(float(sb.drift), 6)}
    if sb.word_score is not None:
        out["words"] = {"source": [list(s) for s in sb.source_words or ()],
                        "target": [list(s) for s in sb.target_words or ()],
                        "score": round(float(sb.word_score), 6)}
    return out


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "kind": f.kind,
        "severity": f.severity,
        "score": round(float(f.score), 6),
        "source": list(f.source),
        "target": list(f.target),
        "source_spans": [list(s) for s in f.source_spans],
        "target_spans": [list(s) for s in f.target_spans],
        "message": f.message,
        "fingerprint": f.fingerprint,
        "baselined": f.baselined,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    sig = report.signature
    out: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "signature": {
            "version": sig.version,
            "model": sig.model,
            "model_revision": sig.model_revision,
            "segmenter": sig.segmenter,
            "drift_model": sig.drift_model,
            "aligner": sig.aligner,
            "thresholds": {k: round(float(v), 6) for k, v in sig.thresholds.items()},
            "normaliser": sig.normaliser,
            "encoding": {"source": sig.encodings[0], "target": sig.encodings[1]},
        },
        "source": _doc(report.source),
        "target": _doc(report.target),
        "paragraph_alignment": [
            {"source": list(b.source), "target": list(b.target), "similarity": _round(b.similarity)}
            for b in report.alignment.paragraphs
        ],
        "alignment": [_scored(sb) for sb in report.scored],
        "findings": [_finding(f) for f in report.findings],
    }
    if report.paragraph_similarity:
        out["paragraph_similarity"] = [list(r) for r in report.paragraph_similarity]
    return out


def load_schema(name: str = "report.schema.json") -> dict[str, Any]:
    """A JSON Schema shipped in qa_pipeline/schemas."""
    text = resources.files("qa_pipeline").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=8)
def _validator(name: str) -> Any:
    """One validator per shipped schema and process: `jsonschema.validate` would check the
    schema itself and rebuild the validator on every call (the schemas are checked once, by
    tests/unit/test_vocabulary.py)."""
    from jsonschema.validators import validator_for

    schema = load_schema(name)
    return validator_for(schema)(schema)


def validate_against(data: Any, name: str = "report.schema.json") -> None:
    """Raise the jsonschema.ValidationError `jsonschema.validate` would raise (the best
    match) if `data` does not follow the shipped schema `name`."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(name).iter_errors(data))
    if error is not None:
        raise error


def schema_problem(data: Any, name: str = "report.schema.json") -> str | None:
    """The first way `data` breaks the shipped schema `name`, as "where: what" for a one-line
    error (where: the JSON path, or "the top level"); None when it follows it."""
    import jsonschema

    try:
        validate_against(data, name)
    except jsonschema.ValidationError as e:
        where = "/".join(str(x) for x in e.absolute_path) or "the top level"
        return f"{where}: {e.message}"
    return None


def validate(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if `data` does not follow the shipped schema."""
    validate_against(data)


_LAYOUT: dict[str, Any] = {"ensure_ascii": False, "indent": 1}  # of every report.json


def dumps(data: Mapping[str, Any]) -> str:
    """The JSON text of every file the tool writes (reports, summaries, baselines)."""
    return json.dumps(data, **_LAYOUT) + "\n"


def write_json(data: Mapping[str, Any], path: Path) -> None:
    """The same bytes as `dumps`, streamed: a large report is never one string in memory."""
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, **_LAYOUT)
        fh.write("\n")


WRITER = WriterSpec("json", "report.json", lambda out, path: write_json(dict(out.data), path))
