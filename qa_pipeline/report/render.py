"""Render view models to self-contained HTML files (CSS and JS inline, no network)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from qa_pipeline import __version__
from qa_pipeline.report.index_view import IndexRowView, ReportSummary, index_row, summarize
from qa_pipeline.report.output import BatchOutput, BatchWriterSpec, WriterSpec
from qa_pipeline.report.view import build_view


@dataclass(frozen=True)
class IndexEntry:
    """One document pair in the batch index.

    `report` is the report dict (summarised here) or a ready ReportSummary; None with an
    `error` message lists a pair the pipeline could not process.
    """

    name: str
    report: Mapping[str, Any] | ReportSummary | None
    href: str
    error: str = ""
    warning: str = ""  # e.g. a language missing from the document's folder


@lru_cache(maxsize=1)
def _env() -> Environment:
    # Built on first use, not at import: importing the package must stay free of side effects.
    return Environment(
        loader=PackageLoader("qa_pipeline.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def static_text(name: str) -> str:
    text = resources.files("qa_pipeline.report").joinpath("static", name).read_text("utf-8")
    # Inlined assets must not be able to close their own element early.
    if "</" in text:
        raise ValueError(f"static/{name} contains '</', which would break inlining")
    return text


def _csp(script: str) -> str:
    """Only the page's own script may run (by hash): injected markup could not run code even
    if escaping failed somewhere, and no request can leave the page."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; "
            f"script-src 'sha256-{digest}'; "
            "style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def _html_chunks(report: Mapping[str, Any], index: str = "",
                 checked: bool = False) -> Iterator[str]:
    view = build_view(report, checked)
    js = static_text("marks.js") + "\n" + static_text("report.js")
    return _env().get_template("report.html.j2").generate(
        v=view, css=Markup(static_text("report.css")), js=Markup(js), csp=_csp(js),
        index=index)


def render_html(report: Mapping[str, Any], index: str = "") -> str:
    """The report page as a string (pure; the golden tests read it). `index`: the batch
    index's address relative to the page, for a link back to it ("" outside a batch)."""
    return "".join(_html_chunks(report, index))


def write_html(report: Mapping[str, Any], path: Path, index: str = "",
               checked: bool = False) -> None:
    """Write the self-contained HTML report for one document pair, streamed from the template
    (the same text as `render_html`, never held whole in memory)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.writelines(_html_chunks(report, index, checked))


WRITER = WriterSpec("html", "report.html",
                    lambda out, path: write_html(out.data, path, out.index, out.checked))


def render_nway_html(report: Mapping[str, Any], index: str = "") -> str:
    """The n-way report page (one column per text) as a string."""
    from qa_pipeline.report.nway_view import build_nway_view

    js = static_text("marks.js") + "\n" + static_text("nway.js")
    css = static_text("report.css") + "\n" + static_text("nway.css")
    return _env().get_template("nway.html.j2").render(
        v=build_nway_view(report), css=Markup(css), js=Markup(js), csp=_csp(js), index=index)


def _index_row(entry: IndexEntry) -> IndexRowView:
    if entry.report is None and entry.warning:
        return index_row(entry.name, entry.href, None, warning=entry.warning)
    if entry.report is None:
        return index_row(entry.name, entry.href, None, entry.error or "no report")
    summary = entry.report if isinstance(entry.report, ReportSummary) else summarize(entry.report)
    return index_row(entry.name, entry.href, summary, entry.error)


def render_index(entries: Sequence[IndexEntry], title: str = "Translation drift reports",
                 gate: str = "") -> str:
    """The batch index page; `gate` is the run's verdict line (pass / fail and why)."""
    rows = sorted((_index_row(e) for e in entries),
                  key=lambda r: (r.worst_rank, -r.critical, -r.major, -r.minor, r.name))
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("critical", "major", "minor")}
    counts = {"pairs": sum(not r.warning for r in rows), "failed": sum(bool(r.error) for r in rows),
              "missing": sum(bool(r.warning) for r in rows)}
    js = static_text("index.js")
    css = static_text("report.css") + "\n" + static_text("index.css")
    return _env().get_template("index.html.j2").render(
        rows=rows, totals=totals, counts=counts, gate=gate, title=title, version=__version__,
        css=Markup(css), js=Markup(js), csp=_csp(js))


def write_index(entries: Sequence[IndexEntry], path: Path,
                title: str = "Translation drift reports", gate: str = "") -> None:
    """Write the batch index page; rows start sorted worst first."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_index(entries, title, gate), encoding="utf-8")


def gate_line(out: BatchOutput) -> str:
    """The run's verdict as the gate reads it: what fails, what is accepted."""
    t = out.summary["totals"]
    verdict = "FAIL" if out.summary["status"] == "fail" else "PASS"
    fails = ("fail_on none: no finding fails the gate" if out.fail_on == "none" else
             f"{t['failing']} new finding{'s' if t['failing'] != 1 else ''} at or above "
             f"{out.fail_on}")
    parts = [fails, f"{t['new']} new in all", f"{t['baselined']} accepted"]
    if t["errors"]:
        parts.append(f"{t['errors']} pair{'s' if t['errors'] != 1 else ''} not checked")
    return f"Gate: {verdict} · " + " · ".join(parts)


def batch_index_entries(out: BatchOutput) -> list[IndexEntry]:
    """The index rows of a batch: one per document pair, one per missing language. Links are
    percent-encoded (a folder may be called `a#b` or `50%`)."""
    from urllib.parse import quote

    from qa_pipeline.report.nway_view import summarize_nway

    # Only a written report is linked: a pair that failed and a missing language have none.
    entries = [IndexEntry(name=p.document,
                          report=(summarize_nway(p.report) if p.nway and p.report is not None
                                  else p.report),
                          href=quote(f"{p.folder}/report.html") if p.report is not None else "",
                          error=p.error)
               for p in out.pairs]
    entries += [IndexEntry(name=m.document, report=None, href="", warning=m.message)
                for m in out.missing]
    return entries


INDEX_WRITER = BatchWriterSpec(
    "index", "index.html",
    lambda out, path: write_index(batch_index_entries(out), path, gate=gate_line(out)))
