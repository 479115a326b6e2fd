"""Batch runs in n-way mode (hash test encoder): a source and two or more targets give one
n-way report per document (schema qa_pipeline.nway/1) whose findings reach summary.json,
junit.xml, the index and the baseline like pairwise ones; one target stays pairwise."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qa_pipeline.batch.corpus import NwayJob, PairJob, discover
from qa_pipeline.batch.settings import load_settings, parse_settings, resolve
from qa_pipeline.cli import app
from qa_pipeline.errors import ConfigError
from qa_pipeline.io.nway_json import validate_nway
from qa_pipeline.report.summary import validate as validate_summary

DATA = Path(__file__).resolve().parents[1] / "data" / "nway"
runner = CliRunner()
TOML = 'source = "en"\ntargets = ["lt", "et", "lv"]\nfail_on = "major"\n'
LV_EXTRA = ("Mērs pateicās iedzīvotājiem", "Mērs pateicās 250 iedzīvotājiem")


def make_corpus(root: Path, toml: str = TOML, docs: tuple[str, ...] = ("clean", "damaged"),
                langs: tuple[str, ...] = ("en", "lt", "et", "lv")) -> Path:
    corpora = root / "corpora"
    for doc in docs:
        (corpora / doc).mkdir(parents=True)
        for lang in langs:
            text = (DATA / f"{lang}.txt").read_text("utf-8")
            if doc == "damaged" and lang == "lv":
                assert LV_EXTRA[0] in text
                text = text.replace(*LV_EXTRA)  # a number only lv has
            (corpora / doc / f"{lang}.txt").write_text(text, "utf-8")
    (corpora / "qa.toml").write_text(toml, "utf-8")
    return corpora


def batch(corpora: Path, out: Path, *args: str) -> Any:
    return runner.invoke(app, ["batch", str(corpora), "--out", str(out), "--model", "hash",
                               "--quiet", *args])


@pytest.mark.parametrize(("toml", "nway"), [
    ('source = "en"\ntargets = ["lt", "et", "lv"]\n', True),
    ('source = "en"\ntargets = ["lt", "et"]\n', True),
    ('source = "en"\ntargets = ["lt", "et", "lv"]\nnway = false\n', False),
    ('source = "lt"\ntargets = ["et"]\n', False),
])
def test_two_or_more_targets_mean_nway_unless_turned_off(tmp_path: Path, toml: str,
                                                         nway: bool) -> None:
    (tmp_path / "qa.toml").write_text(toml, "utf-8")
    assert resolve(load_settings(tmp_path), {}).nway is nway
    # the command line overrides the file
    assert resolve(load_settings(tmp_path), {"nway": False}).nway is False


def test_nway_with_one_target_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="two or more targets"):
        resolve(parse_settings({"targets": ["et"], "nway": True}, "qa.toml"), {})
    with pytest.raises(ConfigError, match="nway"):
        parse_settings({"nway": "yes"}, "qa.toml")


def test_the_repo_gate_stays_pairwise() -> None:
    root = Path(__file__).resolve().parents[2] / "corpora"
    bc = resolve(load_settings(root), {})
    assert bc.nway is False and bc.tgt_langs == ("et",)
    jobs, _ = discover(root, bc.config.src_lang, bc.tgt_langs, bc.nway)
    assert all(isinstance(p, PairJob) for j in jobs for p in j.pairs)


def test_discover_builds_one_nway_job_per_document(tmp_path: Path) -> None:
    corpora = make_corpus(tmp_path, docs=("full",))
    make_corpus(tmp_path / "x", docs=("no-lv",), langs=("en", "lt", "et"))
    (tmp_path / "x" / "corpora" / "no-lv").rename(corpora / "no-lv")
    make_corpus(tmp_path / "y", docs=("only-lt",), langs=("en", "lt"))
    (tmp_path / "y" / "corpora" / "only-lt").rename(corpora / "only-lt")
    jobs, missing = discover(corpora, "en", ("lt", "et", "lv"), nway=True)
    by_doc = {j.document: j.pairs for j in jobs}
    full, = by_doc["full"]
    assert isinstance(full, NwayJob) and full.tgt_langs == ("lt", "et", "lv")
    assert full.folder == "full/en-lt+et+lv"
    no_lv, = by_doc["no-lv"]
    assert isinstance(no_lv, NwayJob) and no_lv.tgt_langs == ("lt", "et")
    only_lt, = by_doc["only-lt"]
    assert isinstance(only_lt, PairJob) and only_lt.tgt_lang == "lt"
    assert sorted((m.document, m.lang) for m in missing) == [
        ("no-lv", "lv"), ("only-lt", "et"), ("only-lt", "lv")]


def test_nway_batch_reports_summary_junit_index_and_baseline(
        tmp_path: Path, isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path)
    out = tmp_path / "reports"
    res = batch(corpora, out)
    assert res.exit_code == 1, res.output  # lv's extra number: a new major finding

    report = json.loads((out / "damaged" / "en-lt+et+lv" / "report.json").read_text("utf-8"))
    validate_nway(report)
    blamed = [f for f in report["findings"] if f["kind"] == "number"]
    assert [f["drifted"] for f in blamed] == ["lv"]
    assert all(f["fingerprint"] and f["id"] and f["baselined"] is False
               for f in report["findings"])
    html = (out / "damaged" / "en-lt+et+lv" / "report.html").read_text("utf-8")
    assert "N-way consistency report" in html

    summary = json.loads((out / "summary.json").read_text("utf-8"))
    validate_summary(summary)
    pairs = {p["document"]: p for p in summary["pairs"]}
    assert set(pairs) == {"clean", "damaged"}
    dmg = pairs["damaged"]
    assert dmg["source_lang"] == "en" and dmg["target_lang"] == "lt+et+lv"
    assert dmg["report"] == "damaged/en-lt+et+lv/report.json"
    assert [t["lang"] for t in dmg["targets"]] == ["lt", "et", "lv"]
    assert all(len(t["sha256"]) == 64 for t in dmg["targets"])
    assert dmg["status"] == "fail" and dmg["by_kind"].get("number") == 1
    clean_numbers = pairs["clean"]["by_kind"].get("number", 0)
    assert clean_numbers == 0

    junit = ET.parse(out / "junit.xml").getroot()
    failures = [f for c in junit.iter("testcase") if c.get("name", "").startswith("damaged: ")
                for f in c.iter("failure") if f.get("type") == "major.number"]
    assert len(failures) == 1
    assert "lv.txt" in failures[0].get("message", "") and "250" in (failures[0].text or "")
    # The testcase is annotated on the blamed translation's file.
    (case,) = [c for c in junit.iter("testcase") if c.find("failure") is not None
               and c.find("failure").get("type") == "major.number"]
    assert case.get("file", "").endswith("damaged/lv.txt")
    lv_lines = (corpora / "damaged" / "lv.txt").read_text("utf-8").splitlines()
    assert "250" in lv_lines[int(case.get("line", 0)) - 1]  # and on the line of its sentence
    index = (out / "index.html").read_text("utf-8")
    assert "damaged/en-lt%2Bet%2Blv/report.html" in index and "lt+et+lv" in index

    # Accept everything: the gate goes green, the findings stay, marked baselined.
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    assert res.exit_code == 0, res.output
    base = json.loads((corpora / "qa-baseline.json").read_text("utf-8"))
    lv = [e for e in base["entries"] if e["kind"] == "number"]
    assert [(e["document"], e["pair"]) for e in lv] == [("damaged", "en-lt+et+lv")]
    assert "250" in lv[0]["target"]
    res = batch(corpora, out)
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["run"]["documents_reused"] == 2  # nothing changed: reports reused
    report = json.loads((out / "damaged" / "en-lt+et+lv" / "report.json").read_text("utf-8"))
    assert report["findings"] and all(f["baselined"] for f in report["findings"])

    # Pairwise on the same corpus (--no-nway): one report per target, as before.
    res = batch(corpora, tmp_path / "pairs", "--no-nway", "--fail-on", "none")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "pairs" / "damaged").iterdir()) == [
        "en-et", "en-lt", "en-lv"]


def test_adding_a_translation_keeps_what_was_accepted(tmp_path: Path,
                                                      isolated_cache: Path) -> None:
    """lv's extra number, accepted while the document had lt and lv only, stays accepted
    once et is added (the n-way label goes from en-lt+lv to en-lt+et+lv); --prune then
    retires the old label's entries, which the new run judged."""
    corpora = make_corpus(tmp_path, docs=("damaged",), langs=("en", "lt", "lv"))
    out = tmp_path / "reports"
    assert batch(corpora, out).exit_code == 1
    runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    (corpora / "damaged" / "et.txt").write_text((DATA / "et.txt").read_text("utf-8"), "utf-8")
    batch(corpora, out, "--fail-on", "none")
    report = json.loads((out / "damaged" / "en-lt+et+lv" / "report.json").read_text("utf-8"))
    (number,) = [f for f in report["findings"] if f["kind"] == "number"]
    assert number["drifted"] == "lv" and number["baselined"] is True
    html = (out / "damaged" / "en-lt+et+lv" / "report.html").read_text("utf-8")
    assert html.count('<span class="baselined"') == sum(f["baselined"]
                                                        for f in report["findings"]) > 0
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out),
                              "--prune"])
    assert res.exit_code == 0, res.output
    pairs = {e["pair"] for e in json.loads(
        (corpora / "qa-baseline.json").read_text("utf-8"))["entries"]}
    assert pairs == {"en-lt+et+lv"}


