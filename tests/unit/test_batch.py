"""Batch runs as a CI gate (hash test encoder): settings precedence, summary.json, junit.xml,
the accepted-findings baseline, missing languages, unsafe folder names, executors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qa_pipeline import config as C
from qa_pipeline.cli import app
from qa_pipeline.errors import ConfigError

runner = CliRunner()


def make_corpus(root: Path, seeds: tuple[Path, Path], names: tuple[str, ...] = ("doc",)) -> Path:
    corpora = root / "corpora"
    for name in names:
        (corpora / name).mkdir(parents=True)
        (corpora / name / "lt.txt").write_text(seeds[0].read_text("utf-8"), "utf-8")
        (corpora / name / "et.txt").write_text(seeds[1].read_text("utf-8"), "utf-8")
    return corpora


def batch(corpora: Path, out: Path, *args: str) -> Any:
    return runner.invoke(app, ["batch", str(corpora), "--out", str(out), "--model", "hash",
                               "--quiet", *args])


# --------------------------------------------------------------------------- settings


def test_settings_precedence_defaults_file_cli(tmp_path: Path) -> None:
    from qa_pipeline.batch.settings import load_settings, resolve

    corpora = tmp_path / "corpora"
    corpora.mkdir()
    assert resolve(load_settings(corpora), {}) == C.BatchConfig()  # no file: config.py's
    (corpora / "qa.toml").write_text(
        'source = "et"\ntargets = ["lt", "en"]\nfail_on = "minor"\n'
        '[checks]\nlength = false\n[severity]\npunctuation = "major"\n', "utf-8")
    from_file = resolve(load_settings(corpora), {})
    assert from_file.config.src_lang == "et" and from_file.tgt_langs == ("lt", "en")
    assert from_file.config.tgt_lang == "lt" and from_file.config.fail_on == "minor"
    assert from_file.config.checks is not None and "length" not in from_file.config.checks
    assert from_file.config.severity_overrides == (("punctuation", "major"),)
    assert from_file.config.model == C.DEFAULT_MODEL  # not in the file: the default
    cli = resolve(load_settings(corpora), {"fail_on": "critical", "tgt_langs": ("en",)})
    assert cli.config.fail_on == "critical" and cli.tgt_langs == ("en",)
    assert cli.config.src_lang == "et"  # the file still applies where no flag is given


def test_word_tagger_setting_reaches_the_drift_params(tmp_path: Path) -> None:
    """`word_tagger` (file) and `--word-tagger` (flag) turn the tagger on for the batch's
    checks; the flag wins over the file, and without either it stays off."""
    from qa_pipeline.batch.settings import load_settings, resolve

    corpora = tmp_path / "corpora"
    corpora.mkdir()
    assert resolve(load_settings(corpora), {}).config.drift.word_tagger is False
    (corpora / "qa.toml").write_text("word_tagger = true\n", "utf-8")
    from_file = resolve(load_settings(corpora), {})
    assert from_file.config.drift.word_tagger is True
    assert from_file.config.drift == replace(C.Config().drift, word_tagger=True)
    assert resolve(load_settings(corpora), {"word_tagger": False}).config.drift.word_tagger \
        is False
    (corpora / "qa.toml").write_text('word_tagger = "yes"\n', "utf-8")
    with pytest.raises(ConfigError, match="word_tagger"):
        load_settings(corpora)


def test_pyproject_table_is_read_when_there_is_no_qa_toml(tmp_path: Path) -> None:
    from qa_pipeline.batch.settings import load_settings

    (tmp_path / "corpora").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.qa_pipeline]\nfail_on = "none"\n', "utf-8")
    assert load_settings(tmp_path / "corpora") == {"fail_on": "none"}


@pytest.mark.parametrize(("text", "named"), [
    ('fail_on = "sometimes"\n', "fail_on"),
    ('targets = []\n', "targets"),
    ('colour = "blue"\n', "colour"),
    ('[checks]\nspelling = true\n', "checks.spelling"),
    ('[severity]\ndrift = "huge"\n', "severity.drift"),
    ('batch_size = 0\n', "batch_size"),
    ('source = "lt"\ntargets = ["lt"]\n', "also a target"),
    ('fail_on = \n', "not valid TOML"),
    ('source = "zz"\n', "source: 'zz' is not a known language code"),
    ('targets = ["et", "qq"]\n', "targets: 'qq' is not a known language code"),
    ('model = "nosuch"\n', "model: unknown model 'nosuch'"),
    # A list or a table where a string goes was an internal error (unhashable type: 'list').
    ('fail_on = ["major"]\n', "fail_on: ['major'] is not one of"),
    ('precision = ["fp32"]\n', "precision: ['fp32'] is not one of"),
    ('[severity]\npunctuation = ["minor"]\n', "severity.punctuation: ['minor'] is not one of"),
    ('[severity]\npunctuation = {a = 1}\n', "severity.punctuation: {'a': 1} is not one of"),
    ('model = "./nodir"\n', "nodir: no such model directory"),
])
def test_bad_settings_file_is_exit_2_naming_the_key(tmp_path: Path, seeds: tuple[Path, Path],
                                                   text: str, named: str,
                                                   isolated_cache: Path) -> None:
    res = _batch_with_bad_file(tmp_path, seeds, "qa.toml", text, named)
    assert "qa.toml" in res.output


@pytest.mark.parametrize(("content", "named"), [
    ("source = 'lt'\n".encode("utf-16"), "not UTF-8 text (UTF-16)"),
    (b"\x00\x9f\xff\xfe binary", "not UTF-8 text"),
])
def test_a_settings_file_that_is_not_utf8_is_exit_2_naming_it(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path, content: bytes,
        named: str) -> None:
    """It was an internal error (UnicodeDecodeError), as qa.toml and through --config."""
    corpora = make_corpus(tmp_path, seeds)
    (corpora / "qa.toml").write_bytes(content)
    for extra in ([], ["--config", str(corpora / "qa.toml")]):
        res = batch(corpora, tmp_path / "reports", *extra)
        assert res.exit_code == 2, res.output
        assert res.output == (f"qa-pipeline: error: {corpora / 'qa.toml'}: {named}"
                              f"{'' if named.endswith(')') else ' (binary or another encoding)'}"
                              "; save the settings file as UTF-8\n"), res.output
    assert not (tmp_path / "reports").exists()


def test_a_settings_file_with_a_bom_is_read(tmp_path: Path) -> None:
    from qa_pipeline.batch.settings import load_settings

    (tmp_path / "qa.toml").write_bytes(b"\xef\xbb\xbffail_on = \"none\"\n")
    assert load_settings(tmp_path) == {"fail_on": "none"}


@pytest.mark.parametrize(("text", "config", "named"), [
    ('tool = "x"\n', False, "pyproject.toml: tool: expected a table ([tool]), got 'x'"),
    ('tool = 5\n', True, "pyproject.toml: tool: expected a table ([tool]), got 5"),
    ('[tool]\nqa_pipeline = 5\n', True, "pyproject.toml: [tool.qa_pipeline] must be a table"),
    ('[tool]\nqa_pipeline = 5\n', False, "pyproject.toml: [tool.qa_pipeline] must be a table"),
])
def test_a_pyproject_whose_tool_is_not_a_table_is_exit_2_naming_it(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path, text: str,
        config: bool, named: str) -> None:
    """`tool = "x"` beside the corpus, or `[tool] qa_pipeline = 5` through --config, was an
    internal error (AttributeError)."""
    corpora = make_corpus(tmp_path, seeds)
    (tmp_path / "pyproject.toml").write_text(text, "utf-8")
    extra = ["--config", str(tmp_path / "pyproject.toml")] if config else []
    res = batch(corpora, tmp_path / "reports", *extra)
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"qa-pipeline: error: {tmp_path / named}"), res.output
    assert len(res.output.splitlines()) == 1


def test_a_relative_model_directory_is_read_from_the_settings_file_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`model = "./m"` is the folder beside qa.toml, whichever folder the command runs in;
    one that is no model directory is an error naming the file and the key."""
    from qa_pipeline.batch.settings import load_settings

    corpora = tmp_path / "corpora"
    (corpora / "m").mkdir(parents=True)
    (corpora / "m" / "config.json").write_text("{}", "utf-8")
    (tmp_path / "elsewhere" / "m").mkdir(parents=True)  # the same name under the cwd
    monkeypatch.chdir(tmp_path / "elsewhere")
    (corpora / "qa.toml").write_text('model = "./m"\n', "utf-8")
    assert load_settings(corpora) == {"model": str(corpora / "m")}
    (corpora / "qa.toml").write_text('model = "m"\n', "utf-8")
    assert load_settings(corpora) == {"model": str(corpora / "m")}
    (corpora / "m" / "config.json").unlink()
    with pytest.raises(ConfigError, match=f"^{corpora / 'qa.toml'}: model: {corpora / 'm'} is "
                                          "not a sentence-transformers model directory"):
        load_settings(corpora)
    (corpora / "m").rmdir()  # only the cwd has one: not read from there, said
    with pytest.raises(ConfigError, match=f"^{corpora / 'qa.toml'}: model: {corpora / 'm'}: "
                                          "no such model directory"):
        load_settings(corpora)


