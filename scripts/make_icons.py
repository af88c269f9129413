"""Render the PNG app icons from the SVG favicon design with Debian's Chromium.

The PNGs are committed; run this again only when the SVGs change:

    .venv/bin/python scripts/make_icons.py

Chromium (through Playwright, already a test dependency) rasterises the SVGs, so no image
library is needed. ``favicon.svg`` (rounded corners, transparent outside) gives the ordinary
icons; ``maskable.svg`` (full bleed) gives the maskable and Apple touch icons, whose corners the
phone rounds itself.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parents[1] / "src/aandacht/web/static/aandacht/icons"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (source SVG, output PNG, size in pixels)
RENDERS = [
    ("favicon.svg", "icon-192.png", 192),
    ("favicon.svg", "icon-512.png", 512),
    ("favicon.svg", "favicon-32.png", 32),
    ("maskable.svg", "maskable-192.png", 192),
    ("maskable.svg", "maskable-512.png", 512),
    ("maskable.svg", "apple-touch-icon.png", 180),
]


def main() -> int:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for source, target, size in RENDERS:
            svg = base64.b64encode((ICONS / source).read_bytes()).decode()
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                '<html><body style="margin:0;background:transparent">'
                f'<img src="data:image/svg+xml;base64,{svg}" width="{size}" height="{size}"'
                ' style="display:block"></body></html>'
            )
            page.screenshot(path=ICONS / target, omit_background=True)
            page.close()
            sys.stdout.write(f"{target} ({size}x{size})\n")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
