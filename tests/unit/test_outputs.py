"""Report folders change all at once: a new report replaces the whole set of files or nothing,
and a batch refuses an output in the way before any work (hash test encoder)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_pipeline.cli import app
from qa_pipeline.errors import OutputError
from qa_pipeline.io import move_in as move_in_module
from qa_pipeline.io.move_in import move_in

runner = CliRunner()


def _files(d: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(d.iterdir())}


def _sets(tmp_path: Path) -> tuple[Path, Path]:
    new, out = tmp_path / "new", tmp_path / "out"
    new.mkdir()
    out.mkdir()
    for name in ("a.json", "b.html", "c.csv"):
        (new / name).write_text(f"new {name}", "utf-8")
        (out / name).write_text(f"old {name}", "utf-8")
    return new, out


def test_move_in_replaces_the_set_and_drops_stale_outputs(tmp_path: Path) -> None:
    new, out = _sets(tmp_path)
    (new / "c.csv").unlink()  # the new set has no CSV: the old one must not stay beside it
    (out / "notes.txt").write_text("the user's", "utf-8")
    move_in(new, out, replaces={"a.json", "b.html", "c.csv"})
    assert _files(out) == {"a.json": "new a.json", "b.html": "new b.html",
                           "notes.txt": "the user's"}


def test_move_in_puts_the_old_set_back_when_a_file_fails(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    new, out = _sets(tmp_path)
    before = _files(out)
    real = os.replace

    def failing(src: object, dst: object) -> None:
        if Path(str(src)) == new / "b.html":  # the second new file cannot be moved in
            raise PermissionError(1, "Operation not permitted")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(move_in_module.os, "replace", failing)
    with pytest.raises(OutputError, match=r"b\.html: cannot write \(Operation not permitted\)"):
        move_in(new, out)
    monkeypatch.undo()
    assert _files(out) == before  # the old set, whole; no backup folder left
    assert not any(p.name.startswith(".qa-old-") for p in out.iterdir())


def test_move_in_leaves_a_folder_in_a_files_place_alone(tmp_path: Path) -> None:
    new, out = _sets(tmp_path)
    (out / "c.csv").unlink()
    (out / "c.csv").mkdir()
    (out / "c.csv" / "keep.txt").write_text("mine", "utf-8")
    with pytest.raises(OutputError, match=r"c\.csv: is a directory"):
        move_in(new, out)
    assert (out / "c.csv" / "keep.txt").read_text("utf-8") == "mine"
    assert (out / "a.json").read_text("utf-8") == "old a.json"


def test_an_nway_report_replaces_a_pairwise_ones_exports(tmp_path: Path, seeds: tuple[Path, Path],
                                                        isolated_cache: Path) -> None:
    out = tmp_path / "out"
    res = runner.invoke(app, ["check", *map(str, seeds), "--out", str(out), "--model", "hash",
                              "-q", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    assert (out / "findings.csv").exists()
    lv = tmp_path / "lv.txt"
    shutil.copy(seeds[1], lv)
    res = runner.invoke(app, ["check", *map(str, seeds), str(lv), "--out", str(out),
                              "--model", "hash", "-q", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [
        "findings.csv", "findings.xlsx", "report.html", "report.json"]
    # The exports are the n-way report's own (a column group per translation), not left over.
    header = (out / "findings.csv").read_text("utf-8-sig").splitlines()[0].split(",")
    assert "drifted" in header and "lv_text" in header and "target_text" not in header


def test_nway_exports_carry_every_finding_and_text(tmp_path: Path, seeds: tuple[Path, Path],
                                                   isolated_cache: Path) -> None:
    import csv
    import json

    from openpyxl import load_workbook

    out, en = tmp_path / "out", tmp_path / "en.txt"
    shutil.copy(seeds[0], en)  # a stand-in source: n-way needs one file per language
    res = runner.invoke(app, ["check", "--source", str(en), *map(str, seeds), "--out", str(out),
                              "--model", "hash", "-q", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text("utf-8"))
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["finding_id"] for r in rows) == sorted(f["id"] for f in report["findings"])
    assert rows and all(r["source_file"] == str(en) for r in rows)
    for r in rows:
        f = next(x for x in report["findings"] if x["id"] == r["finding_id"])
        assert r["drifted"] == (f["drifted"] or "") and r["message"] == f["message"]
        for t in report["translations"]:
            ids = f["sentences"].get(t["lang"], [])
            assert r[f"{t['lang']}_text"] == " ".join(t["sentences"][i]["text"] for i in ids)
            # The line of the file where the row's text starts, for each translation.
            lines = Path(t["path"]).read_text("utf-8").splitlines()
            if ids:
                first = t["sentences"][ids[0]]["text"].split()[0]
                assert first in lines[int(r[f"{t['lang']}_line"]) - 1]
            else:
                assert r[f"{t['lang']}_line"] == ""
    sheet = load_workbook(out / "findings.xlsx", read_only=True)["Findings"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == list(rows[0].keys())
    assert [str(r[0]) for r in table[1:]] == [r["finding_id"] for r in rows]


def _corpus(tmp_path: Path, seeds: tuple[Path, Path]) -> Path:
    corpora = tmp_path / "corpora"
    (corpora / "doc").mkdir(parents=True)
    shutil.copy(seeds[0], corpora / "doc" / "lt.txt")
    shutil.copy(seeds[1], corpora / "doc" / "et.txt")
    return corpora


def _in_the_way_of_a_document(out: Path) -> None:
    out.mkdir()
    (out / "doc").write_text("a file where the document's folder goes", "utf-8")


def _in_the_way_of_the_summary(out: Path) -> None:
    (out / "summary.json").mkdir(parents=True)


def _out_is_a_file(out: Path) -> None:
    out.write_text("x", "utf-8")


@pytest.mark.parametrize(("make", "message"), [
    (_in_the_way_of_a_document, r"out/doc: is in the way of the reports"),
    (_in_the_way_of_the_summary, r"out/summary.json: is in the way of the reports"),
    (_out_is_a_file, r"out: exists and is not a directory"),
])
def test_batch_refuses_an_output_in_the_way_before_any_work(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path, make: object,
        message: str) -> None:
    corpora, out = _corpus(tmp_path, seeds), tmp_path / "out"
    make(out)  # type: ignore[operator]
    before = sorted(str(p) for p in tmp_path.rglob("*") if "cache" not in p.parts)
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(out), "--model", "hash", "-q",
                              "--fail-on", "none"])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and re.search(message, lines[0]), res.output
    assert sorted(str(p) for p in tmp_path.rglob("*") if "cache" not in p.parts) == before


def test_the_library_writer_names_a_folder_it_cannot_write(tmp_path: Path) -> None:
    import json

    import pytest

    from qa_pipeline.errors import OutputError
    from qa_pipeline.report.writers import write_report

    report = json.loads((Path(__file__).resolve().parents[1] / "data" / "report" /
                         "fixture_report.json").read_text("utf-8"))
    (tmp_path / "afile").write_text("x", "utf-8")
    with pytest.raises(OutputError, match=r"afile/out: cannot write the report there \(Not a "
                                          r"directory\)"):
        write_report(report, tmp_path / "afile" / "out")


def test_move_in_puts_the_old_set_back_when_interrupted(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C or SIGTERM (`Terminated`) between two moves: the old set is put back whole and
    the signal goes on to the command's clean-up."""
    from qa_pipeline.errors import Terminated

    new, out = _sets(tmp_path)
    before = _files(out)
    real = os.replace

    def stopped(src: object, dst: object) -> None:
        if Path(str(src)) == new / "b.html":
            raise Terminated()
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(move_in_module.os, "replace", stopped)
    with pytest.raises(Terminated):
        move_in(new, out)
    monkeypatch.undo()
    assert _files(out) == before
    assert not any(p.name.startswith(".qa-old-") for p in out.iterdir())


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """report.html cannot be written: the disk is full (an OSError without a file name, as a
    write that runs out of space raises)."""
    import dataclasses
    import errno

    from qa_pipeline.report import writers

    def full(out: object, path: Path) -> None:
        path.write_bytes(b"")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    for name, spec in list(writers.WRITERS.items()):
        if spec.filename == "report.html":
            monkeypatch.setitem(writers.WRITERS, name, dataclasses.replace(spec, write=full))


def test_a_full_disk_names_the_out_folder_and_leaves_nothing(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _disk_full(monkeypatch)
    work = tmp_path / "work"
    work.mkdir()
    out = work / "small" / "out"
    res = runner.invoke(app, ["check", str(seeds[0]), str(seeds[1]), "--model", "hash", "-q",
                              "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert res.output == (f"qa-pipeline: error: {out}: cannot write the report there "
                          "(No space left on device)\n")
    assert list(work.iterdir()) == []  # no temp folder, nor the parent made for it


def test_batch_on_a_full_disk_names_the_pair_folder_and_leaves_no_empty_one(
        tmp_path: Path, seeds: tuple[Path, Path], isolated_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _disk_full(monkeypatch)
    corpora = _corpus(tmp_path, seeds)
    out = tmp_path / "small" / "bout"
    (tmp_path / "small").mkdir()
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(out), "--model", "hash",
                              "-q", "--fail-on", "none"])
    assert res.exit_code == 2, res.output
    assert res.output == (f"qa-pipeline: error: {out / 'doc' / 'lt-et'}: cannot write the "
                          "report there (No space left on device)\n")
    assert list((tmp_path / "small").iterdir()) == []  # not `out`, nor an empty `out/doc`
