"""Where and in what arithmetic the encoder runs: `--device auto` and `--precision auto`,
both decided without importing torch where the machine answers for it (a cached run never
imports it)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from .config import DEFAULT_PRECISION, PRECISION_ENV, PRECISIONS
from .errors import ConfigError, ModelError

# Where an NVIDIA driver exposes itself; without one, CUDA cannot be there and "auto" is
# answered without importing torch (a cached run never imports it).
NVIDIA_DRIVER = Path("/proc/driver/nvidia")


def resolve_device(requested: str | None, driver: Path = NVIDIA_DRIVER) -> str:
    """The torch device to run on: "auto" (or None) is "cuda" when torch sees a GPU, else
    "cpu"; anything else is returned as given (torch rejects what it does not know)."""
    if requested not in (None, "auto"):
        return str(requested)
    if not driver.exists():
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


# Where else CUDA shows itself (the driver's control device; WSL2's GPU bridge, which has no
# /proc/driver/nvidia): an explicit --device cuda is refused only when none of them is there.
CUDA_DEVICE_FILES = (Path("/dev/nvidiactl"), Path("/dev/dxg"))
DEVICE_SYNTAX = re.compile(r"auto|cpu|mps|(?:cuda|xpu)(?::\d+)?")


def check_device(requested: str | None, driver: Path | None = None) -> None:
    """Refuse, before any work, a device torch would reject only once the model loads (and a
    cached run would never notice): not a device name, or CUDA on a machine without an NVIDIA
    driver. Decided without importing torch."""
    if requested is None:
        return
    if not DEVICE_SYNTAX.fullmatch(requested):
        raise ConfigError(f"--device {requested!r}: expected auto, cpu, cuda or cuda:N")
    markers = (driver,) if driver else (NVIDIA_DRIVER, *CUDA_DEVICE_FILES)
    if requested.startswith("cuda") and not any(p.exists() for p in markers):
        raise ConfigError(f"--device {requested}: no NVIDIA GPU on this machine (no driver: "
                          f"{', '.join(map(str, markers))}); use --device auto or cpu")


CPUINFO = Path("/proc/cpuinfo")
# CPU flags of native bf16 matrix arithmetic: torch (oneDNN) runs bf16 matmuls on them, e5-small's
# linear layers ~6x faster than in fp32 on AMX (BENCHMARKS.md, "Session 23").
BF16_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})


@lru_cache(maxsize=4)
def cpu_has_bf16(cpuinfo: Path) -> bool:
    """Whether /proc/cpuinfo's first `flags` line names a native bf16 unit (read without
    importing torch: a cached run's cache keys need the precision)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return not BF16_FLAGS.isdisjoint(line.partition(":")[2].split())


def env_precision() -> str:
    """What "auto" precision means here: $QA_PIPELINE_PRECISION where set, else "auto"; a
    value that is no precision is a ConfigError naming the variable."""
    choice = os.environ.get(PRECISION_ENV) or "auto"
    if choice not in PRECISIONS:
        raise ConfigError(f"${PRECISION_ENV}={choice!r}: expected one of "
                          f"{', '.join(PRECISIONS)} (or unset it)")
    return choice


def precision_for(device: str, requested: str | None = DEFAULT_PRECISION,
                  cpuinfo: Path | None = None) -> str:
    """The arithmetic of the encoder's passes: `requested` unless it is "auto" (or None),
    which is $QA_PIPELINE_PRECISION where set, else fp16 on CUDA, bf16 on a CPU with native
    bf16 units (`cpu_has_bf16`), fp32 elsewhere."""
    choice = env_precision() if requested is None or requested == "auto" else requested
    if choice not in PRECISIONS:
        raise ModelError(f"precision {choice!r}: expected one of {', '.join(PRECISIONS)}")
    if choice != "auto":
        return choice
    if device.startswith("cuda"):
        return "fp16"
    return "bf16" if device == "cpu" and cpu_has_bf16(cpuinfo or CPUINFO) else "fp32"
