"""N-way: the table builder (properties), the attribution rules, and the CLI/JSON contract
(hash encoder; the real model's attribution is in tests/integration/test_nway_e5.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qa_pipeline.cli import app
from qa_pipeline.io.nway_json import validate_nway
from qa_pipeline.nway.attribute import with_source, without_source
from qa_pipeline.nway.score import Mark, PairEvidence
from qa_pipeline.nway.table import Row, build_rows, check_rows
from qa_pipeline.nway.thresholds import NwayThresholds
from qa_pipeline.types import Bead

DATA = Path(__file__).resolve().parents[1] / "data" / "nway"
runner = CliRunner()
TH = NwayThresholds("test/1", margin=1.0, agreement_margin=0.1, agreement_margin_no_source=0.1)


@st.composite
def monotone_beads(draw: Any, n_pivot: int) -> tuple[list[Bead], int]:
    """A random monotone alignment of n_pivot pivot sentences to some target sentences."""
    beads: list[Bead] = []
    i = j = 0
    while i < n_pivot:
        a = draw(st.integers(0, min(3, n_pivot - i)))
        b = draw(st.integers(0 if a else 1, 3))
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b))))
        i, j = i + a, j + b
    if draw(st.booleans()):
        beads.append(Bead((), (j,)))
        j += 1
    return beads, j


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 12).flatmap(
    lambda n: st.tuples(st.just(n), monotone_beads(n), monotone_beads(n), monotone_beads(n))))
def test_rows_cover_every_sentence_once_in_order(case: Any) -> None:
    n, (a, na), (b, nb), (c, nc) = case
    rows = build_rows(n, {"lt": a, "et": b, "lv": c})
    check_rows(rows, n, {"lt": na, "et": nb, "lv": nc})
    assert all(r.pivot or any(r.cells.values()) for r in rows)


def test_rows_merge_what_any_translation_merges() -> None:
    lt = [Bead((0,), (0,)), Bead((1, 2), (1,)), Bead((3,), (2,)), Bead((), (3,)),
          Bead((4,), (4,))]
    et = [Bead((0,), ()), Bead((), (0,)), Bead((1,), (1,)), Bead((2,), (2,)),
          Bead((3, 4), (3, 4))]
    assert build_rows(5, {"lt": lt, "et": et}) == (
        Row((0,), {"lt": (0,), "et": ()}),
        Row((), {"lt": (), "et": (0,)}),
        Row((1, 2), {"lt": (1,), "et": (1, 2)}),
        Row((3, 4), {"lt": (2, 3, 4), "et": (3, 4)}),
    )


def _ev(drift: dict[int, float], sev: dict[int, Any], checks: dict[int, dict[str, Any]] | None
        = None) -> PairEvidence:
    """Evidence with only what the attribution rules read (no context)."""
    return PairEvidence(("en", "x"), None, None, {}, drift, sev,  # type: ignore[arg-type]
                        checks or {r: {} for r in drift})


ROWS = tuple(Row((i,), {"lt": (i,), "et": (i,), "lv": (i,)}) for i in range(6))
LANGS = ["lt", "et", "lv"]
CALM = {r: 0.3 for r in range(6)}


def test_the_translation_that_stands_out_is_blamed() -> None:
    ev = {"lt": _ev(CALM, dict.fromkeys(range(6))),
          "et": _ev(CALM | {3: 0.97}, dict.fromkeys(range(6)) | {3: "major"}),
          "lv": _ev(CALM, dict.fromkeys(range(6)))}
    blames = with_source(ROWS, LANGS, ev, {}, TH)
    assert [(b.row, b.kind, b.drifted) for b in blames] == [(3, "drift", "et")]


def test_a_contrast_blame_needs_the_cell_to_disagree_with_its_peers_too() -> None:
    """Standing out against the source is not enough when the cell still agrees with the
    other translations (agreement gap below contrast_gap): it must disagree with both."""
    from dataclasses import replace

    ev = {"lt": _ev(CALM, dict.fromkeys(range(6))),
          "et": _ev(CALM | {3: 0.97}, dict.fromkeys(range(6)) | {3: "major"}),
          "lv": _ev(CALM, dict.fromkeys(range(6)))}
    th = replace(TH, contrast_gap=0.02)
    assert with_source(ROWS, LANGS, ev, {(3, "et"): 0.01}, th) == []
    blames = with_source(ROWS, LANGS, ev, {(3, "et"): 0.03}, th)
    assert [(b.row, b.kind, b.drifted) for b in blames] == [(3, "drift", "et")]


def test_all_translations_departing_blames_none() -> None:
    sev = dict.fromkeys(range(6)) | {2: "major"}
    ev = {x: _ev(CALM | {2: 0.99}, sev) for x in LANGS}
    blames = with_source(ROWS, LANGS, ev, {}, TH)
    assert [(b.row, b.drifted, b.evidence) for b in blames] == [(2, None, "all-differ")]


def test_a_precise_check_alone_blames_and_a_shared_one_does_not() -> None:
    ck = {r: {} for r in range(6)}
    ev = {"lt": _ev(CALM, dict.fromkeys(range(6)), ck | {1: {"number": ("critical", 0.9)}}),
          "et": _ev(CALM, dict.fromkeys(range(6)), ck | {4: {"number": ("critical", 0.9)}}),
          "lv": _ev(CALM, dict.fromkeys(range(6)), ck | {4: {"number": ("critical", 0.9)},
                                                         5: {"length": ("major", 0.9)}})}
    blames = with_source(ROWS, LANGS, ev, {}, TH)
    # The shared one is reported without a name (which translation is wrong is not clear).
    assert [(b.row, b.kind, b.drifted, b.about) for b in blames] == [
        (1, "number", "lt", ()), (4, "number", None, ("et", "lv"))]


def test_gaps_name_the_translation_that_lacks_a_sentence() -> None:
    rows = (Row((0,), {"lt": (0,), "et": (), "lv": (0,)}),
            Row((), {"lt": (), "et": (), "lv": (1,)}))
    ev = {x: _ev({}, {}) for x in LANGS}
    got = [(b.kind, b.drifted) for b in with_source(rows, LANGS, ev, {}, TH)]
    assert got == [("omission", "et"), ("addition", "lv")]


def test_without_source_the_odd_one_out_or_no_majority() -> None:
    rows = tuple(Row((), {"lt": (i,), "et": (i,), "lv": (i,)}) for i in range(3))
    none = dict.fromkeys(range(3))
    pairs = {("lt", "et"): _ev({0: .9, 1: .9, 2: .2}, none | {0: "major", 1: "major"}),
             ("lt", "lv"): _ev({0: .2, 1: .9, 2: .2}, none | {1: "major"}),
             ("et", "lv"): _ev({0: .9, 1: .9, 2: .2}, none | {0: "major", 1: "major"})}
    gaps = {(0, "et"): 0.2, (0, "lt"): -0.1, (0, "lv"): -0.1,
            (1, "lt"): 0.15, (1, "et"): 0.15, (1, "lv"): 0.0}
    got = [(b.row, b.drifted, b.evidence) for b in without_source(rows, LANGS, pairs, gaps, TH)]
    assert got == [(0, "et", "vote"), (1, None, "no-majority")]
    # Flagged pairs alone, with no agreement gap past the margin, blame nobody.
    assert without_source(rows, LANGS, pairs, {}, TH) == []


def _mark(a: tuple[tuple[int, int, int], ...], b: tuple[tuple[int, int, int], ...],
          a_text: tuple[str, ...] = (), b_text: tuple[str, ...] = (),
          severity: Any = "critical", kind: str = "number") -> Mark:
    return Mark(kind, severity, 0.9, a, b, a_text, b_text)


def _marked(drift: dict[int, float], sev: dict[int, Any], marks: dict[int, tuple[Mark, ...]],
            numbers: dict[int, Any] | None = None) -> PairEvidence:
    """Evidence with check hits (marks) and, optionally, each side's numbers as written."""
    checks: dict[int, dict[str, Any]] = {r: {} for r in drift}
    for r, ms in marks.items():
        for m in ms:
            checks[r][m.kind] = (m.severity, m.score)
    return PairEvidence(("a", "b"), None, None, {}, drift, sev, checks,  # type: ignore[arg-type]
                        marks, numbers or {})


