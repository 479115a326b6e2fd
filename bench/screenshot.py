"""Screenshot an HTML report with Playwright driving Debian's Chromium.

Usage: python bench/screenshot.py REPORT_HTML OUT_PNG [--width 1440] [--height 900] [--full]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# No GPU, sandbox or background services in containers and CI; nothing may reach the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def screenshot(html: Path, out: Path, width: int = 1440, height: int = 900,
               full_page: bool = False) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height},
                                    device_scale_factor=1)
            page.goto(html.resolve().as_uri())
            page.wait_for_selector("html[data-ready='1']")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=full_page)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--full", action="store_true", help="capture the whole page")
    args = ap.parse_args(argv)
    if not args.html.is_file():
        print(f"{args.html}: no such file; render the report first", file=sys.stderr)
        return 2
    screenshot(args.html, args.out, args.width, args.height, args.full)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
