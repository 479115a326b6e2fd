"""CLI contract: outputs, exit codes, clear errors, nothing half-written (hash test encoder)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_pipeline.cli import app
from qa_pipeline.io.json_report import validate

runner = CliRunner()


def _check(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["check", *args, "--model", "hash", "--quiet"])
    return res.exit_code, res.output


def test_seed_check_writes_valid_report(
    seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path
) -> None:
    lt, et = seeds
    code, _ = _check(str(lt), str(et), "--out", str(tmp_path / "r"), "--fail-on", "none")
    assert code == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    validate(data)
    assert (tmp_path / "r" / "report.html").stat().st_size > 1000
    assert "All reports" not in (tmp_path / "r" / "report.html").read_text("utf-8")  # no batch
    assert data["signature"]["model"] == "hash-256"
    assert data["signature"]["aligner"].startswith("margin(")
    # every sentence in exactly one bead, monotone
    for side, doc in (("source", data["source"]), ("target", data["target"])):
        ids = [i for b in data["alignment"] for i in b[side]]
        assert ids == list(range(len(doc["sentences"])))


def test_fail_on_levels(seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path) -> None:
    lt, et = seeds
    code, _ = _check(str(lt), str(et), "--out", str(tmp_path / "r"), "--fail-on", "minor")
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["findings"], "the seed's untranslated title alone is a finding"
    assert code == 1
    worst = {f["severity"] for f in data["findings"]}
    code_crit, _ = _check(str(lt), str(et), "--out", str(tmp_path / "r2"), "--fail-on", "critical")
    assert code_crit == (1 if "critical" in worst else 0)


def test_missing_input_exits_2_without_traceback(tmp_path: Path, isolated_cache: Path) -> None:
    out = tmp_path / "r"
    code, output = _check(
        str(tmp_path / "missing.txt"), str(tmp_path / "other.txt"), "--out", str(out)
    )
    assert code == 2
    assert "missing.txt: no such file" in output
    assert "Traceback" not in output
    assert not out.exists()


def test_bad_input_leaves_existing_report_untouched(
    seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path
) -> None:
    lt, _ = seeds
    out = tmp_path / "r"
    out.mkdir()
    (out / "report.json").write_text("old", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, output = _check(str(lt), str(empty), "--out", str(out))
    assert code == 2 and "empty.txt: the file is empty" in output
    assert (out / "report.json").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "r"]


def test_tsv_pairs_input(tmp_path: Path, isolated_cache: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(
        "Kass istub laual.\tThe cat sits on the table.\nTäna sajab vihma.\tIt is raining today.\n",
        encoding="utf-8",
    )
    code, _ = _check(
        str(tsv),
        "--src-lang",
        "et",
        "--tgt-lang",
        "en",
        "--out",
        str(tmp_path / "r"),
        "--fail-on",
        "none",
    )
    assert code == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert [(b["source"], b["target"]) for b in data["alignment"]] == [([0], [0]), ([1], [1])]
    assert all(0.0 <= b["drift"] <= 1.0 for b in data["alignment"])


def test_single_non_tsv_argument_is_usage_error(seeds: tuple[Path, Path]) -> None:
    code, output = _check(str(seeds[0]))
    assert code == 2 and "TGT" in output


def test_unknown_fail_on_is_usage_error(seeds: tuple[Path, Path]) -> None:
    code, _ = _check(str(seeds[0]), str(seeds[1]), "--fail-on", "severe")
    assert code == 2


def test_align_beads_format(seeds: tuple[Path, Path], isolated_cache: Path) -> None:
    res = runner.invoke(
        app,
        ["align", str(seeds[0]), str(seeds[1]), "--model", "hash", "--format", "beads", "--quiet"],
    )
    assert res.exit_code == 0
    assert res.stdout.endswith("\n") and not res.stdout.endswith("\n\n")  # no blank line
    lines = res.stdout.strip().splitlines()
    import re

    pattern = re.compile(r"^\[(\d+(, \d+)*)?\]:\[(\d+(, \d+)*)?\]:\d+\.\d{6}$")
    assert lines and all(pattern.match(line) for line in lines), lines[:3]


def test_align_json_is_signed(seeds: tuple[Path, Path], isolated_cache: Path) -> None:
    res = runner.invoke(app, ["align", str(seeds[0]), str(seeds[1]), "--model", "hash",
                              "--quiet"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["signature"]["model"] == "hash-256"
    assert data["signature"]["aligner"].startswith("margin(")
    covered = [i for b in data["alignment"] for i in b["source"]]
    assert covered == sorted(covered) and len(covered) == len(set(covered))
    # The sentences the indices point into come with them: every one, in the file's order.
    for side, path in (("source", seeds[0]), ("target", seeds[1])):
        texts = data[side]["sentences"]
        assert data[side]["path"] == str(path) and data[side]["lang"] == path.stem
        assert sorted(i for b in data["alignment"] for i in b[side]) == list(range(len(texts)))
        joined = " ".join(path.read_text("utf-8").split())
        assert all(" ".join(t.split()) in joined for t in texts)


def test_models_list_names_every_registered_model() -> None:
    from qa_pipeline.models import REGISTRY

    res = runner.invoke(app, ["models", "list"])
    assert res.exit_code == 0
    for name in REGISTRY:
        assert name in res.output
    assert "(default)" in res.output


def test_version_and_short_help() -> None:
    from qa_pipeline import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"qa-pipeline {__version__}"
    for args in (["-h"], ["check", "-h"], ["cache", "-h"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0 and "Usage:" in res.output, args


def test_help_lists_every_command() -> None:
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("check", "align", "batch", "models"):
        assert cmd in res.output


@pytest.mark.parametrize("cmd", ["check", "batch"])
def test_help_reflows_docstring_paragraphs(cmd: str) -> None:
    """A command's description is wrapped to the terminal, not at the docstring's own breaks
    (which left a lone word on a line of its own)."""
    res = runner.invoke(app, [cmd, "--help"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    start = next(i for i, x in enumerate(lines) if "Usage:" in x) + 1
    end = next(i for i, x in enumerate(lines) if x.startswith("╭"))
    paragraphs: list[list[str]] = [[]]
    for x in lines[start:end]:
        if x.strip():
            paragraphs[-1].append(x.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    assert len(paragraphs) >= 2
    for p in paragraphs:
        assert all(len(x) >= 50 for x in p[:-1]), p


@pytest.mark.parametrize("cmd", ["check", "align", "batch"])
def test_commands_share_the_run_options(cmd: str) -> None:
    """One set of options for the three commands that run the pipeline."""
    res = runner.invoke(app, [cmd, "--help"], terminal_width=200)
    assert res.exit_code == 0
    for opt in ("--model", "--src-lang", "--tgt-lang", "--segmented", "--device",
                "--batch-size", "--no-cache", "--quiet"):
        assert opt in res.output, f"{cmd} lacks {opt}"


def test_batch_writes_reports_and_index(tmp_path: Path, seeds: tuple[Path, Path],
                                        isolated_cache: Path) -> None:
    corpora = tmp_path / "corpora"
    for name in ("one", "two"):
        (corpora / name).mkdir(parents=True)
        (corpora / name / "lt.txt").write_text(seeds[0].read_text("utf-8"), "utf-8")
        (corpora / name / "et.txt").write_text(seeds[1].read_text("utf-8"), "utf-8")
    (corpora / "lonely").mkdir()
    (corpora / "lonely" / "lt.txt").write_text("Vienas sakinys.", "utf-8")
    out = tmp_path / "reports"
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(out), "--model", "hash",
                              "--quiet", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    one = json.loads((out / "one" / "lt-et" / "report.json").read_text("utf-8"))
    two = json.loads((out / "two" / "lt-et" / "report.json").read_text("utf-8"))
    validate(one)
    assert one["findings"] == two["findings"] and one["findings"]
    for name in ("report.html", "findings.csv", "findings.xlsx"):
        assert (out / "one" / "lt-et" / name).is_file()
    index = (out / "index.html").read_text("utf-8")
    assert 'href="one/lt-et/report.html"' in index and 'href="two/lt-et/report.html"' in index
    # A folder missing a language is a warning and an index row, not silence.
    assert not (out / "lonely").exists()
    assert "lonely" in index and "no et file" in index
    assert 'href="lonely' not in index  # no report, no link to one
    # A batch's pair report links back to the index; a lone check's has no such link.
    assert 'href="../../index.html"' in (out / "one" / "lt-et" / "report.html").read_text(
        "utf-8")
    assert "2 document pairs · 1 missing language ·" in index
    assert "Gate: PASS · fail_on none: no finding fails the gate" in index
    assert "warning:" in res.output and "no et file" in res.output
    # The same corpus fails the gate at minor: the seed pair has minor findings.
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(out), "--model", "hash",
                              "--quiet", "--fail-on", "minor"])
    assert res.exit_code == 1
    assert "Gate: FAIL · " in (out / "index.html").read_text("utf-8")


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(
    seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path
) -> None:
    lt, et = seeds
    res = runner.invoke(app, ["check", str(lt), str(et), "--model", "hash", "--out",
                              str(tmp_path / "r"), "--fail-on", "none"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    for stage in ("embed", "align", "checks", "drift"):
        mine = [ln for ln in lines if ln.startswith(f"{stage}: ")]
        assert mine and mine[-1].endswith("(100%)"), res.output
        assert len(mine) <= 11 * (4 if stage == "embed" else 1)  # per tenth, not per update
    assert not any("\x1b[" in ln for ln in lines)  # no terminal control codes


def test_line_progress_writes_each_tenth_once() -> None:
    from qa_pipeline.cli.progress import line_progress

    out: list[str] = []
    update = line_progress(out.append)
    for done in range(0, 101):
        update("embed", done, 100)
    assert out[0] == "embed: 0/100 (0%)" and out[-1] == "embed: 100/100 (100%)"
    assert len(out) == 11


@pytest.mark.parametrize(("names", "options", "langs"), [
    (("de.txt", "fr.txt"), [], ("de", "fr")),               # two-letter stems name the languages
    (("lt-LT.txt", "et_EE.txt"), [], ("lt-LT", "et-EE")),   # with a region, as BCP 47 writes it
    (("de.txt", "fr.txt"), ["--src-lang", "LT", "--tgt-lang", "est"], ("lt", "et")),
    (("src.txt", "tgt.txt"), [], ("lt", "et")),             # not two-letter codes: the defaults
    (("xx.txt", "et.txt"), [], ("lt", "et")),               # two letters, but no language
    (("de.txt", "fr.txt"), ["--src-lang", "lt"], ("lt", "fr")),  # an option wins over a stem
])
def test_pair_languages_from_file_stems(names: tuple[str, str], options: list[str],
                                        langs: tuple[str, str], seeds: tuple[Path, Path],
                                        tmp_path: Path, isolated_cache: Path) -> None:
    files = []
    for name, seed in zip(names, seeds, strict=True):
        (tmp_path / name).write_bytes(seed.read_bytes())
        files.append(str(tmp_path / name))
    code, out = _check(*files, *options, "--out", str(tmp_path / "r"), "--fail-on", "none")
    assert code == 0, out
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert (data["source"]["lang"], data["target"]["lang"]) == langs


def test_a_default_language_is_said(seeds: tuple[Path, Path], tmp_path: Path,
                                    isolated_cache: Path) -> None:
    """A side whose language is neither given nor named by its file gets the default, and the
    run says so on stderr (under --quiet too, but not when the files name their languages)."""
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_bytes(seeds[0].read_bytes())
    tgt.write_bytes(seeds[1].read_bytes())

    def run(*args: str) -> str:
        res = runner.invoke(app, ["check", *args, "--model", "hash", "--fail-on", "none",
                                  "--out", str(tmp_path / "r")])
        assert res.exit_code == 0, res.output
        return res.output

    said = [line for line in run(str(src), str(tgt)).splitlines() if "reading" in line]
    assert said == ["qa-pipeline: reading the source as lt and the target as et, the defaults "
                    "(no --src-lang / --tgt-lang, and the file names are no language codes); "
                    "give them for another pair"]
    assert "reading the source as lt, the default" in run(str(src), str(tgt), "--tgt-lang", "et")
    assert "reading the source as lt and the target as et" in run(str(src), str(tgt), "--quiet")
    assert "reading" not in run(str(seeds[0]), str(seeds[1]))  # lt.txt, et.txt


def test_no_cache_says_what_was_embedded_not_cache_hits(
    seeds: tuple[Path, Path], tmp_path: Path, isolated_cache: Path
) -> None:
    """With --no-cache there is no cache to hit: the line says how many texts were embedded
    (and how many asked for again came from the run's memory), for check and batch."""
    import re

    lt, et = seeds
    code, out = _check(str(lt), str(et), "--out", str(tmp_path / "r"), "--fail-on", "none",
                       "--no-cache")
    assert code == 0, out
    assert "embedding cache" not in out
    assert re.search(r"^embedded \d+ texts \(\d+ repeated\); model not loaded$", out, re.M), out
    code, out = _check(str(lt), str(et), "--out", str(tmp_path / "r"), "--fail-on", "none")
    assert re.search(r"^embedding cache: \d+ hits, \d+ misses; model not loaded$", out, re.M)
    corpora = tmp_path / "corpora"
    (corpora / "doc").mkdir(parents=True)
    for f in (lt, et):
        (corpora / "doc" / f.name).write_text(f.read_text("utf-8"), "utf-8")
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(tmp_path / "b"), "--model",
                              "hash", "-q", "--fail-on", "none", "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "embedding cache" not in res.output
    assert re.search(r"^embedded \d+ texts \(\d+ repeated\); model not loaded; [\d.]+ s$",
                     res.output, re.M), res.output
