"""The n-way report in headless Chromium: a column per text, filters per language, and a
click on a finding brings its row into view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qa_pipeline.io.nway_json import validate_nway
from qa_pipeline.report.render import render_nway_html

pytestmark = pytest.mark.browser


def _text(lang: str, n: int) -> dict[str, Any]:
    return {"path": f"{lang}.txt", "lang": lang,
            "sentences": [{"id": i, "paragraph": 0, "text": f"{lang} sentence {i} <b>x</b>"}
                          for i in range(n)]}


def fixture(rows: int = 60) -> dict[str, Any]:
    f = [
        {"kind": "drift", "severity": "major", "score": 0.97, "drifted": "et", "row": 40,
         "sentences": {"en": [40], "et": [40]}, "spans": {"et": [[40, 0, 2]]},
         "message": "et diverges from the source and from lt and lv", "id": "aaaaaaaaaaa1"},
        {"kind": "number", "severity": "critical", "score": 0.9, "drifted": "lv", "row": 5,
         "sentences": {"en": [5], "lv": [5]}, "spans": {"lv": [[5, 3, 11]]},
         "message": "number: the number check fires for lv alone", "id": "aaaaaaaaaaa2"},
        {"kind": "drift", "severity": "minor", "score": 0.8, "drifted": None, "row": 55,
         "sentences": {"en": [55]}, "spans": {},
         "message": "the translations disagree here and no majority exists",
         "id": "aaaaaaaaaaa3"},
    ]
    data = {"schema": "qa_pipeline.nway/1",
            "signature": {"version": "0", "model": "m", "model_revision": "r",
                          "segmenter": "s", "drift_model": "d", "aligner": "a",
                          "thresholds": {"nway_margin": 1.0}},
            "source": _text("en", rows), "translations": [_text(x, rows) for x in
                                                          ("lt", "et", "lv")],
            "rows": [{"source": [i], "cells": {x: [i] for x in ("lt", "et", "lv")}}
                     for i in range(rows)],
            "findings": f}
    validate_nway(data)
    return data


@pytest.fixture()
def page(browser: Any, tmp_path: Path) -> Any:
    path = tmp_path / "nway.html"
    path.write_text(render_nway_html(fixture()), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1400, "height": 600})
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.goto(path.as_uri())
    p.wait_for_selector("html[data-ready='1']")
    p.errors = errors
    yield p
    ctx.close()


def _visible(page: Any, selector: str, attr: str) -> list[str]:
    out: list[str] = page.eval_on_selector_all(
        selector, f"es => es.filter(e => !e.hidden).map(e => e.{attr})")
    return out


def test_one_column_per_text_and_the_drifted_cell_marked(page: Any) -> None:
    heads = page.eval_on_selector_all("table.grid th", "hs => hs.map(h => h.textContent)")
    assert heads == ["#", "Source · en", "Translation · lt", "Translation · et",
                     "Translation · lv"]
    marked = page.eval_on_selector_all(
        "td.cell.drifted", "cs => cs.map(c => c.closest('tr').id + ':' + c.dataset.lang)")
    assert sorted(marked) == ["row-40:et", "row-5:lv"]
    assert page.inner_text("#row-40 td[data-lang=et] mark") == "et"
    # Sentence text is escaped, never markup.
    assert page.eval_on_selector("#row-40 td[data-lang=lt]", "c => c.querySelector('b')") is None
    assert page.errors == []


def test_language_filters(page: Any) -> None:
    assert len(_visible(page, "#findings li.finding", "dataset.row")) == 3
    page.check("input[name=lang][value=et]")
    assert _visible(page, "#findings li.finding", "dataset.row") == ["40"]
    assert _visible(page, "#rows tr.row", "id") == ["row-40"]
    page.check("input[name=lang][value=none]")
    assert _visible(page, "#findings li.finding", "dataset.row") == ["55"]
    page.check("input[name=lang][value=all]")
    page.check("#only-flagged")
    assert _visible(page, "#rows tr.row", "id") == ["row-5", "row-40", "row-55"]
    assert "3 of 60 rows" in page.inner_text("#rowcount")


def test_click_a_finding_goes_to_its_row(page: Any) -> None:
    page.click("#findings li.finding[data-row='40'] a.go")
    assert page.evaluate("() => location.hash") == "#row-40"
    assert page.eval_on_selector("#row-40", "r => r.classList.contains('current')")
    top, bottom, height = page.eval_on_selector(
        "#row-40", "e => { const r = e.getBoundingClientRect(); "
                   "return [r.top, r.bottom, innerHeight]; }")
    assert bottom > 0 and top < height


def test_review_marks_on_nway_findings(page: Any, tmp_path: Path) -> None:
    """Accept / false positive on n-way findings, hidden when reviewed, downloaded as the
    review file `baseline import` reads (the source's path and the first translation's)."""
    import json

    from qa_pipeline.report.review import load_review_marks, review_report_paths

    page.click("#f-n0 button[data-mark=accepted]")
    page.click("#f-n1 button[data-mark=false_positive]")
    assert page.get_attribute("#f-n0 button[data-mark=accepted]", "aria-pressed") == "true"
    assert "2 reviewed" in page.inner_text("#fcount")
    page.check("#hide-reviewed")
    assert [li.get_attribute("id") for li in page.query_selector_all("#findings li.finding")
            if li.is_visible()] == ["f-n2"]
    with page.expect_download() as info:
        page.click("#download")
    path = tmp_path / "marks.json"
    info.value.save_as(path)
    assert load_review_marks(path) == {"aaaaaaaaaaa1": "accepted",
                                       "aaaaaaaaaaa2": "false_positive"}
    assert review_report_paths(json.loads(path.read_text("utf-8"))) == ("en.txt", "lt.txt")
    assert not page.errors