def test_without_source_a_precise_check_names_the_odd_one() -> None:
    """lt and et say "25", lv "35": the number check fires lt-lv and et-lv, not lt-et."""
    rows = tuple(Row((), {"lt": (i,), "et": (i,), "lv": (i,)}) for i in range(2))
    calm, none = {0: .2, 1: .2}, dict.fromkeys(range(2))

    def changed(a: str, b: str) -> dict[int, tuple[Mark, ...]]:
        return {1: (_mark(((1, 0, 2),), ((1, 0, 2),), (a,), (b,)),)}

    pairs = {("lt", "et"): _marked(calm, none, {}),
             ("lt", "lv"): _marked(calm, none, changed("25", "35")),
             ("et", "lv"): _marked(calm, none, changed("25", "35"))}
    got = [(b.row, b.kind, b.drifted) for b in without_source(rows, LANGS, pairs, {}, TH)]
    assert got == [(1, "number", "lv")]
    # Fired on every pair (every translation differs): no odd one.
    pairs[("lt", "et")] = _marked(calm, none, changed("25", "45"))
    assert without_source(rows, LANGS, pairs, {}, TH) == []


def test_without_source_the_odd_value_is_named_whatever_else_the_others_differ_on() -> None:
    """lt and lv say 1870, et 1890; lt and lv also differ on another number (lv's "10 gadus"
    for lt's "dešimtmečiu"): et's changed year is still its own (per mention, not per pair)."""
    rows = (Row((), {"lt": (0,), "et": (0,), "lv": (0,)}),)
    calm, none = {0: .2}, {0: None}
    year = (0, 10, 14)  # the year's span, at the same place in each text (for brevity)
    pairs = {("lt", "et"): _marked(calm, none, {0: (_mark((year,), (year,), ("1870",),
                                                          ("1890",)),)}),
             ("lt", "lv"): _marked(calm, none, {0: (_mark((), ((0, 30, 32),), (), ("10",),
                                                          "major"),)}),
             ("et", "lv"): _marked(calm, none, {0: (_mark((year,), (year,), ("1890",),
                                                          ("1870",)),)})}
    got = without_source(rows, LANGS, pairs, {}, TH)
    assert [(b.kind, b.severity, b.drifted) for b in got] == [("number", "critical", "et")]
    assert dict(got[0].spans) == {"et": (year,), "lt": (year,), "lv": (year,)}