@pytest.mark.parametrize(("toml", "flags", "message"), [
    ('source = "et"\n', [], "the source language 'et' ('source' in {toml}) is also a target "
                             "(the default: et)"),
    ('', ["--src-lang", "et"], "the source language 'et' (--src-lang) is also a target "
                               "(the default: et)"),
    ('', ["--tgt-lang", "et", "--nway"], "--nway needs two or more targets; got ['et'] "
                                         "(--tgt-lang)"),
    ('nway = true\n', [], "'nway = true' in {toml} needs two or more targets; got ['et'] "
                          "(the default)"),
])
def test_a_setting_error_names_where_the_value_came_from(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path, toml: str,
        flags: list[str], message: str) -> None:
    """The file and key, the flag, or the default: `source = "et"` against the default
    target named no file, and `--nway` was blamed on a settings key."""
    corpora = make_corpus(tmp_path, seeds)
    if toml:
        (corpora / "qa.toml").write_text(toml, "utf-8")
    res = batch(corpora, tmp_path / "reports", *flags)
    assert res.exit_code == 2, res.output
    assert res.output == f"qa-pipeline: error: {message.format(toml=corpora / 'qa.toml')}\n"


def _batch_with_bad_file(tmp_path: Path, seeds: tuple[Path, Path], name: str, content: str,
                         message: str) -> Any:
    """A batch over the seed corpus with `name` in it holding `content`: exit 2, one line
    naming `message`, no traceback."""
    corpora = make_corpus(tmp_path, seeds)
    (corpora / name).write_text(content, "utf-8")
    res = batch(corpora, tmp_path / "reports")
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output
    return res


