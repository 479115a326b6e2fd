"""Rendered HTML: golden files (volatile text scrubbed), escaping, self-containment.

Refresh the gold files after an intended change with `make update-gold`
(runs these tests with UPDATE_GOLD=1, which rewrites them) and review the diff.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from qa_pipeline.report import IndexEntry, render_html, render_index, summarize, write_html

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
FIXTURE = DATA / "fixture_report.json"


def load_fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def scrub(html: str) -> str:
    """Drop what changes without the markup changing: inlined assets, their hash, versions."""
    html = re.sub(r"<style>.*?</style>", "<style>/* scrubbed */</style>", html, flags=re.S)
    html = re.sub(r"<script>.*?</script>", "<script>/* scrubbed */</script>", html, flags=re.S)
    html = re.sub(r"sha256-[A-Za-z0-9+/=]+", "sha256-SCRUBBED", html)
    return re.sub(r"qa_pipeline \d+\.\d+\.\d+\S*\"", 'qa_pipeline X.Y.Z"', html)


def check_gold(actual: str, gold: Path) -> None:
    if os.environ.get("UPDATE_GOLD") == "1":
        gold.write_text(actual, encoding="utf-8")
    expected = gold.read_text(encoding="utf-8")
    assert actual == expected, f"{gold.name} differs; if intended, run `make update-gold`"


def index_entries() -> list[IndexEntry]:
    report = load_fixture()
    clean = json.loads(json.dumps(report))
    clean["findings"] = []
    clean["source"]["path"] = "clean/a.lt.txt"
    return [
        IndexEntry("clean pair", clean, "clean/report.html"),
        IndexEntry('guide & "notes" <pair>', report, "guide/report.html"),
        IndexEntry("broken pair", None, "broken/", error="input: empty file <x>"),
    ]


def test_golden_report_html() -> None:
    check_gold(scrub(render_html(load_fixture())), DATA / "fixture_report.gold.html")


def test_golden_index_html() -> None:
    check_gold(scrub(render_index(index_entries())), DATA / "index.gold.html")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def page() -> _Collect:
    parser = _Collect()
    parser.feed(render_html(load_fixture()))
    return parser


def test_document_text_is_escaped() -> None:
    html = render_html(load_fixture())
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html
    assert "&lt;b&gt;&#34;ning ka allpool&#34;&lt;/b&gt;" in html  # message text
    assert 'data-source="fixtures/guide &amp; &#34;notes&#34;.lt.txt"' in html


def test_only_the_report_script_and_no_external_resources(page: _Collect) -> None:
    names = [t for t, _ in page.tags]
    assert names.count("script") == 1 and "img" not in names and "link" not in names
    assert "iframe" not in names and "object" not in names
    for _, attrs in page.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not re.match(r"^[a-z]+:", value), value  # no http:, data:, javascript: ...
        assert not any(k.startswith("on") for k in attrs)  # no inline event handlers


def test_csp_allows_exactly_the_inline_script(page: _Collect) -> None:
    csp = next(a["content"] for t, a in page.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256("".join(page.scripts).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_every_finding_links_to_an_existing_row(page: _Collect) -> None:
    ids = {a.get("id") for _, a in page.tags}
    links = [a["href"] for t, a in page.tags
             if t == "a" and "go" in (a.get("class") or "") and a.get("href")]
    assert len(links) == 11
    assert all(h is not None and h[1:] in ids for h in links)


def test_write_html_creates_parent_dirs(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "report.html"
    write_html(load_fixture(), out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_index_sorted_worst_first_and_escaped() -> None:
    html = render_index(index_entries())
    assert html.index("broken pair") < html.index("guide &amp;") < html.index("clean pair")
    assert "input: empty file &lt;x&gt;" in html
    assert 'href="guide/report.html"' in html


def test_index_accepts_a_precomputed_summary() -> None:
    summary = summarize(load_fixture())
    html = render_index([IndexEntry("pair", summary, "pair/report.html")])
    assert ">Omission<" in html and 'data-v="11"' in html