def test_without_source_a_number_the_others_write_differently_names_no_one() -> None:
    """lv "20. gadsimta 30. gados", lt "XX a. 4-ame dešimtmetyje", et "1930ndatel": the check
    hits lv's "30" against both, but lt and et do not write the decade alike, so nobody is
    named (and nothing claims that they agree); written alike, lv is."""
    rows = (Row((), {"lt": (0,), "et": (0,), "lv": (0,)}),)
    calm, none = {0: .2}, {0: None}
    thirty = _mark((), ((0, 20, 22),), (), ("30",), "major")
    lv_forms = ("20", "30")
    pairs = {("lt", "et"): _marked(calm, none, {}, {0: (("4",), ("1930",))}),
             ("lt", "lv"): _marked(calm, none, {0: (thirty,)}, {0: (("4",), lv_forms)}),
             ("et", "lv"): _marked(calm, none, {0: (thirty,)}, {0: (("1930",), lv_forms)})}
    assert without_source(rows, LANGS, pairs, {}, TH) == []
    alike = {("lt", "et"): _marked(calm, none, {}, {0: (("1930",), ("1930",))}),
             ("lt", "lv"): _marked(calm, none, {0: (thirty,)}, {0: (("1930",), lv_forms)}),
             ("et", "lv"): _marked(calm, none, {0: (thirty,)}, {0: (("1930",), lv_forms)})}
    got = without_source(rows, LANGS, alike, {}, TH)
    assert [(b.kind, b.severity, b.drifted) for b in got] == [("number", "major", "lv")]


