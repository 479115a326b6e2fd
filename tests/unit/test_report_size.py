"""The NTREX-sized report (2,000 beads, synthetic) stays under 3 MB; speed is in bench/."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from qa_pipeline.report import render_html

BENCH = Path(__file__).resolve().parents[2] / "bench" / "report_speed.py"


def test_ntrex_sized_report_is_under_3_mb() -> None:
    spec = importlib.util.spec_from_file_location("report_speed", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = module.synthetic_report(2000)
    html = render_html(report)
    assert len(report["alignment"]) == 2000
    assert len(html.encode("utf-8")) < 3_000_000
    assert html.count('class="row') == 2000
