"""The wired pipeline (`analyse`) with the deterministic hash encoder: a golden report.json,
each fact computed once, pre-aligned input, and the registries' extension points."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa_pipeline.config import Config
from qa_pipeline.detect import checks as checks_mod
from qa_pipeline.detect.checks import CHECKS, CheckSpec, Hit
from qa_pipeline.detect.checks.language import MIN_WORDS
from qa_pipeline.embed import HashEncoder
from qa_pipeline.io.json_report import report_to_dict, validate
from qa_pipeline.io.readers import Inputs, read_inputs
from qa_pipeline.pipeline import analyse
from qa_pipeline.segment import build_document
from qa_pipeline.text import word_count
from qa_pipeline.types import Bead

GOLD = Path(__file__).resolve().parents[1] / "data" / "golden" / "seed_hash.report.json"
CONFIG = Config(model="hash")


class Recording(HashEncoder):
    """A HashEncoder that remembers every text it was asked to encode, call by call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str], progress: Any = None) -> np.ndarray:
        self.calls.append(list(texts))
        return super().encode(texts, progress)


def seed_inputs(seeds: tuple[Path, Path]) -> Inputs:
    return read_inputs(seeds[0], seeds[1], "lt", "et")


def scrub(data: dict[str, Any]) -> dict[str, Any]:
    """The report without what changes with the checkout or release: version, paths."""
    data = json.loads(json.dumps(data))
    data["signature"]["version"] = "X.Y.Z"
    for side in ("source", "target"):
        data[side]["path"] = Path(data[side]["path"]).name
    return data


def first_difference(a: Any, b: Any, where: str = "") -> str | None:
    """Where two JSON values first differ, or None: floats may differ in the last printed
    digit (float32 sums vectorised differently on another CPU: 0.662276 vs 0.662277)."""
    if isinstance(a, float) or isinstance(b, float):
        ok = isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 2e-6
        return None if ok else f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{where}: keys {list(a)} != {list(b)}"
        return next((d for k in a if (d := first_difference(a[k], b[k], f"{where}.{k}"))),
                    None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}"
        return next((d for i, (x, y) in enumerate(zip(a, b, strict=True))
                     if (d := first_difference(x, y, f"{where}[{i}]"))), None)
    return None if a == b and type(a) is type(b) else f"{where}: {a!r} != {b!r}"


def test_golden_report_json(seeds: tuple[Path, Path]) -> None:
    data = report_to_dict(analyse(seed_inputs(seeds), HashEncoder(), CONFIG))
    validate(data)
    actual = json.dumps(scrub(data), ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("UPDATE_GOLD") == "1":
        GOLD.write_text(actual, encoding="utf-8")
    diff = first_difference(json.loads(actual), json.loads(GOLD.read_text(encoding="utf-8")))
    assert diff is None, (
        f"{GOLD.name} differs at {diff}; if intended, run `make update-gold` and review the diff")


def test_golden_comparison_tolerates_only_the_last_float_digit() -> None:
    gold = {"a": [{"confidence": 0.662276, "kind": "drift", "n": 3}]}
    assert first_difference({"a": [{"confidence": 0.662277, "kind": "drift", "n": 3}]},
                            gold) is None
    assert first_difference({"a": [{"confidence": 0.6623, "kind": "drift", "n": 3}]},
                            gold) == ".a[0].confidence: 0.6623 != 0.662276"
    assert first_difference({"a": [{"confidence": 0.662276, "kind": "omission", "n": 3}]},
                            gold) is not None
    assert first_difference({"a": [{"confidence": 0.662276, "kind": "drift", "n": 3.0}]},
                            gold) is not None
    assert first_difference({"a": []}, gold) == ".a: 0 items != 1"


def test_bead_and_paragraph_texts_are_embedded_once(seeds: tuple[Path, Path]) -> None:
    """The aligner's vectors are handed on: drift, checks and the paragraph matrix never ask
    the encoder again for a bead side or a paragraph (no memo needed)."""
    enc = Recording()
    inputs = seed_inputs(seeds)
    report = analyse(inputs, enc, CONFIG)
    src, tgt = inputs.source, inputs.target
    full = [s.bead for s in report.scored if s.bead.source and s.bead.target]
    wanted = {" ".join(src.sentences[i].text for i in b.source) for b in full}
    wanted |= {" ".join(tgt.sentences[i].text for i in b.target) for b in full}
    wanted |= {src.paragraph_text(p.id) for p in src.paragraphs}
    wanted |= {tgt.paragraph_text(p.id) for p in tgt.paragraphs}
    seen: dict[str, int] = {}
    for call in enc.calls:
        for t in set(call):
            seen[t] = seen.get(t, 0) + 1
    assert all(seen.get(t) == 1 for t in wanted), {t: seen.get(t) for t in wanted
                                                   if seen.get(t) != 1}


class Watching(HashEncoder):
    """Records whether each encode call brought a progress callback, and its texts."""

    def __init__(self) -> None:
        super().__init__()
        self.given: list[bool] = []
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], progress: Any = None) -> np.ndarray:
        self.given.append(progress is not None)
        self.texts += texts
        return super().encode(texts, progress)