def test_with_source_a_critical_drift_alone_is_named_and_an_unclear_one_is_kept() -> None:
    """et's drift against the source is critical, its peers' are not flagged: et is named
    even though its contrast stays under the calibrated margin (the pairwise check's
    critical finding), and its minor negation hit with it. When another translation departs
    at major too, the row is reported without a name rather than dropped."""
    th = NwayThresholds("test/1", margin=50.0, agreement_margin=0.5,
                        agreement_margin_no_source=0.5)
    neg: dict[int, dict[str, Any]] = {r: {} for r in range(6)}
    neg[3] = {"negation": ("minor", 0.6)}
    ev = {"lt": _ev(CALM, dict.fromkeys(range(6))),
          "et": _ev(CALM | {3: 0.996}, dict.fromkeys(range(6)) | {3: "critical"}, neg),
          "lv": _ev(CALM | {3: 0.6}, dict.fromkeys(range(6)))}
    got = [(b.row, b.kind, b.severity, b.drifted) for b in with_source(ROWS, LANGS, ev, {}, th)]
    assert got == [(3, "negation", "minor", "et"), (3, "drift", "critical", "et")]
    # A contrast under CRITICAL_CONTRAST: not named, and nothing to report without a name.
    ev["lv"] = _ev(CALM | {3: 0.98}, dict.fromkeys(range(6)))
    assert with_source(ROWS, LANGS, ev, {}, th) == []
    ev["lv"] = _ev(CALM | {3: 0.95}, dict.fromkeys(range(6)) | {3: "major"})
    got2 = with_source(ROWS, LANGS, ev, {}, th)
    assert [(b.kind, b.drifted, b.evidence, b.about) for b in got2] == [
        ("drift", None, "unclear", ("et", "lv"))]


def test_with_source_a_changed_value_is_named_when_a_peer_hits_another_number() -> None:
    """et changes the source's "1870" to "1890" while lv's number hit is about another
    number of the row: et is named for its changed value."""
    rows = (Row((0,), {"lt": (0,), "et": (0,), "lv": (0,)}),)
    calm, none = {0: .2}, {0: None}
    ev = {"lt": _marked(calm, none, {}),
          "et": _marked(calm, none, {0: (_mark(((0, 5, 9),), ((0, 5, 9),), ("1870",),
                                               ("1890",)),)}),
          "lv": _marked(calm, none, {0: (_mark(((0, 20, 25),), (), ("1930s",), (),
                                               "major"),)})}
    got = [(b.kind, b.severity, b.drifted) for b in with_source(rows, LANGS, ev, {}, TH)]
    assert got == [("number", "critical", "et")]


def test_without_source_the_gap_names_the_odd_one_even_when_the_others_pair_is_flagged() -> None:
    """Two loose but faithful translations (their own pair flagged) and one damaged one whose
    gap alone is past the margin: the shipped vote names it, the first rule said no majority."""
    none = dict.fromkeys(range(1))
    rows = (Row((), {"lt": (0,), "et": (0,), "lv": (0,)}),)
    pairs = {("lt", "et"): _ev({0: .9}, none | {0: "major"}),
             ("lt", "lv"): _ev({0: .6}, none | {0: "minor"}),
             ("et", "lv"): _ev({0: .9}, none | {0: "major"})}
    gaps = {(0, "et"): 0.2, (0, "lt"): 0.02, (0, "lv"): 0.01}
    got = [(b.drifted, b.evidence) for b in without_source(rows, LANGS, pairs, gaps, TH)]
    assert got == [("et", "vote")]
    old = without_source(rows, LANGS, pairs, gaps, TH, vote="quiet-peers")
    assert [(b.drifted, b.evidence) for b in old] == [(None, "no-majority")]
    with pytest.raises(ValueError, match="unknown vote rule"):
        without_source(rows, LANGS, pairs, gaps, TH, vote="nope")


def _nway(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["check", *args, "--model", "hash", "--quiet"])
    return res.exit_code, res.output


