"""junit.xml: the batch as test results that GitLab, GitHub and Jenkins display.

One testsuite per language pair. A document pair that passes the gate is one testcase; one
that fails it is one testcase per new finding at or above `fail_on` (baselined ones never
fail), each with its one <failure> naming the file, the sentence ids and the message: JUnit
readers count failed testcases and show a testcase's first failure only, so several
<failure> elements in one case would hide all but one. An <error> case for a pair the
pipeline could not process and a <skipped> case for a document missing one language.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..types import KIND_LABELS
from .output import BatchOutput, BatchWriterSpec, PairResult
from .summary import failing
from .view import first_line

# XML 1.0 cannot carry these at all, escaped or not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _ids(ids: Sequence[int]) -> str:
    return ",".join(str(i) for i in ids) or "-"


def _side(doc: Mapping[str, Any], ids: Sequence[int]) -> str:
    sentences = doc["sentences"]
    return " ".join(str(sentences[i]["text"]) for i in ids if 0 <= i < len(sentences))


def _at(path: str, line: int) -> str:
    return f"{path}:{line}" if line else path


def _place(p: PairResult, f: Mapping[str, Any]) -> tuple[str, int]:
    """The file a finding is annotated on, and its line there (0: none known): a pair's on the
    target where the finding has target text, else on the source (an omission); an n-way
    finding on the translation it blames (none: the source)."""
    assert p.report is not None
    if p.nway:
        blamed = f.get("drifted") or ""
        paths = dict((lang, path) for lang, path, _ in p.targets)
        doc, path = p.report["source"], p.source_path
        if blamed in paths:
            doc = next(t for t in p.report["translations"] if t["lang"] == blamed)
            path = paths[blamed]
        ids = f["sentences"].get(str(doc["lang"]), []) if doc else []
        source = p.report["source"]
        if not ids and source:  # the blamed translation lacks the row: the source's line
            doc, path = source, p.source_path
            ids = f["sentences"].get(str(source["lang"]), [])
        return path, first_line(doc["sentences"], ids) if doc else 0
    if f.get("target") or not f.get("source"):
        return p.target_path, first_line(p.report["target"]["sentences"], f.get("target", []))
    return p.source_path, first_line(p.report["source"]["sentences"], f["source"])


def _nway_failure(p: PairResult, f: Mapping[str, Any]) -> ET.Element:
    """An n-way finding: the row, the translation judged to have drifted, every text's
    sentences in that row."""
    assert p.report is not None
    texts = ([p.report["source"]] if p.report["source"] else []) + list(p.report["translations"])
    drifted = f["drifted"] or "no majority"
    where = f"{_at(*_place(p, f))}: row {f['row']} ({drifted})"
    label = KIND_LABELS.get(f["kind"], f["kind"])
    el = ET.Element("failure", {
        "type": f"{f['severity']}.{f['kind']}",
        "message": _clean(f"{f['severity']} {label} at {where}: {f['message']}"),
    })
    lines = [f"files: {p.source_path} (source), "
             + ", ".join(f"{path} ({lang})" for lang, path, _ in p.targets)]
    lines += [f"{t['lang']} sentences {_ids(f['sentences'].get(t['lang'], []))}: "
              f"{_side(t, f['sentences'].get(t['lang'], []))}" for t in texts]
    lines += [f"{f['severity']} {label} (score {float(f['score']):.2f}), drifted: {drifted}: "
              f"{f['message']}",
              f"finding {f.get('id', '')}, fingerprint {f.get('fingerprint', '')}; accept it "
              "with `qa-pipeline baseline update` or the report's review marks"]
    el.text = _clean("\n".join(lines))
    return el


def _failure(p: PairResult, f: Mapping[str, Any]) -> ET.Element:
    if p.nway:
        return _nway_failure(p, f)
    assert p.report is not None
    src, tgt = p.report["source"], p.report["target"]
    where = (f"{_at(*_place(p, f))}: {p.source_lang} sentence {_ids(f['source'])}, "
             f"{p.target_lang} sentence {_ids(f['target'])}")
    label = KIND_LABELS.get(f["kind"], f["kind"])
    el = ET.Element("failure", {
        "type": f"{f['severity']}.{f['kind']}",
        "message": _clean(f"{f['severity']} {label} at {where}: {f['message']}"),
    })
    el.text = _clean("\n".join((
        f"files: {p.source_path} (source), {p.target_path} (target)",
        f"{p.source_lang} sentences {_ids(f['source'])}: {_side(src, f['source'])}",
        f"{p.target_lang} sentences {_ids(f['target'])}: {_side(tgt, f['target'])}",
        f"{f['severity']} {label} (score {float(f['score']):.2f}): {f['message']}",
        f"finding {f.get('id', '')}, fingerprint {f.get('fingerprint', '')}; accept it with "
        "`qa-pipeline baseline update` or the report's review marks",
    )))
    return el


def _testcases(p: PairResult, fail_on: str, seconds: float) -> list[ET.Element]:
    """The pair's testcases: one (passed, or its error), or one per failing finding, named
    by the document and the finding's id (stable across runs) and sharing its time."""
    def case(name: str, time: float, file: str = p.target_path, line: int = 0) -> ET.Element:
        return ET.Element("testcase", {
            "classname": f"qa_pipeline.{p.pair}", "name": _clean(name),
            "file": _clean(file), **({"line": str(line)} if line else {}),
            "time": f"{time:.3f}"})

    if p.report is None:
        one = case(p.document, seconds)
        err = ET.SubElement(one, "error", {"type": "input", "message": _clean(p.error)})
        err.text = _clean(p.error)
        return [one]
    fails = failing(p.report, fail_on)
    if not fails:
        return [case(p.document, seconds)]
    out = []
    for f in fails:
        label = KIND_LABELS.get(f["kind"], f["kind"])
        one = case(f"{p.document}: {f['severity']} {label} [{f.get('id', '')}]",
                   seconds / len(fails), *_place(p, f))
        one.append(_failure(p, f))
        out.append(one)
    return out


def build_junit(out: BatchOutput) -> ET.ElementTree:
    seconds: Mapping[str, float] = out.run.get("pair_seconds", {})
    suites: dict[str, list[ET.Element]] = {}
    for p in out.pairs:
        key = f"{p.folder}"
        suites.setdefault(p.pair, []).extend(_testcases(p, out.fail_on, seconds.get(key, 0.0)))
    for m in out.missing:
        case = ET.Element("testcase", {"classname": "qa_pipeline.missing",
                                       "name": _clean(f"{m.document} ({m.lang})")})
        ET.SubElement(case, "skipped", {"message": _clean(m.message)})
        suites.setdefault("missing", []).append(case)
    root = ET.Element("testsuites", {"name": "qa_pipeline"})
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for name, cases in suites.items():
        counts = {
            "tests": len(cases),
            "failures": sum(len(c.findall("failure")) for c in cases),
            "errors": sum(len(c.findall("error")) for c in cases),
            "skipped": sum(len(c.findall("skipped")) for c in cases),
        }
        suite = ET.SubElement(root, "testsuite", {
            "name": f"qa_pipeline {name}", **{k: str(v) for k, v in counts.items()},
            "time": f"{sum(float(c.get('time', '0')) for c in cases):.3f}",
        })
        suite.extend(cases)
        for k, v in counts.items():
            totals[k] += v
    root.attrib.update({k: str(v) for k, v in totals.items()})
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(out: BatchOutput, path: Path) -> None:
    build_junit(out).write(path, encoding="utf-8", xml_declaration=True)


WRITER = BatchWriterSpec("junit", "junit.xml", write_junit)
