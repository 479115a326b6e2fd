"""The accepted-findings baseline: `corpora/qa-baseline.json`, what CI no longer fails on.

Format (schema ``qa_pipeline.baseline/1``)::

    {"schema": "qa_pipeline.baseline/1",
     "entries": [{"document": "customer-loyalty", "pair": "lt-et", "kind": "drift",
                  "fingerprint": "<20 hex>", "state": "accepted" | "false_positive",
                  "source": "<excerpt>", "target": "<excerpt>"}, ...]}

An entry is keyed by (document, pair, fingerprint); the fingerprint is the finding's kind and
the normalised text of its bead's two sides (`detect.findings.fingerprint`), so inserting or
editing other sentences keeps it, editing the flagged sentence drops it. The excerpts are
for the person reading the baseline's diff in review; matching never uses them. Entries are
written sorted, so the file diffs cleanly.

Updates read the reports of the last batch run (summary.json and each pair's report.json),
never the model: `baseline` commands stay quick and never import torch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .config import BASELINE_SCHEMA, NWAY_SCHEMA, SUMMARY_SCHEMA
from .errors import ConfigError, InputError, OutputError

STATES: tuple[str, ...] = ("accepted", "false_positive")
EXCERPT_CHARS = 120


@dataclass(frozen=True, order=True)
class BaselineEntry:
    document: str
    pair: str  # "<src>-<tgt>"
    fingerprint: str
    kind: str
    state: str = "accepted"
    source: str = ""
    target: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.document, self.pair, self.fingerprint)


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()

    def accepted(self, document: str, pair: str, nway_source: str = "") -> frozenset[str]:
        """The fingerprints accepted for one document pair. For an n-way check from
        `nway_source`, also those accepted under the document's other n-way labels from that
        source: an n-way fingerprint is the blamed translation's own text, so adding or
        dropping a translation ("en-lt+lv" -> "en-lt+et+lv") keeps what was accepted."""
        return frozenset(e.fingerprint for e in self.entries if e.document == document and (
            e.pair == pair or (nway_source and _nway_label_of(e.pair, nway_source))))

    def merged(self, new: Iterable[BaselineEntry]) -> Baseline:
        """This baseline plus `new` entries; an existing entry keeps its state."""
        table = {e.key: e for e in new}
        table.update({e.key: e for e in self.entries})
        return Baseline(tuple(sorted(table.values())))


def _nway_label_of(pair: str, source: str) -> bool:
    """Whether `pair` is an n-way label ("en-lt+et") from `source`."""
    return pair.startswith(f"{source}-") and "+" in pair[len(source) + 1:]


def _label_langs(pair: str, source: str) -> frozenset[str]:
    """The translations of an n-way label from `source`: "en-lt+et+lv" -> {lt, et, lv}."""
    return frozenset(pair[len(source) + 1:].split("+"))


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_baseline(path: Path) -> Baseline:
    """The baseline at `path`; an empty one when the file does not exist."""
    if not path.exists():
        return Baseline()
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))  # a BOM from a Windows editor
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot read the baseline ({e}); fix or delete it and run "
                         "`qa-pipeline baseline update`") from e
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
        raise InputError(f"{path}: not a {BASELINE_SCHEMA} file")
    raw_entries = data.get("entries", [])
    if not isinstance(raw_entries, list):
        raise InputError(f"{path}: 'entries' is not a list")
    entries = []
    for i, raw in enumerate(raw_entries):
        try:
            entry = BaselineEntry(**{k: str(raw[k]) for k in ("document", "pair", "fingerprint",
                                                              "kind")},
                                  state=str(raw.get("state", "accepted")),
                                  source=str(raw.get("source", "")),
                                  target=str(raw.get("target", "")))
        except (KeyError, TypeError) as err:
            what = f"lacks {err}" if isinstance(err, KeyError) else "is not an object"
            raise InputError(f"{path}: entry {i} {what}") from None
        if entry.state not in STATES:
            raise InputError(f"{path}: entry {i} has state {entry.state!r}; expected one of "
                             f"{', '.join(STATES)}")
        entries.append(entry)
    return Baseline(tuple(sorted(entries)))


def write_baseline(baseline: Baseline, path: Path) -> None:
    from .io.json_report import write_json

    data = {"schema": BASELINE_SCHEMA,
            "entries": [{"document": e.document, "pair": e.pair, "kind": e.kind,
                         "fingerprint": e.fingerprint, "state": e.state,
                         "source": e.source, "target": e.target}
                        for e in sorted(baseline.entries)]}
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write_json(data, tmp)
        tmp.replace(path)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the baseline ({e.strerror})") from None


def _side(doc: Mapping[str, Any], ids: Iterable[int]) -> str:
    return " ".join(str(doc["sentences"][i]["text"]) for i in ids)


def _nway_excerpts(report: Mapping[str, Any], finding: Mapping[str, Any]) -> tuple[str, str]:
    """An n-way finding's row: the source's text, and the drifted translation's (every
    translation's, labelled, when none is named)."""
    ids = finding["sentences"]
    texts = {t["lang"]: t for t in report["translations"]}
    src = report["source"]
    source = _side(src, ids.get(src["lang"], [])) if src else ""
    if finding.get("drifted"):
        return source, _side(texts[finding["drifted"]], ids.get(finding["drifted"], []))
    return source, " | ".join(f"{lang}: {_side(t, ids.get(lang, []))}"
                              for lang, t in texts.items())


