"""Screenshots of pages at desktop and phone widths, failing on a page that scrolls sideways."""

from __future__ import annotations

from pathlib import Path

WIDTHS = (1280, 375)


def screenshot_at_widths(page, base_url: str, pages: dict[str, str], artifacts_dir: Path) -> None:
    """Save `<name>-<width>.png` of each named path at each of WIDTHS, asserting that no page
    is wider than the window."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(base_url + path)
            page.screenshot(path=str(artifacts_dir / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{name} scrolls sideways at {width}px"