def test_review_marks_on_an_nway_report_import_into_the_baseline(tmp_path: Path,
                                                                 isolated_cache: Path) -> None:
    """The n-way page's marks file (the source's path and the first translation's, as the
    page writes it) folds into the baseline like a pair's: the gate goes green."""
    corpora = make_corpus(tmp_path, docs=("damaged",))
    out = tmp_path / "reports"
    assert batch(corpora, out).exit_code == 1
    report = json.loads((out / "damaged" / "en-lt+et+lv" / "report.json").read_text("utf-8"))
    failing = [f for f in report["findings"] if f["severity"] in ("major", "critical")]
    marks = {"schema": "qa_pipeline.review/1",
             "report": {"source": report["source"]["path"],
                        "target": report["translations"][0]["path"]},
             "marks": {f["id"]: "false_positive" for f in failing}}
    (tmp_path / "marks.json").write_text(json.dumps(marks), "utf-8")
    res = runner.invoke(app, ["baseline", "import", str(tmp_path / "marks.json"),
                              "--corpora", str(corpora), "--reports", str(out)])
    assert res.exit_code == 0, res.output
    assert batch(corpora, out).exit_code == 0


def test_a_translation_missing_for_a_while_keeps_what_was_accepted(
        tmp_path: Path, isolated_cache: Path) -> None:
    """et missing from one run: --prune keeps the entries of the three-translation label
    (that run could not judge them), and a finding carried to the two-translation label keeps
    its reviewer's state; with et back the gate is green again."""
    corpora = make_corpus(tmp_path, docs=("damaged",))
    out = tmp_path / "reports"
    batch(corpora, out)
    runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    path = corpora / "qa-baseline.json"
    data = json.loads(path.read_text("utf-8"))
    for e in data["entries"]:
        e["state"] = "false_positive"  # as `baseline import` of review marks leaves them
    path.write_text(json.dumps(data), "utf-8")
    et = corpora / "damaged" / "et.txt"
    text = et.read_text("utf-8")
    et.unlink()
    batch(corpora, out, "--fail-on", "none")
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out),
                              "--prune"])
    assert res.exit_code == 0 and "removed:" not in res.output, res.output
    entries = json.loads(path.read_text("utf-8"))["entries"]
    assert {e["pair"] for e in entries} >= {"en-lt+et+lv"}
    carried = [e for e in entries if e["pair"] == "en-lt+lv"]
    assert carried and all(e["state"] == "false_positive" for e in carried)
    et.write_text(text, "utf-8")
    assert batch(corpora, out).exit_code == 0


