"""The public course page in a real browser (Debian's headless Chromium): what a link shared on
the web shows, at a desktop and a phone width, with its "Buy" and "Open in LMSDesk" links into
the app; a course not in the catalog is a clear 404 page."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from lmsdesk_server.demo.seed import demo_id
from tests.e2e.test_checkout_browser import browser
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the fixture, shared with the checkout test

PAID = demo_id("course:practical-sqlite")


def _look(page: Page, name: str) -> None:
    folder = os.environ.get("LMSDESK_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"browser-{name}.png"), full_page=True)


def test_the_public_course_page_reads_well_and_links_into_the_app(
    live_server: LiveServer, browser: Browser
) -> None:
    page = browser.contexts[0].new_page()
    for width, name in ((1100, "desktop"), (375, "phone")):
        page.set_viewport_size({"width": width, "height": 800})
        shown = page.goto(f"{live_server.url}/courses/{PAID}")
        assert shown is not None
        assert shown.status == 200
        assert page.locator("h1").inner_text() == "Practical SQLite"
        assert "19.99 USD" in page.locator(".price").inner_text()
        buy = page.get_by_role("link", name="Buy in LMSDesk")
        assert buy.get_attribute("href") == f"lmsdesk://course/{PAID}?action=buy"
        opener = page.get_by_role("link", name="Open in LMSDesk")
        assert opener.get_attribute("href") == f"lmsdesk://course/{PAID}"
        text = page.locator("main").inner_text()
        for heading in ("About this course", "Curriculum", "Your instructor"):
            assert heading in text
        # Nothing wider than the screen, the title's top not cut off.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("h1").bounding_box()["y"] >= 0  # type: ignore[index]
        _look(page, f"course-page-{name}")
    missing = page.goto(f"{live_server.url}/courses/{uuid.uuid4()}")
    assert missing is not None
    assert missing.status == 404
    assert "Course not found" in page.locator("h1").inner_text()