def test_cli_flag_overrides_file(tmp_path: Path, seeds: tuple[Path, Path],
                                 isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    (corpora / "qa.toml").write_text('fail_on = "none"\n', "utf-8")
    assert batch(corpora, tmp_path / "r").exit_code == 0  # the file says never fail
    assert batch(corpora, tmp_path / "r", "--fail-on", "minor").exit_code == 1


def test_severity_override_changes_the_gate(tmp_path: Path, seeds: tuple[Path, Path],
                                            isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    from qa_pipeline.types import KIND_ORDER

    kinds = "\n".join(f'{k} = "minor"' for k in KIND_ORDER)
    (corpora / "qa.toml").write_text(f"[severity]\n{kinds}\n", "utf-8")
    res = batch(corpora, tmp_path / "r")
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text("utf-8"))
    assert summary["pairs"][0]["by_severity"]["major"] == 0
    assert summary["pairs"][0]["by_severity"]["minor"] == summary["pairs"][0]["findings"] > 0


# --------------------------------------------------------------------------- outputs


def test_summary_and_junit_are_valid(tmp_path: Path, seeds: tuple[Path, Path],
                                     isolated_cache: Path) -> None:
    from junitparser import Failure, JUnitXml

    from qa_pipeline.report.summary import validate

    corpora = make_corpus(tmp_path, seeds, ("a", "b"))
    out = tmp_path / "reports"
    res = batch(corpora, out)
    assert res.exit_code == 1
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    validate(summary)
    assert summary["status"] == "fail" and summary["totals"]["pairs"] == 2
    pair = summary["pairs"][0]
    assert pair["report"] == "a/lt-et/report.json" and pair["signature"]["model"] == "hash-256"
    assert pair["new"] == pair["findings"] and pair["baselined"] == 0
    assert sum(pair["by_kind"].values()) == pair["findings"]
    assert "cache" in summary["run"] and "hits" in summary["run"]["cache"]

    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    cases = [case for suite in xml for case in suite]
    # One testcase per failing finding, each with its one failure (JUnit readers count
    # failed testcases and show one failure per case).
    assert len(cases) == summary["totals"]["failing"] == int(xml.failures)
    assert all(len(c.result) == 1 and isinstance(c.result[0], Failure) for c in cases)
    of_a = [c for c in cases if c.name.startswith("a: ")]
    failures = [c.result[0] for c in of_a]
    assert len(failures) == pair["failing"] > 0
    assert all(f"[{f['id']}]" in " ".join(c.name for c in of_a) for f in
               json.loads((out / "a" / "lt-et" / "report.json").read_text("utf-8"))["findings"]
               if f["severity"] in ("major", "critical"))
    report = json.loads((out / "a" / "lt-et" / "report.json").read_text("utf-8"))
    worst = report["findings"][0]
    assert worst["message"] in failures[0].message
    assert "a/et.txt" in failures[0].message and "sentence" in failures[0].message
    assert cases[0].classname == "qa_pipeline.lt-et"


def test_junit_escapes_and_survives_control_characters(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from qa_pipeline.report.junit import build_junit
    from qa_pipeline.report.output import BatchOutput, PairResult

    doc = {"sentences": [{"id": 0, "paragraph": 0, "text": 'a <b> & "c"\x07'}]}
    report = {"source": doc, "target": doc, "findings": [
        {"id": "x", "kind": "drift", "severity": "critical", "score": 1.0, "source": [0],
         "target": [0], "message": "bad \x01 <tag>", "fingerprint": "f"}]}
    out = BatchOutput(pairs=(PairResult("d&<", "lt", "et", "d/lt-et", "s", "t", "", "",
                                        report),), missing=(), fail_on="major", run={})
    path = tmp_path / "junit.xml"
    build_junit(out).write(path, encoding="utf-8", xml_declaration=True)
    root = ET.parse(path).getroot()
    assert root.get("failures") == "1"
    assert root.find(".//testcase").get("name") == "d&<: critical Meaning drift [x]"


def test_junit_points_at_the_line_of_the_file_a_finding_is_in(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from qa_pipeline.report.junit import build_junit
    from qa_pipeline.report.output import BatchOutput, PairResult

    def doc(first: int) -> dict[str, Any]:
        return {"sentences": [{"id": i, "paragraph": 0, "text": f"s{i}", "line": first + 2 * i}
                              for i in range(3)]}

    report = {"source": doc(1), "target": doc(5), "findings": [
        {"id": "d", "kind": "drift", "severity": "major", "score": 1.0, "source": [1],
         "target": [1, 2], "message": "m", "fingerprint": "f"},
        {"id": "o", "kind": "omission", "severity": "critical", "score": 1.0, "source": [2],
         "target": [], "message": "m", "fingerprint": "g"}]}
    out = BatchOutput(pairs=(PairResult("d", "lt", "et", "d/lt-et", "d/lt.txt", "d/et.txt",
                                        "", "", report),), missing=(), fail_on="major", run={})
    path = tmp_path / "junit.xml"
    build_junit(out).write(path, encoding="utf-8", xml_declaration=True)
    cases = {c.get("name").split("[")[1][0]: c for c in ET.parse(path).getroot().iter("testcase")}
    # On the target where the finding has target text; an omission on the source.
    assert (cases["d"].get("file"), cases["d"].get("line")) == ("d/et.txt", "7")
    assert (cases["o"].get("file"), cases["o"].get("line")) == ("d/lt.txt", "5")
    assert "at d/lt.txt:5: lt sentence 2" in cases["o"].find("failure").get("message")
    # A report without lines (XLIFF, TMX) has no line attribute.
    for s in report["source"]["sentences"] + report["target"]["sentences"]:
        del s["line"]
    build_junit(out).write(path, encoding="utf-8", xml_declaration=True)
    assert all(c.get("line") is None for c in ET.parse(path).getroot().iter("testcase"))


def test_missing_language_folder_hash_and_symlink(tmp_path: Path, seeds: tuple[Path, Path],
                                                  isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds, ("a#1 50%",))
    (corpora / "only-lt").mkdir()
    (corpora / "only-lt" / "lt.txt").write_text("Vienas sakinys.", "utf-8")
    out = tmp_path / "reports"
    res = batch(corpora, out, "--fail-on", "none")
    assert res.exit_code == 0, res.output
    index = (out / "index.html").read_text("utf-8")
    assert 'href="a%231%2050%25/lt-et/report.html"' in index
    assert "only-lt" in index and "no et file" in index
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["missing"] == [{"document": "only-lt", "lang": "et",
                                   "message": summary["missing"][0]["message"]}]

    # A symlink planted in the reports folder cannot redirect writes outside it.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "evil").symlink_to(elsewhere, target_is_directory=True)
    (corpora / "evil").mkdir()
    for lang in ("lt", "et"):
        (corpora / "evil" / f"{lang}.txt").write_text("Labas.", "utf-8")
    res = batch(corpora, out, "--fail-on", "none")
    assert res.exit_code == 2 and "symlink" in res.output
    assert list(elsewhere.iterdir()) == []


def test_safe_folder_rejects_escapes(tmp_path: Path) -> None:
    from qa_pipeline.batch.corpus import safe_folder
    from qa_pipeline.errors import InputError

    for bad in ("../x", "/abs", "a/../../b", "a\\b"):
        with pytest.raises(InputError):
            safe_folder(tmp_path, bad)
    assert safe_folder(tmp_path, "doc/lt-et") == tmp_path / "doc" / "lt-et"


# --------------------------------------------------------------------------- baseline gate


def _replace_sentence(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_gate_red_on_new_defect_green_after_baseline_update(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    out = tmp_path / "reports"
    assert batch(corpora, out).exit_code == 1  # the seed's findings, not yet accepted
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    assert res.exit_code == 0, res.output
    base = json.loads((corpora / "qa-baseline.json").read_text("utf-8"))
    assert base["schema"] == "qa_pipeline.baseline/1" and base["entries"]
    res = batch(corpora, out)
    assert res.exit_code == 0, res.output  # green: everything is baselined
    report = json.loads((out / "doc" / "lt-et" / "report.json").read_text("utf-8"))
    assert report["findings"] and all(f["baselined"] for f in report["findings"])
    assert "baselined" in (out / "doc" / "lt-et" / "report.html").read_text("utf-8")
    csv_text = (out / "doc" / "lt-et" / "findings.csv").read_text("utf-8-sig")
    assert csv_text.count(",baselined") == len(report["findings"])

    # A new defect: a sentence replaced by one about something else entirely.
    et = corpora / "doc" / "et.txt"
    first = et.read_text("utf-8").split("\n")[-2].split(". ")[0]
    _replace_sentence(et, first, "Kuu on valmistatud rohelisest juustust ja 999 kassist")
    res = batch(corpora, out)
    assert res.exit_code == 1, res.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["totals"]["failing"] > 0 and summary["totals"]["baselined"] > 0
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    assert res.exit_code == 0, res.output
    assert batch(corpora, out).exit_code == 0


def _baselined_corpus(tmp_path: Path, seeds: tuple[Path, Path]) -> tuple[Path, Path]:
    """The seed corpus, checked into `reports` and every finding accepted into its baseline."""
    corpora = make_corpus(tmp_path, seeds)
    out = tmp_path / "reports"
    batch(corpora, out)
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    assert res.exit_code == 0, res.output
    return corpora, out


def test_baseline_update_lists_and_prunes_stale(tmp_path: Path, seeds: tuple[Path, Path],
                                                isolated_cache: Path) -> None:
    corpora, out = _baselined_corpus(tmp_path, seeds)
    n = len(json.loads((corpora / "qa-baseline.json").read_text("utf-8"))["entries"])
    et = corpora / "doc" / "et.txt"
    et.write_text("Täiesti teine tekst.\n", "utf-8")
    (corpora / "doc" / "lt.txt").write_text("Visiškai kitas tekstas.\n", "utf-8")
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    assert res.exit_code == 2 and "changed since" in res.output  # stale reports refused
    batch(corpora, out, "--fail-on", "none")
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    assert res.exit_code == 0 and res.output.count("stale:") == n
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out),
                              "--prune"])
    assert res.exit_code == 0 and res.output.count("removed:") == n
    left = json.loads((corpora / "qa-baseline.json").read_text("utf-8"))["entries"]
    assert len(left) < n + 1 and all(e["source"] == "Visiškai kitas tekstas." for e in left)


def test_baseline_update_names_a_missing_corpus_folder(tmp_path: Path) -> None:
    """The first problem first: a corpus folder that is not there, not the reports' summary."""
    missing = tmp_path / "corpora-typo"
    res = runner.invoke(app, ["baseline", "update", str(missing), "--reports",
                              str(tmp_path / "reports")])
    assert res.exit_code == 2 and f"{missing}: no such corpus folder" in res.output
    assert not missing.exists()


def test_baseline_update_refuses_another_corpus_reports(tmp_path: Path, seeds: tuple[Path, Path],
                                                        isolated_cache: Path) -> None:
    """Reports of one corpus must not prune another corpus's baseline away."""
    corpora, _ = _baselined_corpus(tmp_path, seeds)
    other = tmp_path / "other"
    (other / "elsewhere").mkdir(parents=True)
    for side in seeds:
        (other / "elsewhere" / side.name).write_text(side.read_text("utf-8"), "utf-8")
    baseline = corpora / "qa-baseline.json"
    before = baseline.read_text("utf-8")
    other_out = tmp_path / "other-reports"
    batch(other, other_out, "--fail-on", "none")
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(other_out),
                              "--prune"])
    assert res.exit_code == 2, res.output
    assert "document 'elsewhere'" in res.output and "Traceback" not in res.output
    assert baseline.read_text("utf-8") == before
    (other_out / "summary.json").write_text('{"x": 1}', "utf-8")  # not a summary at all
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(other_out),
                              "--prune"])
    assert res.exit_code == 2 and "not a batch summary" in res.output, res.output
    assert baseline.read_text("utf-8") == before


