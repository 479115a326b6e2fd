"""KEY=VALUE overrides of a frozen parameter dataclass, for tuning and trade-off runs
(`--set` in the align and drift benchmarks).

KEY is a field of the dataclass (`max_bead=4`, `span_budget_floor=60`) or, dotted, a field of a
nested one (`margin.skip=0.05`); VALUE is read as the type of the field's current value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

T = TypeVar("T")


def with_overrides(obj: T, args: Sequence[str]) -> T:
    for kv in args:
        key, value = kv.split("=", 1)
        obj = _override(obj, key.split("."), value, key, type(obj).__name__)
    return obj


def _override(obj: Any, path: list[str], value: str, key: str, kind: str) -> Any:
    name, *rest = path
    if not is_dataclass(obj) or name not in {f.name for f in fields(obj)}:
        raise ValueError(f"unknown {kind} override {key!r}")
    current = getattr(obj, name)
    if rest:
        return replace(obj, **{name: _override(current, rest, value, key, kind)})
    if is_dataclass(current):
        raise ValueError(f"{key!r} is a group: set one of its fields ({key}.NAME=VALUE)")
    if value.lower() == "none":  # an optional knob switched off (`riders.lone_match=none`)
        return replace(obj, **{name: None})
    cast: Callable[[str], Any] = (
        (lambda x: x in ("1", "true", "True")) if isinstance(current, bool)
        else float if current is None  # an optional knob that is off takes a number
        else type(current))
    return replace(obj, **{name: cast(value)})


def suffix(args: Sequence[str]) -> str:
    """A results-file suffix naming the overrides ("" without any), so that a trade-off run
    never overwrites the headline results."""
    return "".join("_" + kv.replace("=", "-") for kv in args)
