"""Headless Chromium for the web-quiz tests: Playwright for Python driving the system's Chromium
(Debian's ``chromium`` package; Playwright's own browser downloads are never used).

Tests that need it skip with the reason when Chromium or Playwright is missing, except under
``CI=1``, where `.ci/run` installs Chromium and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("QUIZGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs chromium in .ci/run; a missing browser there is a failure)")
    pytest.skip(reason)


def launch() -> Iterator[Any]:
    """A launched browser (for a module-scoped fixture: ``yield from launch()``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Watch:
    """Everything a page did that it should not: requests beyond its own file, script errors."""

    def __init__(self, page: Any) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _request(self, req: Any) -> None:
        self.requests.append(req.url)

    def foreign_requests(self, own: str) -> list[str]:
        return [u for u in self.requests if u != own]


def open_page(browser: Any, url: str, viewport: dict[str, int] = PHONE, **kw: Any) -> tuple[Any, Any, Watch]:
    """A fresh context (own localStorage and downloads) with the page at `url` loaded."""
    ctx = browser.new_context(viewport=viewport, accept_downloads=True, **kw)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(url)
    return ctx, page, watch
