"""summary.json (schema qa_pipeline.summary/1): one entry per document pair of a batch run.

Per pair: counts by kind and severity, new vs baselined findings, how many fail the gate, the
worst score and the report's signature; the source files' hashes tie it to the text it was
made from (`baseline update` checks them). Everything that varies between identical runs
(timings, cache hits, executor) is under `run`, so two runs compare equal without it.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import FAIL_ON_RANK, SUMMARY_SCHEMA
from ..types import KIND_ORDER, SEVERITY_ORDER, SEVERITY_RANK
from .output import BatchOutput, BatchWriterSpec, PairResult


def failing(report: Any, fail_on: str) -> list[dict[str, Any]]:
    """The findings that fail the gate: new (not baselined) and at or above `fail_on`."""
    limit = FAIL_ON_RANK[fail_on]
    return [f for f in report["findings"]
            if not f.get("baselined") and SEVERITY_RANK[f["severity"]] >= limit]


def pair_summary(p: PairResult, fail_on: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "document": p.document, "source_lang": p.source_lang, "target_lang": p.target_lang,
        "report": f"{p.folder}/report.json" if p.report is not None else None,
        "source": p.source_path, "target": p.target_path,
        "source_sha256": p.source_sha256, "target_sha256": p.target_sha256,
        "input_key": p.input_key,
    }
    if p.nway:
        out["targets"] = [{"lang": lang, "path": path, "sha256": sha}
                          for lang, path, sha in p.targets]
    if p.report is None:
        return {**out, "status": "error", "error": p.error}
    findings = list(p.report["findings"])
    kinds = Counter(f["kind"] for f in findings)
    baselined = sum(bool(f.get("baselined")) for f in findings)
    fails = failing(p.report, fail_on)
    worst = max(findings, key=lambda f: (SEVERITY_RANK[f["severity"]], f["score"]), default=None)
    return {
        **out,
        "status": "fail" if fails else "pass",
        "findings": len(findings),
        "by_severity": {s: sum(f["severity"] == s for f in findings) for s in SEVERITY_ORDER},
        "by_kind": {k: kinds[k] for k in KIND_ORDER if kinds[k]},
        "new": len(findings) - baselined,
        "baselined": baselined,
        "failing": len(fails),
        "worst_severity": worst["severity"] if worst else None,
        "worst_score": round(max((float(f["score"]) for f in findings), default=0.0), 6),
        "signature": p.report["signature"],
    }


def build_summary(out: BatchOutput) -> dict[str, Any]:
    pairs = [pair_summary(p, out.fail_on) for p in out.pairs]
    ok = [p for p in pairs if p["status"] != "error"]
    totals = {
        "pairs": len(pairs),
        "failed_pairs": sum(p["status"] != "pass" for p in pairs),
        "errors": len(pairs) - len(ok),
        "missing": len(out.missing),
        "findings": sum(p["findings"] for p in ok),
        "new": sum(p["new"] for p in ok),
        "baselined": sum(p["baselined"] for p in ok),
        "failing": sum(p["failing"] for p in ok),
    }
    return {
        "schema": SUMMARY_SCHEMA,
        "fail_on": out.fail_on,
        "status": "pass" if totals["failed_pairs"] == 0 else "fail",
        "totals": totals,
        "pairs": pairs,
        "missing": [{"document": m.document, "lang": m.lang, "message": m.message}
                    for m in out.missing],
        "run": dict(out.run),
    }


def load_schema() -> dict[str, Any]:
    text = resources.files("qa_pipeline").joinpath("schemas/summary.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if `data` does not follow the shipped schema."""
    from ..io.json_report import validate_against

    validate_against(data, "summary.schema.json")


def write_summary(out: BatchOutput, path: Path) -> None:
    from ..io.json_report import write_json

    data = out.summary
    validate(data)
    write_json(data, path)


WRITER = BatchWriterSpec("summary", "summary.json", write_summary)
