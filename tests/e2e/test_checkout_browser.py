"""Buying end to end: the real server on 127.0.0.1 with the test provider, the client's
services, and a real browser (Debian's headless Chromium, driven by Playwright) clicking Pay on
the checkout page. The webhook grants; sync brings the enrollment; a refund takes it away and
the client deletes the course's media."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import OrderStatus
from lmsdesk.services.catalog import CatalogService
from lmsdesk.services.media_library import MediaLibrary
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk_server.demo.seed import demo_id
from tests.fakes import MemoryKeyring
from tests.support.live_server import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e

PAID = demo_id("course:practical-sqlite")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: bash scripts/test.sh installs it"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        assert context.browser is not None
        yield context.browser
        context.close()


def test_buy_in_the_browser_sync_the_enrollment_then_refund_removes_it(
    live_server: LiveServer, browser: Browser, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with httpx.Client(timeout=10) as http:
        service = SessionService(
            data_dir=tmp_path / "client",
            api_for=lambda url: ApiClient(url, http),
            token_store=lambda: KeyringTokenStore(memory_keyring),
        )
        service.sign_in(live_server.url, live_server.create_user(Role.STUDENT), PASSWORD)
        purchases, sync, catalog = (
            PurchaseService(service),
            SyncService(service),
            CatalogService(service),
        )
        sync.sync()
        pending = purchases.start([PAID], "Practical SQLite", "19.99 USD")

        page = browser.contexts[0].new_page()
        page.goto(pending.url)
        assert page.locator("h1").inner_text() == "Practical SQLite"
        assert page.locator("#price").inner_text() == "$19.99"
        assert page.locator("form").count() == 2  # Pay and Cancel, separately
        page.click("#pay")
        page.wait_for_url(f"{live_server.url}/checkout/success?order={pending.order_id}&sig=*")
        assert "Payment received" in page.locator("h1").inner_text()

        assert purchases.check(pending.order_id).status is OrderStatus.COMPLETED
        sync.sync()
        assert [c.title for c in catalog.courses() if c.enrolled] == ["Practical SQLite"]

        assert service.store is not None
        assert service.account_dir is not None
        media = MediaLibrary(service.store, service.account_dir)
        video = media.course_dir(PAID) / "welcome.mp4"
        video.parent.mkdir(parents=True)
        video.write_bytes(b"\0" * 1024)

        live_server.refund(pending.order_id)
        outcome = sync.sync()
        assert str(PAID) in outcome.revoked_courses
        assert [c.title for c in catalog.courses() if c.enrolled] == []
        assert not video.exists()
        assert purchases.history()[0].status is OrderStatus.REFUNDED
        service.store.close()
