"""Real-world inputs with the real default model (slow): the seed as one sentence per line,
and the seed's pairs as TMX / XLIFF / Markdown, give the seed's findings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_pipeline.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
import formats as F

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"


def _findings(args: list[str], out: Path) -> list[tuple[str, list[int], list[int], str]]:
    res = CliRunner().invoke(app, ["check", *args, "--out", str(out), "--fail-on", "none",
                                   "--quiet"])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "report.json").read_text("utf-8"))
    return [(f["kind"], f["source"], f["target"], f["id"]) for f in data["findings"]]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, list[int],
                                                                      list[int], str]]:
    return _findings([str(SEEDS / "lt.txt"), str(SEEDS / "et.txt")],
                     tmp_path_factory.mktemp("ref"))


@pytest.mark.parametrize("side", ["source", "target", "both"])
def test_one_sentence_per_line_gives_the_seed_findings(side: str, tmp_path: Path,
                                                       reference: list[object]) -> None:
    from qa_pipeline.io.readers import read_inputs

    ref = read_inputs(SEEDS / "lt.txt", SEEDS / "et.txt", "lt", "et")
    paths = [SEEDS / "lt.txt", SEEDS / "et.txt"]
    for k, doc in enumerate((ref.source, ref.target)):
        if side in ("both", ("source", "target")[k]):
            paths[k] = tmp_path / f"{k}.txt"
            paths[k].write_text("\n".join(doc.texts) + "\n", "utf-8")
    assert _findings([str(p) for p in paths], tmp_path / "out") == reference
    assert [k for k, *_ in reference] == ["omission", "drift"]  # the title; the calque


def test_formats_give_the_same_findings(tmp_path: Path) -> None:
    pairs = F.seed_pairs()
    runs = {
        "tsv": [str(F.write_tsv(tmp_path / "m.tsv", pairs))],
        "tmx": [str(F.write_tmx(tmp_path / "m.tmx", pairs))],
        "xliff12": [str(F.write_xliff12(tmp_path / "m.xlf", pairs))],
        "xliff20": [str(F.write_xliff20(tmp_path / "m.xliff", pairs))],
        "md": [str(p) for p in F.write_markdown(tmp_path, pairs)],
    }
    got = {k: _findings(v, tmp_path / f"out-{k}") for k, v in runs.items()}
    assert all(g == got["tsv"] for g in got.values()), got
    assert [k for k, *_ in got["tsv"]] == ["drift"]