@pytest.mark.parametrize("with_source", [True, False])
def test_cli_writes_the_nway_contract(tmp_path: Path, isolated_cache: Path,
                                      with_source: bool) -> None:
    files = [str(DATA / f"{x}.txt") for x in ("lt", "et", "lv")]
    args = (["--source", str(DATA / "en.txt")] if with_source else []) + files
    code, out = _nway(*args, "--out", str(tmp_path / "r"), "--fail-on", "none")
    assert code == 0, out
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    validate_nway(data)
    assert data["schema"] == "qa_pipeline.nway/1"
    assert (data["source"] is not None) == with_source
    assert [t["lang"] for t in data["translations"]] == ["lt", "et", "lv"]
    for t in data["translations"]:
        ids = [i for r in data["rows"] for i in r["cells"][t["lang"]]]
        assert ids == list(range(len(t["sentences"])))
    if with_source:
        assert [i for r in data["rows"] for i in r["source"]] == list(
            range(len(data["source"]["sentences"])))
    for f in data["findings"]:
        assert f["drifted"] in (None, "lt", "et", "lv")
        assert 0 <= f["row"] < len(data["rows"])
    # The signature says how every text was read, as a pair's does.
    sig = data["signature"]
    assert sig["normaliser"] and sig["segmenter"]
    assert sig["encoding"] == {**({"source": "utf-8"} if with_source else {}),
                               "lt": "utf-8", "et": "utf-8", "lv": "utf-8"}
    html = (tmp_path / "r" / "report.html").read_text("utf-8")
    assert "N-way consistency report" in html and 'data-lang="lv"' in html
    assert "<dt>Segmenter</dt>" in html and "<dt>Thresholds</dt>" in html
    assert "<dt>Text read as</dt>" in html and "lv utf-8" in html
    # Each finding says where its texts' sentences are in their files, as a pair's do.
    lined = [f for f in data["findings"] if f["sentences"]]
    assert html.count('<span class="lines">') == len(lined)
    for f in lined:
        lang, ids = next(iter(f["sentences"].items()))
        text = next(t for t in [data["source"], *data["translations"]] if t and t["lang"] == lang)
        assert f"{lang} line {text['sentences'][ids[0]]['line']}" in html


def test_cli_langs_option_and_errors(tmp_path: Path, isolated_cache: Path) -> None:
    a, b, c = (tmp_path / f"{n}.txt" for n in ("first", "second", "third"))
    for f, x in zip((a, b, c), ("lt", "et", "lv"), strict=True):
        f.write_text((DATA / f"{x}.txt").read_text("utf-8"), "utf-8")
    code, out = _nway(str(a), str(b), str(c), "--out", str(tmp_path / "r"))
    assert code == 2 and "cannot tell the translation's language" in out
    assert out.rstrip().endswith("give --langs")  # --source-lang is the source's
    code, out = _nway(str(tmp_path / "missing.txt"), str(b), str(c), "--out",
                      str(tmp_path / "r"))
    assert code == 2 and "missing.txt: no such file" in out  # the first problem first
    code, out = _nway(str(a), str(b), str(c), "--langs", "lt,et", "--out", str(tmp_path / "r"))
    assert code == 2 and "names 2 languages for 3 files" in out
    assert not (tmp_path / "r").exists()
    code, _ = _nway(str(a), str(b), str(c), "--langs", "lt,et,lv", "--out", str(tmp_path / "r"),
                    "--fail-on", "none")
    assert code == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    assert [t["lang"] for t in data["translations"]] == ["lt", "et", "lv"]


def test_two_files_without_source_stay_pairwise(tmp_path: Path, isolated_cache: Path) -> None:
    code, _ = _nway(str(DATA / "lt.txt"), str(DATA / "et.txt"), "--out", str(tmp_path / "r"),
                    "--fail-on", "none")
    assert code == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    assert data["schema"] == "qa_pipeline.report/1"


