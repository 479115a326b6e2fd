"""One vocabulary: severities and kinds are defined in types.py; everything else agrees."""

from __future__ import annotations

from typing import get_args

from qa_pipeline.config import FAIL_ON_RANK, FailOn
from qa_pipeline.detect.checks import CHECKS
from qa_pipeline.detect.checks.base import Hit
from qa_pipeline.io.json_report import load_schema
from qa_pipeline.report import view
from qa_pipeline.types import (
    KIND_LABELS,
    KIND_ORDER,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    SEVERITY_RANK,
    CheckKind,
    DocumentKind,
    DriftKind,
    FindingKind,
    GapKind,
)


def _finding_props() -> dict[str, dict[str, object]]:
    schema = load_schema()
    props: dict[str, dict[str, object]] = schema["$defs"]["finding"]["properties"]
    return props


def test_schema_enums_are_the_vocabulary() -> None:
    props = _finding_props()
    assert tuple(props["kind"]["enum"]) == KIND_ORDER  # type: ignore[arg-type]
    assert tuple(props["severity"]["enum"]) == SEVERITY_ORDER  # type: ignore[arg-type]


def test_kind_groups_partition_the_finding_kinds() -> None:
    groups = [set(get_args(k)) for k in (CheckKind, DriftKind, GapKind, DocumentKind)]
    assert set().union(*groups) == set(get_args(FindingKind))
    assert sum(len(g) for g in groups) == len(get_args(FindingKind))


def test_every_kind_and_severity_has_a_label() -> None:
    assert set(KIND_LABELS) == set(KIND_ORDER)
    assert set(SEVERITY_LABELS) == set(SEVERITY_ORDER)


def test_ranks_order_severities_worst_first() -> None:
    ranks = [SEVERITY_RANK[s] for s in SEVERITY_ORDER]
    assert ranks == sorted(ranks, reverse=True) and min(ranks) > 0
    assert set(FAIL_ON_RANK) == set(get_args(FailOn))
    assert FAIL_ON_RANK["none"] > max(ranks)


def test_every_check_kind_is_registered_once() -> None:
    kinds = [spec.kind for spec in CHECKS.values()]
    assert sorted(kinds) == sorted(get_args(CheckKind))
    assert all(spec.name == name for name, spec in CHECKS.items())


def test_the_report_view_reads_the_same_vocabulary() -> None:
    assert view.KIND_LABELS is KIND_LABELS and view.SEVERITY_ORDER is SEVERITY_ORDER
    assert set(view.SEVERITY_COLOURS) == set(SEVERITY_ORDER)
    assert set(view.SEVERITY_GLYPHS) == set(SEVERITY_ORDER)
    assert Hit.__dataclass_fields__["kind"].type == "CheckKind"


def test_shipped_schemas_are_valid_json_schemas() -> None:
    """Validation at run time skips checking the schema itself; this checks it, once."""
    from importlib import resources

    from jsonschema.validators import validator_for

    names = [p.name for p in resources.files("qa_pipeline").joinpath("schemas").iterdir()
             if p.name.endswith(".schema.json")]
    assert {"report.schema.json", "nway.schema.json", "summary.schema.json"} <= set(names)
    for name in names:
        schema = load_schema(name)
        validator_for(schema).check_schema(schema)