def test_every_encode_call_reports_progress(seeds: tuple[Path, Path]) -> None:
    """Not only the aligner's: the drift stage's encodes (shortened sides, with re-encoding
    occlusion) show on "embed" too, so a long document never goes silent while its evidence
    is embedded."""
    enc = Watching()
    events: list[str] = []
    config = replace(CONFIG, drift=replace(CONFIG.drift, occlusion="encode"))
    analyse(seed_inputs(seeds), enc, config,
            progress=lambda stage, done, total: events.append(stage))
    assert enc.given and all(enc.given)
    first_drift = events.index("drift")
    assert "embed" in events[first_drift:]


def test_occlusion_from_token_states_encodes_fewer_texts(seeds: tuple[Path, Path]) -> None:
    """Pooled occlusion embeds none of the shortened sides that re-encoding occlusion
    embeds; the shortlist a part of them (5 per side, kind and pass); "refine" (the default)
    fewer still (no coarse window); all find spans."""
    runs = {}
    for occlusion in ("encode", "pooled", "shortlist", "refine"):
        enc = Watching()
        config = replace(CONFIG, drift=replace(CONFIG.drift, occlusion=occlusion))
        report = analyse(seed_inputs(seeds), enc, config)
        spans = [s for f in report.findings if f.kind == "drift" for s in f.target_spans]
        runs[occlusion] = (set(enc.texts), spans)
    shortened = runs["encode"][0] - runs["pooled"][0]
    assert len(shortened) > 100
    shortlist = runs["shortlist"][0] - runs["pooled"][0]
    assert len(shortlist) < 0.6 * len(shortened)
    assert len(runs["refine"][0] - runs["pooled"][0]) < len(shortlist)
    assert all(runs[m][1] for m in ("pooled", "shortlist", "refine"))
    assert CONFIG.drift.occlusion == "refine"


