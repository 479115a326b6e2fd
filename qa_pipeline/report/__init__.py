"""The human-facing outputs: HTML drift report, batch index, CSV/XLSX exports, review marks.

View models (view.py) turn the report dict into plain dataclasses; Jinja2 templates shipped
as package data render them with autoescaping on; CSS and JS are inlined so every page works
from file:// with no network.
"""

from qa_pipeline.report.exports import write_exports
from qa_pipeline.report.index_view import ReportSummary, summarize
from qa_pipeline.report.render import IndexEntry, render_html, render_index, write_html, write_index
from qa_pipeline.report.review import REVIEW_SCHEMA, load_review_marks, parse_review_marks
from qa_pipeline.report.view import REPORT_SCHEMA, build_view

__all__ = [
    "REPORT_SCHEMA",
    "REVIEW_SCHEMA",
    "IndexEntry",
    "ReportSummary",
    "build_view",
    "load_review_marks",
    "parse_review_marks",
    "render_html",
    "render_index",
    "summarize",
    "write_exports",
    "write_html",
    "write_index",
]