@pytest.mark.parametrize(("content", "message"), [
    ('{"schema": "qa_pipeline.baseline/1", "entries": 5}', "'entries' is not a list"),
    ('{"schema": "qa_pipeline.baseline/1", "entries": [7]}', "entry 0 is not an object"),
])
def test_a_malformed_baseline_is_one_line(tmp_path: Path, seeds: tuple[Path, Path],
                                          isolated_cache: Path, content: str,
                                          message: str) -> None:
    _batch_with_bad_file(tmp_path, seeds, "qa-baseline.json", content, message)


def test_baseline_commands_name_what_they_cannot_read_or_write(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    out = tmp_path / "reports"
    batch(corpora, out)
    (tmp_path / "afile").write_text("x", "utf-8")
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out),
                              "--baseline", str(tmp_path / "afile" / "b.json")])
    assert res.exit_code == 2 and "cannot write the baseline" in res.output, res.output
    (tmp_path / "marks.bin").write_bytes(b"\x89PNG\x00\xff\xfe")
    res = runner.invoke(app, ["baseline", "import", str(tmp_path / "marks.bin"),
                              "--corpora", str(corpora), "--reports", str(out)])
    assert res.exit_code == 2 and "not UTF-8" in res.output, res.output
    res = runner.invoke(app, ["baseline", "import", str(tmp_path / "marks.bin"),
                              "--corpora", str(tmp_path / "nope"), "--reports", str(out)])
    assert res.exit_code == 2 and "nope: no such corpus folder" in res.output, res.output
    assert "Traceback" not in res.output


