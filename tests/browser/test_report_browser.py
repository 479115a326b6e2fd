"""The HTML report in headless Chromium: filters, navigation, review marks, escaping."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qa_pipeline.report import IndexEntry, load_review_marks, write_index

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def visible_rows(page: Any) -> list[str]:
    result: list[str] = page.eval_on_selector_all(
        "#rows .row", "rs => rs.filter(r => !r.hidden).map(r => r.id)")
    return result


def visible_findings(page: Any) -> list[str]:
    result: list[str] = page.eval_on_selector_all(
        "li.finding", "ls => ls.filter(l => !l.hidden).map(l => l.dataset.id)")
    return result


def in_viewport(page: Any, selector: str) -> bool:
    box = page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect();"
                                          " return [r.top, r.bottom, innerHeight]; }")
    top, bottom, height = box
    return bool(bottom > 0 and top < height)


def current_finding(page: Any) -> str | None:
    result: str | None = page.evaluate(
        "() => { const c = document.querySelector('li.finding.current');"
        " return c ? c.dataset.id : null; }")
    return result


def test_loads_without_errors(open_report: Any, report: dict[str, Any]) -> None:
    page, dialogs, errors = open_report(report)
    assert errors == [] and dialogs == []
    assert len(visible_rows(page)) == 11 and len(visible_findings(page)) == 11
    assert page.inner_text("#fcount") == "Showing 11 of 11 findings"


def test_severity_and_kind_filters_change_visible_rows(open_report: Any,
                                                       report: dict[str, Any]) -> None:
    page, _, _ = open_report(report)
    page.uncheck("input[name=sev][value=critical]")
    # "All rows" keeps every row (the text has no holes); the filter thins the findings.
    assert len(visible_rows(page)) == 11 and len(visible_findings(page)) == 8
    # Rows 2 (negation + drift) and 5 (omission) only have critical findings.
    page.check("input[name=mode][value=flagged]")
    assert visible_rows(page) == ["r1", "r3", "r4", "r6", "r7", "r8", "r9", "r10"]
    assert "r2" not in visible_rows(page) and "r5" not in visible_rows(page)
    page.uncheck("input[name=kind][value=url]")
    assert "r3" not in visible_rows(page)
    page.check("input[name=sev][value=critical]")
    page.check("input[name=kind][value=url]")
    assert len(visible_rows(page)) == 11 - 1  # row 0 has no finding


def test_search_box_filters_findings_and_rows(open_report: Any, report: dict[str, Any]) -> None:
    page, _, _ = open_report(report)
    page.fill("#q", "example.org")
    page.wait_for_function("() => document.getElementById('fcount').textContent"
                           ".startsWith('Showing 1 of')")
    assert visible_findings(page) == ["11aa22bb33cc"] and visible_rows(page) == ["r3"]
    page.fill("#q", "kasutusjuhend")  # text of a row without findings
    page.wait_for_function("() => document.getElementById('fcount').textContent"
                           ".startsWith('Showing 0 of')")
    assert visible_rows(page) == ["r0"]


def test_clicking_a_finding_scrolls_to_its_row(open_report: Any, report: dict[str, Any]) -> None:
    page, _, _ = open_report(report, height=420)
    target = "#r10"  # the 2:1 row at the end, far below a 420 px viewport
    assert not in_viewport(page, target)
    page.click("#f-0123456789ab a.go")
    page.wait_for_function(
        "() => document.getElementById('r10').classList.contains('current')")
    assert in_viewport(page, target)
    assert current_finding(page) == "0123456789ab"


def test_strip_chart_click_jumps_to_row(open_report: Any, report: dict[str, Any]) -> None:
    page, _, _ = open_report(report, height=420)
    page.click("#strip rect.tick[data-row='9']", force=True)
    assert in_viewport(page, "#r9")


def test_j_and_k_walk_the_findings(open_report: Any, report: dict[str, Any]) -> None:
    page, _, _ = open_report(report, height=420)
    order = visible_findings(page)
    page.keyboard.press("j")
    assert current_finding(page) == order[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current_finding(page) == order[2]
    page.keyboard.press("k")
    assert current_finding(page) == order[1]
    row = page.get_attribute(f"#f-{order[1]}", "data-row")
    assert in_viewport(page, f"#r{row}")
    # j skips filtered-out findings, and works right after clicking a filter checkbox.
    page.uncheck("input[name=sev][value=major]")
    page.keyboard.press("j")
    nxt = current_finding(page)
    assert nxt is not None and page.get_attribute(f"#f-{nxt}", "data-sev") != "major"
    # Typing in the search box does not navigate.
    page.focus("#q")
    page.keyboard.press("j")
    assert current_finding(page) == nxt


def test_review_marks_download_as_valid_json(open_report: Any, report: dict[str, Any],
                                             tmp_path: Path) -> None:
    page, _, _ = open_report(report)
    page.click("#f-a1b2c3d4e5f6 button[data-mark=accepted]")
    page.click("#f-0f1e2d3c4b5a button[data-mark=false_positive]")
    page.click("#f-11aa22bb33cc button[data-mark=accepted]")
    page.click("#f-11aa22bb33cc button[data-mark=accepted]")  # second click clears
    page.keyboard.press("j")  # keyboard marking: the first finding, via `f`
    page.keyboard.press("f")
    first = visible_findings(page)[0]
    assert page.get_attribute("#f-a1b2c3d4e5f6 button[data-mark=accepted]",
                              "aria-pressed") == "true"
    with page.expect_download() as info:
        page.click("#download")
    path = tmp_path / "marks.json"
    info.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "qa_pipeline.review/1"
    assert data["report"] == {"source": report["source"]["path"],
                              "target": report["target"]["path"]}
    assert load_review_marks(path) == {"a1b2c3d4e5f6": "accepted",
                                       "0f1e2d3c4b5a": "false_positive",
                                       first: "false_positive"}
    # Named by the document folder and both files: in a batch every source is lt.txt.
    src = Path(report["source"]["path"])
    folder = f"{src.parent.name}." if src.parent.name else ""
    name = info.value.suggested_filename  # the browser replaces characters unsafe in names
    prefix = re.sub(r'["<>:|?*\\/]', "_", f"{folder}{src.stem}-")
    assert name.startswith(prefix) and name.endswith(".review.json"), name
    assert len(name) > len(f"{folder}{src.stem}-.review.json")  # the target's stem too
    page.check("#hide-reviewed")
    assert len(visible_findings(page)) == 8


def test_review_marks_can_be_loaded_back(open_report: Any, report: dict[str, Any],
                                         tmp_path: Path) -> None:
    marks = tmp_path / "in.review.json"
    marks.write_text(json.dumps({"schema": "qa_pipeline.review/1",
                                 "report": {"source": "x", "target": "y"},
                                 "marks": {"77ab88cd99ef": "accepted",
                                           "ffffffffffff": "accepted"}}), encoding="utf-8")
    page, _, _ = open_report(report)
    page.set_input_files("#load", str(marks))
    page.wait_for_selector("#f-77ab88cd99ef[data-mark=accepted]")
    assert "loaded 1 marks" in page.inner_text("#fcount")


def test_hostile_document_text_shows_literally(open_report: Any,
                                               report: dict[str, Any]) -> None:
    report["source"]["sentences"][0]["text"] = (
        "<script>window.pwned=1;alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }}")
    report["findings"][0]["message"] = "<img src=x onerror=alert(2)> {{ 7*7 }}"
    page, dialogs, errors = open_report(report)
    page.wait_for_timeout(300)  # give a failed image's onerror the chance to fire
    assert dialogs == []
    assert page.evaluate("() => window.pwned") is None
    assert page.locator("#rows img, #rows script, #findings img").count() == 0
    src = page.inner_text("#r0 .src")
    assert "<script>window.pwned=1;alert(1)</script>" in src
    assert "<img src=x onerror=alert(1)>" in src and "{{ 7*7 }}" in src
    assert "<img src=x onerror=alert(2)> {{ 7*7 }}" in page.text_content("#f-a1b2c3d4e5f6") or ""
    fixture_row = page.inner_text("#r7 .src")
    assert "<script>alert(1)</script>" in fixture_row
    assert "49" not in page.inner_text("body")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_index_page_sorts_and_links(browser: Any, report: dict[str, Any],
                                    tmp_path: Path) -> None:
    clean = json.loads(json.dumps(report))
    clean["findings"] = []
    write_index([IndexEntry("b-clean", clean, "b/report.html"),
                 IndexEntry("a-flagged", report, "a/report.html")], tmp_path / "index.html")
    page = browser.new_page()
    try:
        page.goto((tmp_path / "index.html").as_uri())
        page.wait_for_selector("html[data-ready='1']")

        def names() -> list[str]:
            result: list[str] = page.eval_on_selector_all(
                "#index tbody tr", "rs => rs.map(r => r.cells[0].textContent)")
            return result

        assert names() == ["a-flagged", "b-clean"]  # worst first
        page.click("#index th:nth-child(1) button")
        assert names() == ["a-flagged", "b-clean"]
        page.click("#index th:nth-child(1) button")
        assert names() == ["b-clean", "a-flagged"]
        page.click("#index th:nth-child(7) button")  # total, descending first
        assert names() == ["a-flagged", "b-clean"]
        assert page.get_attribute("#index tbody tr:first-child a", "href") == "a/report.html"
    finally:
        page.close()


def test_screenshot_script(tmp_path: Path, report: dict[str, Any]) -> None:
    from qa_pipeline.report import write_html

    html, png = tmp_path / "r.html", tmp_path / "shot.png"
    write_html(report, html)
    subprocess.run([sys.executable, str(ROOT / "bench" / "screenshot.py"), str(html), str(png)],
                   check=True, capture_output=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_next_after_marking_a_hidden_finding_goes_on(open_report: Any,
                                                    report: dict[str, Any]) -> None:
    """With "Hide reviewed", a (accept) hides the current finding; j goes to the one after
    it, not back to the first."""
    page, _, _ = open_report(report)
    page.check("#hide-reviewed")
    page.click("body")
    for _ in range(3):
        page.keyboard.press("j")
    third = visible_findings(page)[2]
    page.keyboard.press("a")
    assert third not in visible_findings(page)
    page.keyboard.press("j")
    current = page.eval_on_selector("#findings li.current", "li => li.dataset.id")
    assert current == visible_findings(page)[2]  # the one after the marked one


def test_search_ignores_diacritics(open_report: Any, report: dict[str, Any]) -> None:
    page, _, _ = open_report(report)
    texts = [s["text"] for s in report["target"]["sentences"]]
    word = next(w for t in texts for w in t.split() if any(c in "õäöüšž" for c in w))
    plain = word.translate(str.maketrans("õäöüšž", "oaousz")).strip(".,;:!?")
    page.fill("#q", plain)
    page.wait_for_function("() => document.getElementById('rowcount').textContent"
                           ".indexOf(' of ') > 0")
    page.wait_for_timeout(300)
    assert any(word.strip(".,;:!?") in page.inner_text(f"#{r}") for r in visible_rows(page))


def test_a_span_shared_by_findings_selects_each_in_turn(open_report: Any,
                                                         report: dict[str, Any]) -> None:
    page, _, _ = open_report(report)
    shared = page.query_selector_all("#rows mark[data-f*=' ']")
    if not shared:
        pytest.skip("the fixture has no span shared by two findings")
    ids = shared[0].get_attribute("data-f").split(" ")
    picked = []
    for _ in ids:
        shared[0].click()
        picked.append(page.eval_on_selector("#findings li.current", "li => li.dataset.id"))
    assert sorted(picked) == sorted(ids)


def test_single_key_shortcuts_can_be_turned_off(open_report: Any, report: dict[str, Any]) -> None:
    page, _, errors = open_report(report)
    page.uncheck("#keys-on")
    page.keyboard.press("j")
    assert current_finding(page) is None
    # The choice holds for the next report opened in this browser.
    again = page.context.new_page()
    again.goto(page.url)
    again.wait_for_selector("html[data-ready='1']")
    assert not again.is_checked("#keys-on")
    again.check("#keys-on")
    again.keyboard.press("j")
    assert current_finding(again) == visible_findings(again)[0]
    assert errors == []


def test_narrow_window_keeps_the_findings_in_view(open_report: Any,
                                                 report: dict[str, Any]) -> None:
    """At 800 px the findings sit above the text; a clicked finding's row comes into view
    below them, and the finding itself stays in view to go on from."""
    page, _, errors = open_report(report, height=700, width=800)
    page.evaluate("() => window.scrollTo(0, document.getElementById('doc').offsetTop)")
    finding = "#f-0123456789ab"
    page.eval_on_selector(finding, "e => e.scrollIntoView({block: 'nearest'})")
    page.click(f"{finding} a.go")
    page.wait_for_function(
        "() => document.getElementById('r10').classList.contains('current')")
    panel_bottom, row_top, row_bottom, li_top, li_bottom, height = page.evaluate(
        "() => { const a = document.getElementById('panel').getBoundingClientRect();"
        " const r = document.getElementById('r10').getBoundingClientRect();"
        " const f = document.getElementById('f-0123456789ab').getBoundingClientRect();"
        " return [a.bottom, r.top, r.bottom, f.top, f.bottom, innerHeight]; }")
    assert panel_bottom <= 0.5 * height  # the panel takes under half the window
    assert panel_bottom <= row_top and row_bottom <= height  # the row below the panel
    assert li_top >= 0 and li_bottom <= panel_bottom  # the finding still in view
    assert errors == []
