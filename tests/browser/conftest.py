"""Real-browser fixtures: Playwright for Python driving Debian's Chromium (no browser download).

Skipped only on a developer machine without /usr/bin/chromium; with CI set they must run
(the Makefile's `browser` target installs chromium with apt).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIXTURE = Path(__file__).resolve().parents[1] / "data" / "report" / "fixture_report.json"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (run `make browser`)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture()
def report() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture()
def open_report(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Render a report dict to a file and open it from file:// in a fresh context.

    Returns (page, dialogs, errors): dialogs opened (alert etc.) and page errors, so tests
    can assert that no injected script ran.
    """
    contexts: list[Any] = []

    def _open(report: dict[str, Any], height: int = 700,
              width: int = 1400) -> tuple[Any, list[str], list[str]]:
        from qa_pipeline.report import write_html

        path = tmp_path / f"report{len(contexts)}.html"
        write_html(report, path)
        ctx = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
        contexts.append(ctx)
        page = ctx.new_page()
        dialogs: list[str] = []
        errors: list[str] = []

        def on_dialog(d: Any) -> None:
            dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-ready='1']")
        return page, dialogs, errors

    yield _open
    for ctx in contexts:
        ctx.close()