def test_an_nway_omission_is_annotated_on_the_source_line() -> None:
    """The blamed translation lacks the row's sentence: its testcase points at the source's
    (it had no line at all)."""
    from types import SimpleNamespace

    from qa_pipeline.report.junit import _place

    p = SimpleNamespace(nway=True, source_path="c/en.txt", targets=[("et", "c/et.txt", "")],
                        report={"source": {"lang": "en", "sentences": [{"line": 3}, {"line": 5}]},
                                "translations": [{"lang": "et", "sentences": [{"line": 1}]}]})
    omission = {"drifted": "et", "sentences": {"en": [1]}, "kind": "omission"}
    assert _place(p, omission) == ("c/en.txt", 5)  # type: ignore[arg-type]
    drift = {"drifted": "et", "sentences": {"en": [0], "et": [0]}, "kind": "drift"}
    assert _place(p, drift) == ("c/et.txt", 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("first_nway", [False, True])
def test_switching_between_pairwise_and_nway_makes_the_old_entries_stale(
        tmp_path: Path, isolated_cache: Path, first_nway: bool) -> None:
    """The same texts checked the other way: the entries under the old labels are no longer
    produced, so `--prune` lists and drops them (they piled up, and came back into force
    when the setting was switched back)."""
    pairwise, nway = TOML + "nway = false\n", TOML
    corpora = make_corpus(tmp_path, nway if first_nway else pairwise)
    out = tmp_path / "r"
    batch(corpora, out)
    assert runner.invoke(app, ["baseline", "update", str(corpora), "--reports",
                               str(out)]).exit_code == 0
    before = json.loads((corpora / "qa-baseline.json").read_text("utf-8"))["entries"]
    (corpora / "qa.toml").write_text(pairwise if first_nway else nway, "utf-8")
    batch(corpora, out)
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out),
                              "--prune"])
    assert res.exit_code == 0, res.output
    after = json.loads((corpora / "qa-baseline.json").read_text("utf-8"))["entries"]
    old_labels = {e["pair"] for e in before}
    assert before and not {e["pair"] for e in after} & old_labels
    assert res.output.count("removed: ") == len(before)