def entry_for(document: str, pair: str, report: Mapping[str, Any],
              finding: Mapping[str, Any], state: str = "accepted") -> BaselineEntry:
    if report.get("schema") == NWAY_SCHEMA:
        source, target = _nway_excerpts(report, finding)
        return BaselineEntry(document=document, pair=pair,
                             fingerprint=str(finding["fingerprint"]), kind=str(finding["kind"]),
                             state=state, source=_excerpt(source), target=_excerpt(target))
    return BaselineEntry(
        document=document, pair=pair, fingerprint=str(finding["fingerprint"]),
        kind=str(finding["kind"]), state=state,
        source=_excerpt(_side(report["source"], finding["source"])),
        target=_excerpt(_side(report["target"], finding["target"])),
    )


@dataclass(frozen=True)
class ReportedPair:
    """A pair of the last batch run, read back from its reports folder."""

    document: str
    pair: str
    source: str
    target: str
    report: Mapping[str, Any]


@dataclass(frozen=True)
class BatchRun:
    """What `read_reports` read back: the pairs the run checked, and (document, pair, error)
    of each pair it could not check."""

    pairs: tuple[ReportedPair, ...]
    unchecked: tuple[tuple[str, str, str], ...]


def _check_report(report: Any, path: Path, nway: bool) -> None:
    """A report the summary points at must be one (a pair's or an n-way check's), or its
    findings cannot be read: the first problem, in one line."""
    from .io.json_report import schema_problem

    problem = schema_problem(report, "nway.schema.json" if nway else "report.schema.json")
    if problem:
        raise InputError(f"{path}: not a qa_pipeline report ({problem}); run "
                         "`qa-pipeline batch` again first")


def read_reports(reports: Path, corpora: Path | None = None) -> BatchRun:
    """Every processed pair of the batch run in `reports` (summary.json + report.json), and
    the pairs it could not check. With `corpora`, refuse reports made from other text than the
    files there now."""
    summary_path = reports / "summary.json"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except OSError:
        raise InputError(f"{summary_path}: no batch summary; give the batch run's reports "
                         f"folder with --reports DIR, or run `qa-pipeline batch` with --out "
                         f"{reports} first") from None
    except ValueError as e:
        raise InputError(f"{summary_path}: not valid JSON ({e})") from None
    not_a_summary = InputError(f"{summary_path}: not a batch summary ({SUMMARY_SCHEMA}); run "
                               f"`qa-pipeline batch` with --out {reports} first")
    if not isinstance(summary, dict) or summary.get("schema") != SUMMARY_SCHEMA:
        raise not_a_summary
    pairs = summary.get("pairs", [])
    if not isinstance(pairs, list):
        raise not_a_summary
    out = []
    unchecked = []
    for p in pairs:
        if not isinstance(p, dict):
            raise not_a_summary
        if p.get("report") is None:
            if p.get("error"):
                unchecked.append((str(p.get("document")),
                                  f"{p.get('source_lang')}-{p.get('target_lang')}",
                                  str(p["error"])))
            continue
        try:
            files = [(p[side], p[f"{side}_sha256"]) for side in ("source", "target")]
            files += [(t["path"], t["sha256"]) for t in p.get("targets", [])]  # n-way
            document, pair = p["document"], f"{p['source_lang']}-{p['target_lang']}"
            report_path = reports / p["report"]
        except (KeyError, TypeError):
            raise not_a_summary from None
        if corpora is not None and not (corpora / document).is_dir():
            raise InputError(f"{summary_path}: the batch run checked a document '{document}' "
                             f"that {corpora} does not hold; give the corpus folder that run "
                             f"read, or run `qa-pipeline batch {corpora}` first")
        for name, sha in files:
            if corpora is None:
                continue
            # Found in the corpus, not at the path as the batch run typed it: that path is
            # relative to wherever the run started, which need not be here.
            path = corpora / document / Path(name).name
            if not path.is_file():
                raise InputError(f"{path}: gone since {reports} was written; run "
                                 f"`qa-pipeline batch` again first")
            if sha256_file(path) != sha:
                raise InputError(f"{path}: changed since {reports} was written; run "
                                 f"`qa-pipeline batch` again first")
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(f"{report_path}: cannot read ({e})") from None
        _check_report(report, report_path, nway="targets" in p)
        out.append(ReportedPair(document, pair, p["source"], p["target"], report))
    return BatchRun(tuple(out), tuple(unchecked))


