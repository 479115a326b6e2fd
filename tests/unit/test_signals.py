"""Signals: SIGTERM (a cancelled CI job, `docker stop`) is handled as Ctrl-C is, one line and
exit 143 with nothing half-written; a batch run removes the temp folders a run killed outright
left; the local dask workers leave Ctrl-C to the parent, which says one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qa_pipeline.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpora" / "customer-loyalty"
runner = CliRunner()

# `qa-pipeline ARGS` in a fresh process whose report.html writer leaves its file empty and
# sends the process SIGTERM: the moment a cancelled job's runner stops it in the audit, with a
# complete report.json beside a 0-byte report.html.
TERMINATED_WHILE_WRITING = """
import dataclasses, os, signal, sys, time
from qa_pipeline.report import writers
from qa_pipeline.cli import main

def stop(out, path):
    path.write_bytes(b"")
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(60)

for name, spec in list(writers.WRITERS.items()):
    if spec.filename == "report.html":
        writers.WRITERS[name] = dataclasses.replace(spec, write=stop)
sys.argv = ["qa-pipeline", *sys.argv[1:]]
main()
"""


def _run_terminated(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-c", TERMINATED_WHILE_WRITING, *args],
                          capture_output=True, text=True, env=env, timeout=300)


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_sigterm_while_check_writes_is_one_line_143_and_nothing_left(
        tmp_path: Path, isolated_cache: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    res = _run_terminated(["check", str(SEEDS / "lt.txt"), str(SEEDS / "et.txt"), "--model",
                           "hash", "-q", "--out", str(work / "sub" / "new_out")])
    assert res.returncode == 143, res.stderr
    assert res.stderr.splitlines() == ["qa-pipeline: error: terminated; nothing was written"]
    assert _listing(work) == []  # no temp folder, no report, not the parent made for it


def test_sigterm_while_batch_writes_keeps_no_temp_folder(tmp_path: Path,
                                                         isolated_cache: Path) -> None:
    corpora = tmp_path / "corpora"
    (corpora / "doc").mkdir(parents=True)
    for name in ("lt.txt", "et.txt"):
        (corpora / "doc" / name).write_text((SEEDS / name).read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    res = _run_terminated(["batch", str(corpora), "--model", "hash", "-q", "--out", str(out)])
    assert res.returncode == 143, res.stderr
    assert res.stderr.splitlines() == [
        "qa-pipeline: error: terminated; the reports of the documents already checked are "
        "kept; the index, summary and junit.xml were not written"]
    assert not out.exists()  # its first report was being written: no folder at all


def test_main_handles_sigterm_and_ignores_it_once_finished(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """main() turns SIGTERM into `Terminated` (a KeyboardInterrupt, so every clean-up runs)
    and, outside a command's guard too, one line and 143; after the command, as for SIGINT,
    a signal in the interpreter's teardown is ignored."""
    import qa_pipeline.cli as cli
    from qa_pipeline.errors import Terminated

    seen: list[Any] = []

    def body() -> None:
        seen.append(signal.getsignal(signal.SIGTERM))
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs before the next line
        raise AssertionError("SIGTERM raised nothing")

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(cli, "app", body)
    try:
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert seen and callable(seen[0])
        assert done.value.code == 143
        assert capsys.readouterr().err == "qa-pipeline: error: terminated\n"
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        assert issubclass(Terminated, KeyboardInterrupt)
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])


def test_batch_removes_temp_folders_a_killed_run_left(tmp_path: Path,
                                                      isolated_cache: Path) -> None:
    """A run killed outright (SIGKILL, a power cut) while it wrote a pair leaves its temp
    folders; the next run removes them, only names of their exact form and not one written in
    the last minutes (another batch may be writing into the same --out)."""
    corpora = tmp_path / "corpora"
    (corpora / "doc").mkdir(parents=True)
    for name in ("lt.txt", "et.txt"):
        (corpora / "doc" / name).write_text((SEEDS / name).read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    left = [out / "doc" / ".pair-ot_cqn4g", out / "gone" / ".pair-a1b2c3d4",
            out / "doc" / "lt-et" / ".qa-old-x9_y8z7w"]
    kept = [out / "doc" / ".pair-notes", out / "doc" / ".pair-a1b2c3d4e5", out / ".pair-a1b2c3d4",
            out / "doc" / "mine"]
    # one of the right form but written a moment ago: another batch's, at work in this --out
    busy = out / "doc" / ".pair-busy1234"
    hour_ago = time.time() - 3600
    for d in [*left, *kept, busy]:
        d.mkdir(parents=True)
        (d / "report.json").write_text("{}", "utf-8")
        if d != busy:
            os.utime(d, (hour_ago, hour_ago))
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(out), "--model", "hash",
                              "-q", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    assert [d for d in left if d.exists()] == []
    assert [d for d in [*kept, busy] if not (d / "report.json").is_file()] == []
    assert (out / "doc" / "lt-et" / "report.json").is_file()


def test_worker_setup_ignores_sigint() -> None:
    from qa_pipeline.batch.worker_setup import dask_setup

    before = signal.getsignal(signal.SIGINT)
    try:
        dask_setup(object())
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_local_cluster_workers_leave_ctrl_c_to_the_parent() -> None:
    """Ctrl-C reaches every process of the terminal's group: `--executor processes` workers
    ignore it (they printed a traceback each), the parent keeps answering it."""
    from qa_pipeline.batch.run import _client
    from qa_pipeline.config import BatchConfig

    before = signal.getsignal(signal.SIGINT)
    client, cluster = _client(BatchConfig(executor="processes", workers=2))
    try:
        # A lambda goes to the workers by value (this module need not be importable there).
        ignored = client.run(lambda: (s := __import__("signal")).getsignal(s.SIGINT)
                             == s.SIG_IGN)
    finally:
        client.close()
        cluster.close()
    assert len(ignored) == 2 and all(ignored.values()), ignored
    assert signal.getsignal(signal.SIGINT) is before
