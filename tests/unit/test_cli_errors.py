"""Bad input, table-driven: the message, exit code 2 (130 for Ctrl-C), no traceback, and
nothing written in the output folder."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qa_pipeline import pipeline
from qa_pipeline.cli import app

runner = CliRunner()
SEEDS = Path(__file__).resolve().parents[2] / "corpora" / "customer-loyalty"
LT, ET = str(SEEDS / "lt.txt"), str(SEEDS / "et.txt")


def _write(name: str, data: bytes) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        (d / name).write_bytes(data)
        return str(d / name)
    return make


def _listing(d: Path) -> list[str]:
    """Everything under `d` but the isolated embedding cache."""
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.parts[len(d.parts)] != "cache")


def _file_as_parent(d: Path) -> str:
    (d / "afile").write_text("x", "utf-8")
    return str(d / "afile" / "sub")


def _dir_in_the_way(d: Path) -> str:
    """An output folder with a folder where report.html goes: said before the analysis, not
    after it."""
    (d / "out" / "report.html").mkdir(parents=True)
    return str(d / "out")


def _hard_link(name: str, to: str) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        (d / name).hardlink_to(d / to)
        return str(d / name)
    return make


# (id, args before --out (callables get the temp dir), out (callable or None = tmp/out),
#  expected message, expected exit code)
CASES: list[tuple[str, list[object], object, str, int]] = [
    ("missing", ["nope.txt", ET], None, "nope.txt: no such file", 2),
    ("empty", [_write("e.txt", b""), ET], None, "e.txt: the file is empty", 2),
    ("invisible-only", [_write("i.txt", "\u200b\u00ad\n\ufeff\u2060".encode()), ET], None,
     "i.txt: the file is empty", 2),
    ("binary", [_write("b.txt", b"\x89PNG\r\n\x00\x00"), ET], None, "binary", 2),
    ("utf16-odd", [_write("u.txt", b"\xff\xfeabc"), ET], None, "not valid UTF-16", 2),
    ("unknown-encoding", [_write("k.txt", b"abc\x81\x9f"), ET], None, "not valid UTF-8", 2),
    ("malformed-tmx", [_write("m.tmx", b"<tmx><body>\n<tu></body></tmx>")], None,
     r"m.tmx:2:\d+: malformed XML", 2),
    ("billion-laughs", [_write("m.xlf", b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                                       b"<xliff version='1.2'/>")], None,
     "declares XML entities", 2),
    ("tmx-as-side", [LT, _write("m.tmx", b"<tmx/>")], None, "holds both sides", 2),
    ("tmx-tuv-without-seg", [_write("s.tmx", b'<tmx version="1.4"><body><tu tuid="a">'
                                           b'<tuv xml:lang="lt"/><tuv xml:lang="et"><seg>Tere.'
                                           b'</seg></tuv></tu></body></tmx>'),
                             "--src-lang", "lt", "--tgt-lang", "et"], None,
     "s.tmx: <tu> a: its lt <tuv> has no <seg>", 2),
    ("lone-txt", [LT], None, "give a TGT file, or a bilingual file", 2),
    ("unknown-model", [LT, ET, "--model", "e5-smal"], None,
     "unknown model 'e5-smal'; did you mean 'multilingual-e5-small'", 2),
    ("hub-id-not-cached", [LT, ET, "--model", "intfloat/no-such-model"], None,
     "model 'intfloat/no-such-model' is not in the local Hugging Face cache", 2),
    ("unknown-src-lang", [LT, ET, "--src-lang", "xx"], None, "--src-lang 'xx' is not a known", 2),
    ("unknown-tgt-lang", [LT, ET, "--tgt-lang", "zz-ZZ"], None, "--tgt-lang 'zz-ZZ'", 2),
    ("nway-option-on-a-pair", [LT, ET, "--source-lang", "en"], None,
     "--source-lang applies to an n-way check .*--src-lang / --tgt-lang", 2),
    ("nway-options-on-a-pair", [LT, ET, "--langs", "lt,et", "--source-lang", "en"], None,
     "--source-lang and --langs apply to an n-way check", 2),
    ("pair-option-on-nway", [LT, ET, LT, "--src-lang", "lt"], None,
     "--src-lang applies to a pair; for an n-way check give --source-lang and --langs", 2),
    ("not-a-device", [LT, ET, "--device", "gpu0"], None, "--device 'gpu0': expected auto, cpu",
     2),
    ("same-file-twice", [LT, LT], None, "lt.txt: the same file as SRC", 2),
    ("tsv-header-on-a-pair", [LT, ET, "--tsv-header"], None,
     "--tsv-header / --no-tsv-header apply to one TSV file; SRC TGT is not one", 2),
    ("tsv-header-on-tmx", [_write("h.tmx", b"<tmx/>"), "--no-tsv-header"], None,
     "h.tmx is not one", 2),
    ("stem-not-a-language", [_write("xx.txt", b"Labas."), _write("yy.txt", b"")], None,
     "yy.txt: the file is empty", 2),
    ("out-under-a-file", [LT, ET], _file_as_parent, "cannot be created", 2),
    ("folder-in-the-way", [LT, ET], _dir_in_the_way,
     r"out/report\.html: is a directory, where the report's file goes", 2),
    ("tsv-header-on-nway", ["--source", _write("en.txt", b"Hello."), LT, ET, "--tsv-header"],
     None, "--tsv-header / --no-tsv-header apply to one TSV file; the files of an n-way check",
     2),
    ("no-tsv-header-on-nway", [_write("lv.txt", b"Sveiki."), LT, ET, "--no-tsv-header"], None,
     "--tsv-header / --no-tsv-header apply to one TSV file", 2),
    ("hard-link-twice", [_write("a.txt", b"Labas."), _hard_link("b.txt", "a.txt")], None,
     "b.txt: the same file as SRC", 2),
    ("missing-tmx-as-side", [LT, "x.tmx"], None, "x.tmx: no such file", 2),
    ("empty-src-lang", [LT, ET, "--src-lang", ""], None, "--src-lang is empty", 2),
    ("empty-source-lang", ["--source", _write("en.txt", b"Hello."), LT, ET, "--source-lang",
                           ""], None, "--source-lang is empty", 2),
    ("empty-code-in-langs", ["--source", _write("en.txt", b"Hello."), LT, ET, "--langs",
                             "lt,"], None, "--langs 'lt,': an empty language code", 2),
    ("out-is-a-file", [LT, ET], lambda d: _write("o", b"x")(d), "exists and is not a directory",
     2),
]


@pytest.mark.parametrize(("args", "out", "message", "code"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, isolated_cache: Path,
                                          monkeypatch: pytest.MonkeyPatch, args: list[object],
                                          out: object, message: str, code: int) -> None:
    monkeypatch.chdir(tmp_path)
    called: list[bool] = []
    real = pipeline.analyse
    monkeypatch.setattr(pipeline, "analyse",
                        lambda *a, **k: (called.append(True), real(*a, **k))[1])
    argv = [a(tmp_path) if callable(a) else str(a) for a in args]
    out_dir = out(tmp_path) if callable(out) else str(tmp_path / "out")
    before = _listing(tmp_path)
    res = runner.invoke(app, ["check", *argv, "--out", out_dir, "--model", "hash", "--quiet"]
                        if "--model" not in argv else ["check", *argv, "--out", out_dir, "-q"])
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    assert re.search(message, res.output), res.output
    assert len([line for line in res.output.splitlines() if line.strip()]) == 1
    assert not called, "the error came after the analysis"
    assert _listing(tmp_path) == before  # nothing half-written


def test_ctrl_c_is_one_line_exit_130_and_nothing_left(tmp_path: Path, isolated_cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "analyse", interrupted)
    out = tmp_path / "deep" / "out"
    res = runner.invoke(app, ["check", LT, ET, "--out", str(out), "--model", "hash", "-q"])
    assert res.exit_code == 130
    assert res.output.strip() == "qa-pipeline: error: interrupted; nothing was written"
    assert _listing(tmp_path) == []


def test_ctrl_c_while_writing_leaves_nothing(tmp_path: Path, isolated_cache: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_pipeline.report import writers

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writers, "write_report", interrupted)
    out = tmp_path / "deep" / "out"
    res = runner.invoke(app, ["check", LT, ET, "--out", str(out), "--model", "hash", "-q"])
    assert res.exit_code == 130
    assert _listing(tmp_path) == []


@pytest.mark.parametrize("command", [
    ["check", LT, ET, "--model", "hash", "-q"],
    ["align", LT, ET, "--model", "hash", "-q"],
    ["cache", "stats"],
    ["cache", "prune", "--older-than", "1d"],
])
def test_a_damaged_cache_is_one_line_and_exit_2(tmp_path: Path, isolated_cache: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                command: list[str]) -> None:
    """A cache file that is not a database (a disk error, a stray file) names the file and
    the way out; nothing is written and the file is left for the user to look at."""
    monkeypatch.chdir(tmp_path)
    isolated_cache.mkdir(parents=True, exist_ok=True)
    damaged = isolated_cache / "embeddings.sqlite"
    damaged.write_bytes(b"not a database, " * 64)
    out = ["--out", str(tmp_path / "out")] if command[0] == "check" else []
    res = runner.invoke(app, [*command, *out])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert lines == [f"qa-pipeline: error: {damaged}: not a usable embedding cache (file is "
                     "not a database); delete the file to start a new one, or check "
                     "without it (--no-cache)"], res.output
    assert not (tmp_path / "out").exists()
    assert damaged.read_bytes() == b"not a database, " * 64


def test_a_damaged_cache_is_not_needed_with_no_cache(tmp_path: Path, isolated_cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_cache.mkdir(parents=True, exist_ok=True)
    (isolated_cache / "embeddings.sqlite").write_bytes(b"not a database, " * 64)
    res = runner.invoke(app, ["check", LT, ET, "--model", "hash", "-q", "--no-cache",
                              "--out", str(tmp_path / "out")])
    assert res.exit_code in (0, 1), res.output
    assert (tmp_path / "out" / "report.json").is_file()


def test_an_unusable_cache_folder_is_one_line_and_exit_2(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x", "utf-8")
    monkeypatch.setenv("QA_PIPELINE_CACHE", str(blocker / "cache"))
    res = runner.invoke(app, ["check", LT, ET, "--model", "hash", "-q",
                              "--out", str(tmp_path / "out")])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert re.fullmatch(r"qa-pipeline: error: .*afile/cache/embeddings\.sqlite: cannot open "
                        r"the embedding cache \(.*\); point \$QA_PIPELINE_CACHE at a writable "
                        r"folder, or check without it \(--no-cache\)\n", res.output), res.output
    # `cache stats` has nothing to show there, and makes nothing to show it.
    res = runner.invoke(app, ["cache", "stats"])
    assert res.exit_code == 0 and "no cache yet: 0 entries" in res.output, res.output
    res = runner.invoke(app, ["cache", "prune", "--older-than", "1d"])
    assert res.exit_code == 0 and "no cache yet" in res.output, res.output


def _read_only_cache(tmp_path: Path, isolated_cache: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """A filled cache that opens (as a read-only mount's or a shared one's would) but takes
    no write."""
    import sqlite3

    from qa_pipeline.cache import EmbeddingCache

    runner.invoke(app, ["check", LT, ET, "--model", "hash", "-q", "--out", str(tmp_path / "a")])
    db = isolated_cache / "embeddings.sqlite"
    assert db.is_file()
    monkeypatch.setattr(EmbeddingCache, "_open", staticmethod(
        lambda path, readonly=False: sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                                     check_same_thread=False)))
    return db


def test_a_read_only_cache_is_read_and_the_check_goes_on(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache the run may read but not write (permissions, a read-only mount): its vectors
    are used, and the one warning says nothing new is stored; the report is written."""
    db = _read_only_cache(tmp_path, isolated_cache, monkeypatch)
    res = runner.invoke(app, ["check", LT, ET, "--model", "hash", "-q", "--fail-on", "none",
                              "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == (f"qa-pipeline: warning: embedding cache {db}: cannot store new "
                        "vectors (attempt to write a readonly database); going on without "
                        "storing")
    assert sum("cannot store" in line for line in lines) == 1
    assert lines[1].startswith("embedding cache: ") and " 0 misses" in lines[1]
    assert (tmp_path / "out" / "report.json").is_file()


def _full_disk_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cache write fails as on a full disk (`QA_PIPELINE_CACHE` on a 1 MB tmpfs): the
    cache opens (the up-front checks pass) and reads; storing vectors fails."""
    from fakes import FullDisk

    from qa_pipeline.cache import EmbeddingCache

    real = EmbeddingCache._open
    monkeypatch.setattr(EmbeddingCache, "_open", staticmethod(
        lambda path, readonly=False: FullDisk(real(path, readonly))))


def test_a_full_cache_disk_is_a_warning_and_the_check_goes_on(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is an optimisation: storing that fails after the heavy work began is one
    warning, and the report is written (it was exit 2 and no report)."""
    _full_disk_cache(monkeypatch)
    res = runner.invoke(app, ["check", LT, ET, "--model", "hash", "-q", "--fail-on", "none",
                              "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    warnings = [line for line in res.output.splitlines() if "warning" in line]
    assert warnings == [f"qa-pipeline: warning: embedding cache {isolated_cache}/embeddings."
                        "sqlite: cannot store new vectors (database or disk is full); going on "
                        "without storing"], res.output
    assert (tmp_path / "out" / "report.json").is_file()


def test_a_full_cache_disk_is_one_warning_for_a_whole_batch(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _full_disk_cache(monkeypatch)
    corpora = tmp_path / "corpora"
    for doc, text in (("a", "Labas rytas."), ("b", "Laba diena.")):
        (corpora / doc).mkdir(parents=True)
        shutil.copy(LT, corpora / doc / "lt.txt")
        shutil.copy(ET, corpora / doc / "et.txt")
        with (corpora / doc / "lt.txt").open("a", encoding="utf-8") as f:
            f.write(f"\n\n{text}\n")
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(tmp_path / "out"), "--model",
                              "hash", "-q", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    assert sum("cannot store new vectors (database or disk is full)" in line
               for line in res.output.splitlines()) == 1, res.output
    assert (tmp_path / "out" / "summary.json").is_file()


def test_a_read_only_cache_is_one_line_and_exit_2_for_prune(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cache prune` exists to write the cache: there it is one line naming it and the ways
    out, not an internal error."""
    db = _read_only_cache(tmp_path, isolated_cache, monkeypatch)
    res = runner.invoke(app, ["cache", "prune", "--older-than", "1s"])
    assert res.exit_code == 2, res.output
    assert res.output == (f"qa-pipeline: error: {db}: the embedding cache cannot be used "
                          "(attempt to write a readonly database); make it writable, point "
                          "$QA_PIPELINE_CACHE at a writable folder, or check without it "
                          "(--no-cache)\n")


def test_files_that_cannot_be_read_are_one_line_each(tmp_path: Path, isolated_cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable file, and one in a folder that cannot be entered (running as root, the
    tests make both so by hand): the reader's one line, for `check` and `align`."""
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    unreadable = tmp_path / "lt.txt"
    unreadable.write_text("Labas.", "utf-8")
    real_stat, real_open, real_access = Path.stat, Path.open, os.access

    def stat(self: Path, **kw: object) -> os.stat_result:
        if locked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kw)  # type: ignore[arg-type]

    def open_(self: Path, *args: Any, **kw: Any) -> Any:
        if self == unreadable:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kw)

    monkeypatch.setattr(Path, "stat", stat)
    monkeypatch.setattr(Path, "open", open_)
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: Path(p) != unreadable
                        and real_access(p, mode, **kw))
    for path in (unreadable, locked / "et.txt"):
        for command in (["check", str(path), ET, "--out", str(tmp_path / "out")],
                        ["align", str(path), ET]):
            res = runner.invoke(app, [*command, "--model", "hash", "-q"])
            assert res.exit_code == 2, res.output
            assert res.output == (f"qa-pipeline: error: {path}: cannot be read "
                                  "(Permission denied)\n"), res.output
    assert not (tmp_path / "out").exists()


def test_cuda_without_a_gpu_is_refused_before_any_work(tmp_path: Path, isolated_cache: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached run never loads the model, so torch would never reject the device: say it."""
    from qa_pipeline import devices

    monkeypatch.setattr(devices, "NVIDIA_DRIVER", tmp_path / "no-driver")
    monkeypatch.setattr(devices, "CUDA_DEVICE_FILES", (tmp_path / "no-dev",))
    for cmd in (["check", LT, ET, "--out", str(tmp_path / "out")],
                ["batch", str(SEEDS.parent), "--out", str(tmp_path / "out")]):
        res = runner.invoke(app, [*cmd, "--device", "cuda:1", "--model", "hash", "-q"])
        assert res.exit_code == 2, res.output
        assert res.output.strip().endswith("use --device auto or cpu"), res.output
        assert not (tmp_path / "out").exists()


def test_batch_refuses_an_unknown_language_from_its_settings(tmp_path: Path,
                                                           isolated_cache: Path) -> None:
    corpora = tmp_path / "corpora"
    (corpora / "doc").mkdir(parents=True)
    for name in ("lt.txt", "et.txt"):
        (corpora / "doc" / name).write_text((SEEDS / name).read_text("utf-8"), "utf-8")
    (corpora / "qa.toml").write_text('source = "xx"\n', "utf-8")
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(tmp_path / "out"),
                              "--model", "hash", "-q"])
    assert res.exit_code == 2, res.output
    assert "qa.toml: source: 'xx' is not a known language code" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("outcome", [SystemExit(0), SystemExit(1), KeyboardInterrupt()])
def test_ctrl_c_after_the_command_finished_is_ignored(outcome: BaseException,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a command has returned, a Ctrl-C in the interpreter's teardown must not print a
    traceback or change the exit code: main() ignores SIGINT from then on."""
    import signal

    import qa_pipeline.cli as cli

    def finished() -> None:
        raise outcome

    before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(cli, "app", finished)
    try:
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert done.value.code == getattr(outcome, "code", 130)
    finally:
        signal.signal(signal.SIGINT, before)


def test_an_unexpected_error_is_one_line_and_its_own_exit_code(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A bug is not a finding: one line naming it and exit 3, not a traceback and 1;
    QA_PIPELINE_DEBUG=1 shows the traceback and exits 3 as well."""
    import signal

    import qa_pipeline.cli as cli

    def broken() -> None:
        raise RuntimeError("boom")

    before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(cli, "app", broken)
    try:
        monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert done.value.code == 3
        err = capsys.readouterr().err.strip()
        assert err.startswith("qa-pipeline: error: internal error: RuntimeError: boom")
        assert "\n" not in err
        # With the traceback, still 3: exit 1 would tell CI "findings".
        monkeypatch.setenv(cli.DEBUG_ENV, "1")
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert done.value.code == 3
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and "RuntimeError: boom" in err
    finally:
        signal.signal(signal.SIGINT, before)


def test_control_characters_are_dropped_not_a_crash(tmp_path: Path, isolated_cache: Path) -> None:
    """A control character from a spreadsheet cell: removed for analysis, and every output,
    the XLSX included, is written."""
    tsv = tmp_path / "ctrl.tsv"
    tsv.write_bytes("Labas\x01 rytas, \x7fdrauge.\tTere\x07 hommikust, sõber.\n".encode())
    out = tmp_path / "out"
    res = runner.invoke(app, ["check", str(tsv), "--src-lang", "lt", "--tgt-lang", "et",
                              "--model", "hash", "-q", "--out", str(out), "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "report.json").read_text("utf-8"))
    assert data["source"]["sentences"][0]["text"] == "Labas rytas, drauge."
    assert (out / "findings.xlsx").is_file()


def test_align_refuses_the_same_file_twice(tmp_path: Path, isolated_cache: Path) -> None:
    res = runner.invoke(app, ["align", LT, str(Path(LT).parent / "." / "lt.txt"), "--model",
                              "hash", "-q"])
    assert res.exit_code == 2, res.output
    assert res.output == f"qa-pipeline: error: {LT}: the same file as SRC; give each text once\n"


def test_an_output_whose_parent_cannot_be_written_is_refused_before_any_work(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report is put together beside --out: a writable `rep` in a read-only `ropar` did
    all the work, then failed naming `rep`. Now it fails first, naming the parent (running as
    root, the test makes the parent read-only by hand)."""
    import tempfile

    ropar = tmp_path / "ropar"
    (ropar / "rep").mkdir(parents=True)
    real = tempfile.mkdtemp

    def mkdtemp(*args: Any, **kw: Any) -> str:
        if Path(kw.get("dir") or "") == ropar:
            raise PermissionError(13, "Permission denied", str(ropar))
        return real(*args, **kw)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    called: list[bool] = []
    monkeypatch.setattr(pipeline, "analyse", lambda *a, **k: called.append(True))
    res = runner.invoke(app, ["check", LT, ET, "--out", str(ropar / "rep"), "--model", "hash",
                              "-q"])
    assert res.exit_code == 2, res.output
    assert res.output == (f"qa-pipeline: error: {ropar / 'rep'}: cannot write in {ropar} "
                          "(Permission denied); choose another --out\n"), res.output
    assert not called and list((ropar / "rep").iterdir()) == []
