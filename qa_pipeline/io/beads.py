"""Bead files in vecalign's text format: one `[0, 1]:[2]:0.812345` line per bead.

The writer (`format_beads`, used by `qa-pipeline align --format beads` and the benchmarks) and
the reader (`parse_beads`, for gold beads and predicted files) share this one module.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..types import Bead

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]  # (source ids, target ids) of one bead


def format_beads(beads: Sequence[Bead]) -> str:
    """vecalign format, one `[0, 1]:[2]:0.812345` line per bead; the number is the confidence."""
    lines = []
    for b in beads:
        conf = b.confidence if b.confidence is not None else 0.0
        lines.append(f"[{', '.join(map(str, b.source))}]:[{', '.join(map(str, b.target))}]"
                     f":{conf:.6f}")
    return "\n".join(lines) + ("\n" if lines else "")


def _ids(part: str) -> tuple[int, ...]:
    part = part.strip()
    if not (part.startswith("[") and part.endswith("]")):
        raise ValueError(f"not a bead side: {part!r}")
    inner = part[1:-1].strip()
    return tuple(int(x) for x in inner.split(",")) if inner else ()


def parse_beads(text: str) -> list[BeadPair]:
    """Read vecalign-format beads (`[9, 10]:[9]` with an optional `:score`)."""
    out: list[BeadPair] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split(":")
        if len(parts) < 2:
            raise ValueError(f"not a bead line: {line!r}")
        out.append((_ids(parts[0]), _ids(parts[1])))
    return out


def bead_pairs(beads: Sequence[Bead]) -> list[BeadPair]:
    """The (source ids, target ids) of each bead, without scores (as `parse_beads` reads)."""
    return [(b.source, b.target) for b in beads]