@pytest.mark.parametrize("with_source", [True, False])
def test_a_translation_in_the_wrong_language_is_one_finding(tmp_path: Path, isolated_cache: Path,
                                                            with_source: bool) -> None:
    """A "Latvian" file holding the Estonian text: one critical finding names it, in place of
    a language or drift finding on every row."""
    lv = tmp_path / "lv.txt"
    lv.write_text((DATA / "et.txt").read_text("utf-8"), "utf-8")
    files = [str(DATA / "lt.txt"), str(DATA / "et.txt"), str(lv)]
    args = (["--source", str(DATA / "en.txt")] if with_source else []) + files
    code, out = _nway(*args, "--out", str(tmp_path / "r"), "--fail-on", "none")
    assert code == 0, out
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    validate_nway(data)
    blamed = [f for f in data["findings"] if f["drifted"] == "lv"]
    assert len(blamed) == 1, [f["message"] for f in blamed]
    (only,) = blamed
    assert only["kind"] == "language" and only["severity"] == "critical"
    assert only["message"].startswith("the lv text is not in lv:")
    assert "look like et" in only["message"]
    assert not [f for f in data["findings"] if f["kind"] == "language" and f is not only]
    # A finding about the whole text paints no row's cell as drifted.
    html = (tmp_path / "r" / "report.html").read_text("utf-8")
    assert 'data-drifted="lv"' not in html.split('<ol id="findings">')[0]
    # It judges nobody either: no finding cites it as a peer ("… which agree with each other").
    assert not [f["message"] for f in data["findings"] if f is not only and "lv" in f["message"]]
    if with_source:  # two judged translations: each finding names one, or says none agrees
        assert all(f["drifted"] in ("lt", "et", None) for f in data["findings"]
                   if f is not only)
    # The other translations in their own languages get no such verdict.
    code, out = _nway(*args[:-1], str(DATA / "lv.txt"), "--out", str(tmp_path / "ok"),
                      "--fail-on", "none")
    data = json.loads((tmp_path / "ok" / "report.json").read_text("utf-8"))
    assert not [f for f in data["findings"] if "is not in" in f["message"]]


def test_nway_inputs_are_checked_as_a_pairs_are(tmp_path: Path, isolated_cache: Path) -> None:
    """A bilingual file is not one text, a file is given once, and two codes of one language
    are one language: each is one line and exit 2, nothing written."""
    xlf = tmp_path / "lv.xlf"
    xlf.write_text('<xliff version="1.2"><file source-language="lt" target-language="lv">'
                   "<body/></file></xliff>", "utf-8")
    lt, et, lv = (str(DATA / f"{x}.txt") for x in ("lt", "et", "lv"))
    cases = [
        ([lt, et, str(xlf), "--langs", "lt,et,lv"], "holds both sides of a translation"),
        (["--source", str(DATA / "en.txt"), lt, et, lt, "--langs", "lt,et,lv"],
         "lt.txt: the same file as"),
        (["--source", lt, lt, et, "--source-lang", "en", "--langs", "fi,et"],
         "lt.txt: the same file as"),
        ([lt, et, lv, "--langs", "lt-LT,et,lt"], "each translation needs its own language"),
    ]
    for args, message in cases:
        code, out = _nway(*args, "--out", str(tmp_path / "r"))
        assert code == 2 and message in out, (args, out)
        assert len([x for x in out.splitlines() if x.strip()]) == 1 and "Traceback" not in out
        assert not (tmp_path / "r").exists()


GERMAN = ("Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen. Das Geld wird für Schulen "
          "und Straßen ausgegeben.\n\nStarker Regen hat letzte Woche mehrere Straßen in der "
          "Altstadt überflutet. Das Museum bleibt bis Ende März geschlossen. Eintrittskarten "
          "kann man online oder am Eingang kaufen.\n\nDer Bürgermeister dankte den Bewohnern "
          "für ihre Geduld während der Bauarbeiten.\n")


