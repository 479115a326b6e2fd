"""Where the benchmarks find the shared data and keep their embedding caches.

The data is never copied into the project: it is read from ``../shared/data`` beside the
checkout (or ``$QA_SHARED_DATA``). Embedding caches live in ``.bench-cache/`` (git-ignored,
or ``$QA_BENCH_CACHE``) so that re-running a benchmark or a tuning sweep costs seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("QA_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
CACHE_DIR = Path(os.environ.get("QA_BENCH_CACHE", str(ROOT / ".bench-cache")))
RESULTS = ROOT / "bench" / "results"