def test_checks_run_once_per_bead(seeds: tuple[Path, Path],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    numbers = CHECKS["numbers"]

    def counting(src: str, tgt: str, sl: str, tl: str) -> list[Hit]:
        calls.append((src, tgt))
        return numbers.run(src, tgt, sl, tl)

    monkeypatch.setitem(CHECKS, "numbers", CheckSpec("numbers", "number", counting,
                                                     drift_feature="chk_number"))
    report = analyse(seed_inputs(seeds), HashEncoder(), CONFIG)
    full = [b for b in report.scored if b.bead.source and b.bead.target]
    assert len(calls) == len(full)  # once per bead: for the drift feature and the findings


def test_a_registered_check_reports_findings(seeds: tuple[Path, Path],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a check is one spec in the registry: its hits become findings, with spans."""
    def exclamation(src: str, tgt: str, sl: str, tl: str) -> list[Hit]:
        if "," in src and "," not in tgt:
            i = src.index(",")
            return [Hit("punctuation", "minor", 0.5, "comma lost", ((i, i + 1),), ())]
        return []

    monkeypatch.setitem(CHECKS, "commas", CheckSpec("commas", "punctuation", exclamation))
    report = analyse(seed_inputs(seeds), HashEncoder(), CONFIG)
    mine = [f for f in report.findings if f.message == "comma lost"]
    assert mine and all(f.source_spans for f in mine)
    for f in mine:
        sid, a, b = f.source_spans[0]
        assert report.source.sentences[sid].text[a:b] == ","
    assert checks_mod.check_names() == list(CHECKS)


def test_enabled_checks_limit_findings_not_drift(seeds: tuple[Path, Path]) -> None:
    full = analyse(seed_inputs(seeds), HashEncoder(), CONFIG)
    none = analyse(seed_inputs(seeds), HashEncoder(), Config(model="hash", checks=()))
    assert [s.drift for s in none.scored] == [s.drift for s in full.scored]
    check_kinds = {spec.kind for spec in CHECKS.values()}
    assert any(f.kind in check_kinds for f in full.findings)
    assert not any(f.kind in check_kinds - {"drift"} for f in none.findings)


def test_pre_aligned_input_keeps_beads_and_fills_similarity() -> None:
    pairs = [("Kaina yra 5 eurai.", "Hind on 5 eurot."),
             ("Jis atvyko vakar.", "Ta saabus eile."),
             ("Parduotuvė uždaryta.", "Pood on suletud.")]
    src = build_document("p.tsv", "lt", [[s] for s, _ in pairs])
    tgt = build_document("p.tsv", "et", [[t] for _, t in pairs])
    beads = tuple(Bead((i,), (i,)) for i in range(len(pairs)))
    report = analyse(Inputs(src, tgt, beads), HashEncoder(), CONFIG)
    assert [(b.source, b.target) for b in report.alignment.sentences] == [
        (b.source, b.target) for b in beads]
    enc = HashEncoder()
    for (s, t), b in zip(pairs, report.alignment.sentences, strict=True):
        assert b.similarity == pytest.approx(float(enc.encode([s])[0] @ enc.encode([t])[0]))
    assert report.signature.aligner == "pre-aligned"
    assert len(report.alignment.paragraphs) == len(pairs)


def test_finding_ids_are_unique_and_order_is_the_one_sort(seeds: tuple[Path, Path]) -> None:
    from qa_pipeline.detect.findings import sort_key

    report = analyse(seed_inputs(seeds), HashEncoder(), CONFIG)
    ids = [f.id for f in report.findings]
    assert len(ids) == len(set(ids)) and all(ids)
    keys = [sort_key(f.severity, f.score, f.row, f.id) for f in report.findings]
    assert keys == sorted(keys)


def test_a_copy_of_the_source_is_one_document_finding(seeds: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    """The target left untranslated: one critical finding, the sentence ones folded under it."""
    copy = tmp_path / "et.txt"
    copy.write_bytes(seeds[0].read_bytes())
    lt = read_inputs(seeds[0], copy, "lt", "et")
    report = analyse(lt, HashEncoder(), CONFIG)
    doc = [f for f in report.findings if f.kind == "language"]
    assert len(doc) == 1 and doc[0].severity == "critical" and not doc[0].source
    assert "copy of the lt text" in doc[0].message and "folded under it" in doc[0].message
    # Nothing else on a copied pair: read as Estonian, a Lithuanian copy gives negation and
    # drift findings that mean nothing ("meaning may differ" at similarity 1.00).
    judged = {i for i, b in enumerate(report.alignment.sentences)
              if word_count(" ".join(report.target.sentences[j].text for j in b.target))
              >= MIN_WORDS}
    assert not [f for f in report.findings if f is not doc[0] and f.row in judged]


def test_unrelated_documents_are_one_mismatch_finding(seeds: tuple[Path, Path]) -> None:
    from qa_pipeline.detect.context import build_context
    from qa_pipeline.detect.document import fold_document_findings
    from qa_pipeline.detect.drift import score_drift

    pairs = [("Kaina yra 5 eurai.", "Kvanttitunnelointi ylittää energiavallin."),
             ("Jis atvyko vakar.", "Sademetsä kasvaa nopeasti."),
             ("Parduotuvė uždaryta.", "Tähdet loistavat kirkkaasti.")]
    src = build_document("a", "lt", [[s] for s, _ in pairs])
    tgt = build_document("b", "fi", [[t] for _, t in pairs])
    beads = [Bead((i,), (i,)) for i in range(3)]
    enc = HashEncoder()
    ctx = build_context(src, tgt, beads, {}, enc)
    drift = score_drift(ctx, enc)
    assert drift.reference is None  # the hash encoder's generic calibration is scale-free
    assert fold_document_findings(ctx, drift, []) == []
    related = replace(drift, reference=(0.9, 0.02))  # as the e5 calibration has
    (only,) = fold_document_findings(ctx, related, [])
    assert only.kind == "mismatch" and only.severity == "critical"
    same = build_context(src, src, beads, {}, enc)
    assert fold_document_findings(same, related, []) == []
    # One or two beads are no document to judge (a one-string update): their bead findings
    # speak for them.
    short = build_context(build_document("a", "lt", [[pairs[0][0]]]),
                          build_document("b", "fi", [[pairs[0][1]]]), beads[:1], {}, enc)
    assert fold_document_findings(short, replace(score_drift(short, enc),
                                                 reference=(0.9, 0.02)), []) == []


class _ReleaseSpy(HashEncoder):
    """The hash encoder under the default model's name (so the checks' encoder stages run)
    recording its encode calls and releases, and the progress of the rule passes."""

    def __init__(self) -> None:
        super().__init__()
        self.name = Config().model
        self.events: list[object] = []

    def encode(self, texts: Sequence[str], progress: Any = None) -> np.ndarray:
        self.events.append("encode")
        return super().encode(texts, progress)

    def release(self) -> None:
        self.events.append("release")


def test_a_long_documents_encoder_is_released_for_every_rule_pass_with_the_same_hits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import qa_pipeline.detect.context as context

    pairs = [("Jonas Petraitis nevažiavo į Vilnių.", "Jaan Tamm sõitis Tallinna."),
             ("Kaina yra 5 eurai.", "Hind on 5 eurot."),
             ("Marija neatėjo į susitikimą Kaune.", "Mari tuli kohtumisele Tartus."),
             ("Parduotuvė uždaryta.", "Pood on suletud.")]
    src = build_document("a", "lt", [[s for s, _ in pairs]])
    tgt = build_document("b", "et", [[t for _, t in pairs]])
    beads = [Bead((i,), (i,)) for i in range(len(pairs))]
    short_enc = _ReleaseSpy()
    short = context.build_context(src, tgt, beads, {}, short_enc)
    assert "release" not in short_enc.events  # a short document keeps its model
    monkeypatch.setattr(context, "RELEASE_CHECK_MODELS_PAIRS", len(pairs))
    spy = _ReleaseSpy()
    long = context.build_context(src, tgt, beads, {}, spy,
                                 progress=lambda done, total: spy.events.append((done, total)))
    assert long.hits == short.hits and long.rule_hits == short.rule_hits
    after = spy.events[spy.events.index("release") + 1:]
    total = len(CHECKS) * len(pairs)  # every check runs (all enabled)
    assert "encode" in after  # the encoder stages asked for the model again ...
    assert (total, total) in after[:after.index("encode")]  # ... after every rule pass


@pytest.mark.parametrize(("settings", "message"), [
    ({"src_lang": "zzz-bogus"}, "--src-lang 'zzz-bogus' is not a known language code"),
    ({"tgt_lang": "xx"}, "--tgt-lang 'xx'"),
    ({"device": "gpu0"}, "--device 'gpu0': expected auto, cpu"),
    ({"fail_on": "bogus"}, "fail_on 'bogus': expected one of"),
    ({"precision": "fp8"}, "precision 'fp8': expected one of"),
    ({"batch_size": 0}, "batch_size 0: expected a whole number, 1 or more"),
    ({"checks": ("nosuch",)}, "checks: 'nosuch' is no check"),
    ({"severity_overrides": (("drift", "fatal"),)}, r"severity_overrides: \('drift', 'fatal'\)"),
    # values of the wrong type are the same one line, never a TypeError
    ({"checks": "numbers"}, "checks 'numbers': expected a sequence of check names"),
    ({"batch_size": "8"}, "batch_size '8': expected a whole number"),
    ({"batch_size": 2.5}, "batch_size 2.5: expected a whole number"),
    ({"src_lang": None}, "src_lang None: expected a string"),
    ({"severity_overrides": {"drift": "minor"}}, "expected \\(kind, severity\\) pairs"),
])
def test_the_library_refuses_settings_it_cannot_run_with(
        seeds: tuple[Path, Path], settings: dict[str, Any], message: str) -> None:
    """`pipeline.run` checks its Config as the command line does: a ConfigError naming the
    setting before any work (a bogus language gave 17 critical findings)."""
    from qa_pipeline.errors import ConfigError
    from qa_pipeline.pipeline import run

    with pytest.raises(ConfigError, match=message):
        run(seeds[0], seeds[1], replace(CONFIG, **settings), encoder=HashEncoder())
    assert run(str(seeds[0]), str(seeds[1]), CONFIG,  # type: ignore[arg-type]
               encoder=HashEncoder()).findings


def test_the_readme_python_example_runs_as_written(tmp_path: Path, seeds: tuple[Path, Path],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """README's "Python API" block, run with the seeds as lt.txt / et.txt (the hash encoder in
    place of the model); it prints the findings and writes the four files."""
    import re
    import shutil

    from qa_pipeline import pipeline

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    block = re.search(r"## Python API\n.*?```python\n(.*?)```", readme, re.S)
    assert block is not None
    shutil.copy(seeds[0], tmp_path / "lt.txt")
    shutil.copy(seeds[1], tmp_path / "et.txt")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "make_encoder", lambda config: HashEncoder())
    exec(compile(block.group(1), "README.md", "exec"), {})
    printed = capsys.readouterr()
    assert printed.err == "" and printed.out.count("\n") >= 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "findings.csv", "findings.xlsx", "report.html", "report.json"]


def test_library_settings_of_the_wrong_kind_are_config_errors(tmp_path: Path) -> None:
    """A Path for the model directory is taken; None, a string for a flag, or something else
    for the parameter groups is a one-line ConfigError (it was an AttributeError)."""
    from qa_pipeline.errors import ConfigError
    from qa_pipeline.pipeline import check_config

    assert check_config(Config(model=Path("/models/e5"))).model == "/models/e5"  # type: ignore[arg-type]
    for bad in (dict(model=None), dict(segmented="yes"), dict(use_cache=1),
                dict(align=None), dict(drift="occlusion"), dict(tsv_header="auto")):
        with pytest.raises(ConfigError):
            check_config(Config(**bad))  # type: ignore[arg-type]


def test_write_report_takes_a_str_folder(seeds: tuple[Path, Path], tmp_path: Path) -> None:
    from qa_pipeline.report.writers import write_report

    report = analyse(read_inputs(*seeds, "lt", "et"), HashEncoder(), CONFIG)
    written = write_report(report_to_dict(report), str(tmp_path / "out"))
    assert written and all(p.is_file() for p in written)