def test_baseline_import_review_marks(tmp_path: Path, seeds: tuple[Path, Path],
                                      isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    out = tmp_path / "reports"
    batch(corpora, out)
    report = json.loads((out / "doc" / "lt-et" / "report.json").read_text("utf-8"))
    failing = [f for f in report["findings"] if f["severity"] in ("critical", "major")]
    marks = {"schema": "qa_pipeline.review/1",
             "report": {"source": report["source"]["path"], "target": report["target"]["path"]},
             "marks": {f["id"]: ("accepted" if i % 2 else "false_positive")
                       for i, f in enumerate(failing)}}
    (tmp_path / "marks.json").write_text(json.dumps(marks), "utf-8")
    res = runner.invoke(app, ["baseline", "import", str(tmp_path / "marks.json"),
                              "--corpora", str(corpora), "--reports", str(out)])
    assert res.exit_code == 0, res.output
    states = {e["state"] for e in
              json.loads((corpora / "qa-baseline.json").read_text("utf-8"))["entries"]}
    assert states == {"accepted", "false_positive"} or len(failing) == 1
    assert batch(corpora, out).exit_code == 0  # both states: do not fail CI again
    report = json.loads((out / "doc" / "lt-et" / "report.json").read_text("utf-8"))
    assert sum(f["baselined"] for f in report["findings"]) == len(failing)


def test_baseline_refuses_marks_on_stale_reports_and_reports_that_are_not(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    out = tmp_path / "reports"
    batch(corpora, out)
    report_path = out / "doc" / "lt-et" / "report.json"
    report = json.loads(report_path.read_text("utf-8"))
    marks = {"schema": "qa_pipeline.review/1",
             "report": {"source": report["source"]["path"], "target": report["target"]["path"]},
             "marks": {f["id"]: "accepted" for f in report["findings"]}}
    (tmp_path / "marks.json").write_text(json.dumps(marks), "utf-8")
    imp = ["baseline", "import", str(tmp_path / "marks.json"), "--corpora", str(corpora),
           "--reports", str(out)]
    # The text changed since the reports were written: the marks may name other findings.
    et = corpora / "doc" / "et.txt"
    et.write_text(et.read_text("utf-8") + "\nUus lause.\n", "utf-8")
    res = runner.invoke(app, imp)
    assert res.exit_code == 2 and f"{et}: changed since {out} was written" in res.output
    assert not (corpora / "qa-baseline.json").exists()
    batch(corpora, out)
    # A report.json that parses but is no report: one line, exit 2 (was a KeyError, exit 3).
    report_path.write_text("{}", "utf-8")
    for args in (imp, ["baseline", "update", str(corpora), "--reports", str(out)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, res.output
        assert res.output.startswith(f"qa-pipeline: error: {report_path}: not a qa_pipeline "
                                     "report (the top level: "), res.output
        assert len(res.output.splitlines()) == 1
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    summary["pairs"] = 5
    (out / "summary.json").write_text(json.dumps(summary), "utf-8")
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    assert res.exit_code == 2 and "not a batch summary" in res.output, res.output


# --------------------------------------------------------------------------- fingerprints


def _doc(texts: list[str], lang: str) -> Any:
    from qa_pipeline.types import Document, Paragraph, Sentence

    return Document("x", lang, (Paragraph(0, tuple(range(len(texts)))),),
                    tuple(Sentence(i, 0, t) for i, t in enumerate(texts)))


def test_fingerprint_survives_unrelated_edits_not_its_own() -> None:
    from qa_pipeline.detect.findings import finalise
    from qa_pipeline.types import Finding

    src = ["Pirmas sakinys.", "Antras sakinys.", "Trečias sakinys."]
    tgt = ["Esimene lause.", "Teine lause.", "Kolmas lause."]

    def fp(s: list[str], t: list[str], i: int, j: int) -> str:
        f = Finding("drift", "major", 0.9, (i,), (j,), row=i)
        return finalise([f], _doc(s, "lt"), _doc(t, "et"))[0].fingerprint

    base = fp(src, tgt, 1, 1)
    # another sentence edited, a sentence inserted before it (indices shift), re-wrapped
    assert fp(["Kitas.", *src[1:]], tgt, 1, 1) == base
    assert fp(["Naujas.", *src], ["Uus.", *tgt], 2, 2) == base
    assert fp(src, ["Esimene lause.", "Teine   lause.\n", "Kolmas lause."], 1, 1) == base
    # the flagged sentence itself edited, or another kind: a different fingerprint
    assert fp(src, ["Esimene lause.", "Teine lauset.", "Kolmas lause."], 1, 1) != base
    f = Finding("number", "major", 0.9, (1,), (1,), row=1)
    assert finalise([f], _doc(src, "lt"), _doc(tgt, "et"))[0].fingerprint != base


def test_repeated_fingerprints_are_numbered_in_document_order() -> None:
    from qa_pipeline.detect.findings import finalise
    from qa_pipeline.types import Finding

    src, tgt = ["Tas pats."] * 2, ["Sama."] * 2
    found = finalise([Finding("drift", "minor", 0.1, (0,), (0,), row=0),
                      Finding("drift", "major", 0.9, (1,), (1,), row=1)],
                     _doc(src, "lt"), _doc(tgt, "et"))
    by_row = {f.row: f.fingerprint for f in found}
    assert by_row[1] == by_row[0] + "-1"


# --------------------------------------------------------------------------- executors, CLI


def _stable(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != "run"}


def test_processes_executor_matches_local(tmp_path: Path, seeds: tuple[Path, Path],
                                          isolated_cache: Path) -> None:
    """A distributed.LocalCluster with 2 worker processes gives the same summary and reports."""
    corpora = make_corpus(tmp_path, seeds, ("a", "b", "c"))
    local, dist = tmp_path / "local", tmp_path / "dist"
    assert batch(corpora, local, "--fail-on", "none").exit_code == 0
    res = batch(corpora, dist, "--fail-on", "none", "--executor", "processes", "--workers", "2")
    assert res.exit_code == 0, res.output
    a = json.loads((local / "summary.json").read_text("utf-8"))
    b = json.loads((dist / "summary.json").read_text("utf-8"))
    assert _stable(a) == _stable(b)
    assert b["run"]["executor"] == "processes" and b["run"]["workers"] == 2
    for doc in ("a", "b", "c"):
        for name in ("report.json", "findings.csv"):
            assert (local / doc / "lt-et" / name).read_bytes() == \
                (dist / doc / "lt-et" / name).read_bytes()


def test_dask_executor_needs_a_scheduler(tmp_path: Path, seeds: tuple[Path, Path],
                                         isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    res = batch(corpora, tmp_path / "r", "--executor", "dask")
    assert res.exit_code == 2 and "--scheduler" in res.output


def test_reruns_reuse_unchanged_documents_and_embed_only_edits(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    corpora = make_corpus(tmp_path, seeds, ("a", "b"))
    out = tmp_path / "r"
    batch(corpora, out, "--fail-on", "none")
    cold = json.loads((out / "summary.json").read_text("utf-8"))
    before = (out / "a" / "lt-et" / "report.json").stat().st_mtime_ns
    second = batch(corpora, out, "--fail-on", "none")
    assert "0 hits, 0 misses; model not loaded" in second.output
    warm = json.loads((out / "summary.json").read_text("utf-8"))
    assert warm["run"]["documents_reused"] == 2 and _stable(warm) == _stable(cold)
    assert (out / "a" / "lt-et" / "report.json").stat().st_mtime_ns == before
    # The same corpus named by a relative path from another folder is the same input: reused.
    monkeypatch.chdir(tmp_path)
    again = batch(Path("corpora"), out, "--fail-on", "none")
    assert json.loads((out / "summary.json").read_text("utf-8"))["run"][
        "documents_reused"] == 2, again.output
    # An output missing from a reused folder is written again, still without the model.
    (out / "a" / "lt-et" / "findings.xlsx").unlink()
    third = batch(corpora, out, "--fail-on", "none")
    assert "model not loaded" in third.output
    assert (out / "a" / "lt-et" / "findings.xlsx").is_file()
    # A failing run names its failing pairs; one that could not check a pair says so.
    failing = batch(corpora, out)
    assert failing.exit_code == 1
    assert sum(line.startswith("failing: ") and "lt-et:" in line and "report.html" in line
               for line in failing.output.splitlines()) == 2, failing.output
    # One sentence edited in one document: only that document runs, only its new texts embed.
    et = corpora / "b" / "et.txt"
    et.write_text(et.read_text("utf-8").replace("Soe ja personaalne", "Soe ja isiklik"), "utf-8")
    batch(corpora, out, "--fail-on", "none")
    edit = json.loads((out / "summary.json").read_text("utf-8"))["run"]
    assert edit["documents_reused"] == 1
    assert 0 < edit["cache"]["misses"] < cold["run"]["cache"]["misses"] / 4
    assert edit["cache"]["hits"] > 0
    # --no-cache: nothing reused, nothing read from the embedding cache
    batch(corpora, out, "--fail-on", "none", "--no-cache")
    assert json.loads((out / "summary.json").read_text("utf-8"))["run"]["documents_reused"] == 0


def test_a_run_stopped_midway_leaves_no_report_to_reuse(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path) -> None:
    """A run stopped after writing a document's new reports keeps the old summary: a rerun on
    the old text saw its key there and reused a report made from other text (the gate passed
    on a translation it never checked). Each pair folder keeps its own key."""
    corpora = make_corpus(tmp_path, seeds, ("a",))
    out = tmp_path / "r"
    et = corpora / "a" / "et.txt"
    old_text = et.read_text("utf-8")
    batch(corpora, out, "--fail-on", "none")
    old_summary = (out / "summary.json").read_bytes()
    et.write_text(old_text.replace("Soe ja personaalne", "Soe ja isiklik"), "utf-8")
    batch(corpora, out, "--fail-on", "none")
    (out / "summary.json").write_bytes(old_summary)  # as if stopped before the summary
    et.write_text(old_text, "utf-8")
    batch(corpora, out, "--fail-on", "none")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["run"]["documents_reused"] == 0
    report = (out / "a" / "lt-et" / "report.json").read_text("utf-8")
    assert "Soe ja personaalne" in report and "Soe ja isiklik" not in report
    # Unchanged again: reused, its key beside it.
    batch(corpora, out, "--fail-on", "none")
    assert json.loads((out / "summary.json").read_text("utf-8"))["run"]["documents_reused"] == 1
    assert (out / "a" / "lt-et" / ".input-key").is_file()


def _fp16_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    import qa_pipeline.embed as embed

    real = embed.load_encoder

    def fp16_encoder(*args, **kwargs):  # type: ignore[no-untyped-def]
        enc = real(*args, **kwargs)
        enc.key_revision = f"{enc.revision}+fp16"  # what a CUDA run's encoder says
        return enc

    monkeypatch.setattr(embed, "load_encoder", fp16_encoder)


def _other_language_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline.detect.checks import language

    monkeypatch.setattr(language, "ACCURACY", "high")  # confidences from other n-gram models
    language._detector.cache_clear()


@pytest.mark.parametrize("change", [_fp16_vectors, _other_language_mode],
                         ids=["fp16-vectors", "language-detector-mode"])
def test_a_report_made_otherwise_is_not_reused(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch, change: Callable[[pytest.MonkeyPatch], None]) -> None:
    from qa_pipeline.detect.checks import language

    corpora = make_corpus(tmp_path, seeds, ("a",))
    out = tmp_path / "r"
    batch(corpora, out, "--fail-on", "none")
    change(monkeypatch)
    try:
        batch(corpora, out, "--fail-on", "none")
        assert json.loads((out / "summary.json").read_text("utf-8"))["run"][
            "documents_reused"] == 0
        batch(corpora, out, "--fail-on", "none")
        assert json.loads((out / "summary.json").read_text("utf-8"))["run"][
            "documents_reused"] == 1
    finally:
        language._detector.cache_clear()


def test_cache_stats_and_prune(tmp_path: Path, seeds: tuple[Path, Path],
                               isolated_cache: Path) -> None:
    corpora = make_corpus(tmp_path, seeds)
    batch(corpora, tmp_path / "r", "--fail-on", "none")
    res = runner.invoke(app, ["cache", "stats"])
    assert res.exit_code == 0 and "hash-256" in res.output and " entries" in res.output
    res = runner.invoke(app, ["cache", "prune", "--older-than", "30d"])
    assert res.exit_code == 0 and "removed 0 entries" in res.output
    res = runner.invoke(app, ["cache", "prune", "--older-than", "0s"])
    assert res.exit_code == 0 and "; 0 left" in res.output
    res = runner.invoke(app, ["cache", "prune", "--older-than", "soon"])
    assert res.exit_code == 2


@pytest.mark.parametrize("args", [["--help"], ["baseline", "--help"], ["cache", "stats"],
                                  ["baseline", "update", "--help"]])
def test_quick_commands_never_import_torch(args: list[str], isolated_cache: Path) -> None:
    code = ("import sys; from qa_pipeline.cli import app\n"
            "try:\n    app(" + repr(args) + ")\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules, 'torch imported'\n"
            "assert 'sentence_transformers' not in sys.modules\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert res.returncode == 0, res.stderr


def test_settings_keys_are_documented() -> None:
    from qa_pipeline.batch import settings

    for key in settings.KEYS:
        assert key in (settings.__doc__ or ""), key


def test_config_error_is_a_config_error() -> None:
    from qa_pipeline.batch.settings import parse_settings

    with pytest.raises(ConfigError, match="fail_on"):
        parse_settings({"fail_on": 3}, "qa.toml")
    with pytest.raises(ConfigError, match="precision.*int8"):
        parse_settings({"precision": "int8"}, "qa.toml")


def test_repo_config_and_baseline_are_valid() -> None:
    """The gate's inputs: corpora/qa.toml parses, the baseline covers the seed pair."""
    from qa_pipeline.baseline import load_baseline
    from qa_pipeline.batch.settings import load_settings, resolve

    root = Path(__file__).resolve().parents[2] / "corpora"
    bc = resolve(load_settings(root), {})
    assert bc.config.model == C.DEFAULT_MODEL and bc.tgt_langs == ("et",)
    accepted = load_baseline(root / C.BASELINE_FILE).accepted("customer-loyalty", "lt-et")
    assert accepted



def test_a_retrained_package_file_is_not_reused(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The reuse key covers the shipped models' files: a calibration or threshold file that
    changes (same tool version) changes the key, so the pair is analysed again."""
    from qa_pipeline.batch import run
    from qa_pipeline.batch.corpus import PairJob
    from qa_pipeline.config import Config

    a, b = tmp_path / "a", tmp_path / "b"
    for d, value in ((a, "0.8746"), (b, "0.8747")):
        d.mkdir()
        (d / "check_encoder.json").write_text(f'{{"min_cos": {value}}}', "utf-8")
        (d / "drift.json").write_text("{}", "utf-8")
    digests = [run.package_data_digest(a), run.package_data_digest(b)]
    assert digests[0] != digests[1] and digests[0] == run.package_data_digest(a)
    job = PairJob("doc", "lt", "et", tmp_path / "s.txt", tmp_path / "t.txt")
    keys = []
    for digest in digests:
        monkeypatch.setattr(run, "package_data_digest", lambda digest=digest: digest)
        keys.append(run.input_key(job, Config(model="hash"), ("hash", "1"), ("x", "y")))
    assert keys[0] != keys[1]


@pytest.mark.parametrize("stop_at", [1, 2])
def test_ctrl_c_keeps_the_documents_checked_and_nothing_else(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch, stop_at: int) -> None:
    """Interrupted at the n-th document: the reports of the documents before it stay, no
    index, summary or junit.xml is written, and an interruption before any report leaves no
    output folder at all."""
    from qa_pipeline.batch import run

    corpora = make_corpus(tmp_path, seeds, names=("a", "b"))
    real, calls = run.process_document, []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == stop_at:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "process_document", interrupted)
    out = tmp_path / "reports"
    res = batch(corpora, out)
    assert res.exit_code == 130, res.output
    assert "interrupted; the reports of the documents already checked are kept" in res.output
    if stop_at == 1:
        assert not out.exists()
    else:
        assert sorted(p.name for p in out.iterdir()) == ["a"]
        assert (out / "a" / "lt-et" / "report.json").is_file()


def test_prune_drops_only_what_the_last_run_could_judge(tmp_path: Path, seeds: tuple[Path, Path],
                                                        isolated_cache: Path) -> None:
    """A document the last run could not check (an empty file) keeps its accepted entries
    under --prune, with a warning; a document whose folder is gone loses them."""
    corpora = make_corpus(tmp_path, seeds, ("a", "b"))
    out = tmp_path / "reports"
    batch(corpora, out)
    runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out)])
    path = corpora / "qa-baseline.json"
    entries = json.loads(path.read_text("utf-8"))["entries"]
    per_doc = {d: sum(e["document"] == d for e in entries) for d in ("a", "b")}
    assert per_doc["a"] and per_doc["b"]
    (corpora / "a" / "et.txt").write_text("", "utf-8")  # a cannot be checked now
    res = batch(corpora, out)
    assert res.exit_code == 2 and "; 1 could not be checked" in res.output, res.output
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out),
                              "--prune"])
    assert res.exit_code == 0, res.output
    assert "warning: a lt-et was not checked by the last run" in res.output
    assert "removed:" not in res.output
    left = json.loads(path.read_text("utf-8"))["entries"]
    assert sum(e["document"] == "a" for e in left) == per_doc["a"]
    # The document deleted: its entries are stale and pruned.
    shutil.rmtree(corpora / "a")
    batch(corpora, out)
    res = runner.invoke(app, ["baseline", "update", str(corpora), "--reports", str(out),
                              "--prune"])
    assert res.exit_code == 0 and res.output.count("removed: a ") == per_doc["a"], res.output
    assert {e["document"] for e in json.loads(path.read_text("utf-8"))["entries"]} == {"b"}


def test_baseline_update_finds_the_corpus_files_from_any_folder(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch ran with relative paths from one folder; an edit since is still seen when
    `baseline update` runs from another."""
    make_corpus(tmp_path, seeds)
    monkeypatch.chdir(tmp_path)
    batch(Path("corpora"), Path("reports"))
    (tmp_path / "corpora" / "doc" / "lt.txt").write_text("Visiškai kitas tekstas.\n", "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    res = runner.invoke(app, ["baseline", "update", str(tmp_path / "corpora"), "--reports",
                              str(tmp_path / "reports")])
    assert res.exit_code == 2 and "lt.txt: changed since" in res.output, res.output


def test_the_output_holds_this_runs_reports_only(tmp_path: Path, seeds: tuple[Path, Path],
                                                 isolated_cache: Path) -> None:
    """A renamed document's old folder goes; a document whose input turned bad keeps its last
    report (it is still in the corpus; the run's outputs mark it an error and never reuse
    the report), and it goes once the document does; other files stay."""
    corpora = make_corpus(tmp_path, seeds, ("a", "b"))
    out = tmp_path / "reports"
    batch(corpora, out, "--fail-on", "none")
    old = (out / "b" / "lt-et" / "report.json").read_text("utf-8")
    (out / "b" / "lt-et" / "notes.txt").write_text("the reviewer's", "utf-8")
    (corpora / "a").rename(corpora / "a-renamed")
    good = (corpora / "b" / "et.txt").read_text("utf-8")
    (corpora / "b" / "et.txt").write_text("", "utf-8")  # b fails this time
    res = batch(corpora, out, "--fail-on", "none")
    assert res.exit_code == 2, res.output
    assert not (out / "a").exists()
    assert (out / "a-renamed" / "lt-et" / "report.json").is_file()
    assert (out / "b" / "lt-et" / "report.json").read_text("utf-8") == old  # kept
    assert (out / "b" / "lt-et" / "notes.txt").is_file()
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    b = next(p for p in summary["pairs"] if p["document"] == "b")
    assert b["status"] == "error" and b["report"] is None and "empty" in b["error"]
    assert "<error" in (out / "junit.xml").read_text("utf-8")
    index = (out / "index.html").read_text("utf-8")
    assert 'href="b/' not in index and 'href="a/' not in index
    # Still bad: still an error, the kept report not reused as this input's.
    res = batch(corpora, out, "--fail-on", "none")
    assert res.exit_code == 2 and "b/et.txt: the file is empty" in res.output, res.output
    # Mended as it was: checked again, not taken from the kept folder.
    (corpora / "b" / "et.txt").write_text(good, "utf-8")
    res = batch(corpora, out, "--fail-on", "none")
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["run"]["documents_reused"] == 1  # a-renamed only
    # Gone from the corpus (after a run where it was an error): its folder goes too.
    (corpora / "b" / "et.txt").write_text("", "utf-8")
    assert batch(corpora, out, "--fail-on", "none").exit_code == 2
    shutil.rmtree(corpora / "b")
    assert batch(corpora, out, "--fail-on", "none").exit_code == 0
    assert sorted(p.name for p in (out / "b" / "lt-et").iterdir()) == ["notes.txt"]


def test_a_folder_in_the_way_of_a_document_report_stops_the_run_before_any_work(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """doc1 was written, then the run stopped at doc2's folder with no index, summary or
    junit.xml: an output problem is found before any work, as for the batch outputs."""
    from qa_pipeline.batch import run

    corpora = make_corpus(tmp_path, seeds, ("doc1", "doc2"))
    out = tmp_path / "reports"
    (out / "doc2" / "lt-et" / "report.html").mkdir(parents=True)
    monkeypatch.setattr(run, "process_document", lambda *a: pytest.fail("work was done"))
    res = batch(corpora, out)
    assert res.exit_code == 2, res.output
    assert res.output == (f"qa-pipeline: error: {out / 'doc2' / 'lt-et' / 'report.html'}: is a "
                          "directory, where the report's file goes; move it or choose another "
                          "--out\n")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "doc2", "doc2/lt-et", "doc2/lt-et/report.html"]


@pytest.mark.parametrize("break_it", ["two-files", "unsafe-name"])
def test_a_document_that_cannot_be_checked_is_its_own_error(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path, break_it: str) -> None:
    """One folder the batch cannot check does not stop the others: they are checked and
    written, the batch outputs name its error, and the run exits 2."""
    corpora = make_corpus(tmp_path, seeds, ("good", "bad"))
    if break_it == "two-files":
        (corpora / "bad" / "et.md").write_text("# Pealkiri\n", "utf-8")
    else:
        (corpora / "bad").rename(corpora / "b\\ad")
    out = tmp_path / "reports"
    res = batch(corpora, out, "--fail-on", "none")
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    message = "more than one et file" if break_it == "two-files" else "not a safe report folder"
    assert message in res.output
    assert (out / "good" / "lt-et" / "report.json").is_file()
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    errors = [p for p in summary["pairs"] if p["status"] == "error"]
    assert len(errors) == 1 and message in errors[0]["error"]
    assert message in (out / "junit.xml").read_text("utf-8")
    assert message in (out / "index.html").read_text("utf-8")


def test_review_marks_match_the_batch_from_any_folder(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Marks saved with the paths as one folder saw them fold in when the batch named the
    files from another (by document folder and file name)."""
    corpora = make_corpus(tmp_path, seeds)
    out = tmp_path / "reports"
    batch(corpora, out)  # absolute paths in the summary
    report = json.loads((out / "doc" / "lt-et" / "report.json").read_text("utf-8"))
    failing = [f for f in report["findings"] if f["severity"] in ("major", "critical")]
    marks = {"schema": "qa_pipeline.review/1",
             "report": {"source": "doc/lt.txt", "target": "doc/et.txt"},  # as seen from corpora
             "marks": {f["id"]: "accepted" for f in failing}}
    (tmp_path / "marks.json").write_text(json.dumps(marks), "utf-8")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["baseline", "import", "marks.json", "--corpora", "corpora",
                              "--reports", "reports"])
    assert res.exit_code == 0, res.output
    assert batch(corpora, out).exit_code == 0


def test_python_dash_m_runs_the_command(isolated_cache: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    res = subprocess.run([sys.executable, "-m", "qa_pipeline", "--version"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert res.returncode == 0 and res.stdout.startswith("qa-pipeline "), res.stderr


def test_a_baseline_saved_with_a_bom_is_read(tmp_path: Path) -> None:
    """A Windows editor's "UTF-8" adds a BOM; it was refused ("Unexpected UTF-8 BOM")."""
    from qa_pipeline.baseline import Baseline, load_baseline, write_baseline

    path = tmp_path / "qa-baseline.json"
    write_baseline(Baseline(()), path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_baseline(path) == Baseline(())


def test_nested_documents_are_said_and_an_output_name_is_refused(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path) -> None:
    """A folder of document folders was skipped without a word; a document named like a
    batch output did all its work, then could not write (and broke every later run)."""
    corpora = make_corpus(tmp_path, seeds, ("ok", "summary.json"))
    make_corpus(tmp_path / "g", seeds, ("doc",))
    (tmp_path / "g" / "corpora").rename(corpora / "group")
    out = tmp_path / "r"
    res = batch(corpora, out, "--fail-on", "none")
    assert res.exit_code == 2, res.output  # a document could not be checked
    assert "group: no lt file, but its subfolders have some" in res.output
    assert "summary.json: a document folder cannot be named like a batch output" in res.output
    assert (out / "summary.json").is_file() and (out / "ok" / "lt-et" / "report.json").is_file()