def test_a_source_in_another_language_is_one_finding(tmp_path: Path,
                                                     isolated_cache: Path) -> None:
    """An "English" source holding German: one critical finding says so, in place of a
    language finding on each row, pairwise and n-way."""
    en = tmp_path / "en.txt"
    en.write_text(GERMAN, "utf-8")
    for args in ([str(en), str(DATA / "lt.txt")],
                 ["--source", str(en), *(str(DATA / f"{x}.txt") for x in ("lt", "et", "lv"))]):
        out = tmp_path / f"r{len(args)}"
        code, output = _nway(*args, "--out", str(out), "--fail-on", "none")
        assert code == 0, output
        data = json.loads((out / "report.json").read_text("utf-8"))
        language = [f for f in data["findings"] if f["kind"] == "language"]
        assert len(language) == 1, [f["message"] for f in language]
        assert language[0]["severity"] == "critical"
        assert language[0]["message"].startswith("the en text is not in en:")


def test_one_translation_against_its_source_is_named(tmp_path: Path,
                                                     isolated_cache: Path) -> None:
    """--source with one translation is a pair: its findings name that translation."""
    code, out = _nway("--source", str(DATA / "en.txt"), str(DATA / "lt.txt"), "--out",
                      str(tmp_path / "r"), "--fail-on", "none")
    assert code == 0, out
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    assert data["findings"] and all(f["drifted"] == "lt" for f in data["findings"])


@pytest.mark.parametrize("with_source", [True, False])
def test_nway_compares_markdown_link_targets(tmp_path: Path, isolated_cache: Path,
                                             with_source: bool) -> None:
    """de's link points to another site: n-way names de with the url finding a pair raises."""
    texts = {"en": "Read the [privacy policy](https://example.com/en/privacy) first.\n",
             "de": "Lesen Sie zuerst die [Datenschutzerklärung]"
                   "(https://phishing.example.net/de/privacy).\n",
             "fr": "Lisez d'abord la [politique de confidentialité]"
                   "(https://example.com/fr/privacy).\n"}
    for lang, text in texts.items():
        (tmp_path / f"{lang}.md").write_text(text, "utf-8")
    files = [str(tmp_path / f"{x}.md") for x in ("en", "de", "fr")]
    args = ["--source", *files] if with_source else files
    code, out = _nway(*args, "--out", str(tmp_path / "r"), "--fail-on", "none")
    assert code == 0, out
    data = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))
    validate_nway(data)
    url = [f for f in data["findings"] if f["kind"] == "url"]
    assert [(f["drifted"], f["severity"]) for f in url] == [("de", "critical")]
    assert "de" in url[0]["spans"]


def test_word_tagger_is_said_to_be_unused_in_nway(tmp_path: Path, isolated_cache: Path) -> None:
    """N-way scores drift without word tags: `check --word-tagger` says on stderr that it is
    unused, under --quiet too, and is no error (a batch's `word_tagger = true` keeps working
    for its n-way documents); the report is the one without it."""
    files = ["--source", str(DATA / "en.txt"), *(str(DATA / f"{x}.txt") for x in ("lt", "et",
                                                                                    "lv"))]
    note = "--word-tagger is not used in n-way mode"
    code, out = _nway(*files, "--out", str(tmp_path / "a"), "--fail-on", "none")
    assert code == 0 and note not in out
    code, out = _nway(*files, "--out", str(tmp_path / "b"), "--fail-on", "none",
                      "--word-tagger")
    assert code == 0, out
    assert [line for line in out.splitlines() if note in line] == [f"qa-pipeline: note: {note}"]
    a, b = ((tmp_path / d / "report.json").read_text("utf-8") for d in "ab")
    assert a == b

    corpora = tmp_path / "corpora"
    (corpora / "doc").mkdir(parents=True)
    for lang in ("en", "lt", "et", "lv"):
        (corpora / "doc" / f"{lang}.txt").write_text((DATA / f"{lang}.txt").read_text("utf-8"),
                                                     "utf-8")
    (corpora / "qa.toml").write_text('source = "en"\ntargets = ["lt", "et", "lv"]\n'
                                     'word_tagger = true\nfail_on = "none"\n', "utf-8")
    res = runner.invoke(app, ["batch", str(corpora), "--out", str(tmp_path / "r"),
                              "--model", "hash", "--quiet"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r" / "doc" / "en-lt+et+lv" / "report.json").is_file()
    assert [line for line in res.output.splitlines() if note in line] == [
        f"qa-pipeline: note: {note}"]