def update(baseline: Baseline, reported: Iterable[ReportedPair], prune: bool = False,
           gone: Collection[str] = ()) -> tuple[Baseline, list[BaselineEntry],
                                                list[BaselineEntry]]:
    """Accept every finding the reports show. Returns (new baseline, added, stale): stale
    entries are no longer produced; they are kept unless `prune`. Only a document pair the
    reports checked can have stale entries (one that failed, lacked a file or was left out of
    the run says nothing of its findings), and every entry of a document in `gone` (its
    folder no longer in the corpus) is stale."""
    reported = list(reported)
    checked = {(r.document, r.pair) for r in reported}
    # An n-way check of a document also judges its entries under an earlier n-way label from
    # the same source whose translations it all had (one was added since); not those of a
    # label with a translation this run lacked (dropped, or missing for now).
    nway_checked = [(r.document, src, _label_langs(r.pair, src)) for r in reported
                    if r.report.get("schema") == NWAY_SCHEMA and r.report.get("source")
                    for src in [str(r.report["source"]["lang"])]]
    # {(document, source language): the targets it was checked against pairwise}
    pairwise: dict[tuple[str, str], frozenset[str]] = {}
    for r in reported:
        if r.report.get("schema") != NWAY_SCHEMA:
            key = (r.document, str(r.report["source"]["lang"]))
            pairwise[key] = pairwise.get(key, frozenset()) | {str(r.report["target"]["lang"])}
    produced = [entry_for(r.document, r.pair, r.report, f) for r in reported
                for f in r.report["findings"]]
    # A finding carried to a new label keeps the state a reviewer gave it under the old one.
    states = {(e.document, e.fingerprint): e.state for e in baseline.entries}
    produced = [replace(e, state=states.get((e.document, e.fingerprint), e.state))
                for e in produced]
    have = {e.key for e in baseline.entries}
    now = {e.key for e in produced}
    added = [e for e in produced if e.key not in have]

    def judged(e: BaselineEntry) -> bool:
        """Whether this run judged the entry's pair of texts, under its label or another:
        an n-way check judges each pair from its source it holds (and an earlier n-way
        label whose translations it all had), pairwise checks of every translation an n-way
        label names judge that label (the corpus switched between n-way and pairwise)."""
        if (e.document, e.pair) in checked or e.document in gone:
            return True
        for d, src, langs in nway_checked:
            if d != e.document or not e.pair.startswith(f"{src}-"):
                continue
            if _label_langs(e.pair, src) <= langs:  # "lt-et" or "lt-et+lv" within it
                return True
        return any(d == e.document and _nway_label_of(e.pair, src)
                   and _label_langs(e.pair, src) <= pairwise.get((d, src), frozenset())
                   for d, src in pairwise)

    stale = [e for e in baseline.entries if e.key not in now and judged(e)]
    merged = baseline.merged(produced)
    if prune:
        drop = {e.key for e in stale}
        merged = Baseline(tuple(e for e in merged.entries if e.key not in drop))
    return merged, added, stale


def import_marks(baseline: Baseline, marks: Mapping[str, str], source: str, target: str,
                 reported: Iterable[ReportedPair]) -> tuple[Baseline, list[BaselineEntry]]:
    """Fold in review marks ({finding id: state}) made on the report of (source, target).
    Either state means: do not fail CI on it again; the state is kept for the record."""
    def same(a: str, b: str) -> bool:
        """The same file: as typed, resolved, or by its document folder and name (the marks
        and the batch may have named it from different folders)."""
        pa, pb = Path(a), Path(b)
        return a == b or pa.resolve() == pb.resolve() or (
            pa.name == pb.name and pa.parent.name == pb.parent.name != "")

    match = [r for r in reported if same(r.source, source) and same(r.target, target)]
    if not match:
        raise ConfigError(f"the marks are for {source} + {target}, which the batch reports "
                          "do not include; run `qa-pipeline batch` on that corpus first")
    r = match[0]
    by_id = {str(f["id"]): f for f in r.report["findings"]}
    unknown = sorted(set(marks) - set(by_id))
    if unknown:
        raise InputError(f"finding(s) {', '.join(unknown)} are not in the current report of "
                         f"{target}; the text changed since the marks were made")
    new = [entry_for(r.document, r.pair, r.report, by_id[fid], state)
           for fid, state in sorted(marks.items())]
    table = {e.key: e for e in baseline.entries}
    table.update({e.key: e for e in new})  # the reviewer's latest mark wins
    return Baseline(tuple(sorted(table.values()))), new
