"""Screenshots of the main pages of a running portal (`make run`) for README.md.

Usage: .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [docs/screenshots]
"""

from __future__ import annotations

import re
import shutil
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def tracking_paths(base: str) -> list[str]:
    html = urllib.request.urlopen(base + "/").read().decode()
    return re.findall(r'href="(/[a-z0-9-]+/orders/[A-Za-z0-9_-]+)"', html)


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    pages = {"landing": "/", "login": "/login"}
    for index, path in enumerate(tracking_paths(base)[:3]):
        pages["tracking" if index == 0 else f"tracking-{index + 1}"] = path
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for width, suffix in ((1280, "desktop"), (375, "phone")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, path in pages.items():
                page.goto(base + path)
                page.screenshot(path=str(out / f"{name}-{suffix}.png"), full_page=True)
                print(out / f"{name}-{suffix}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
