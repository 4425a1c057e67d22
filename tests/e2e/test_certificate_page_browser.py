"""A certificate checked by anyone, in a real browser (Debian's headless Chromium): a student
finishes the free demo course, the certificate arrives by sync with its verification link (the
one its PDF's QR code holds), the page says it is valid, says it is revoked once the enrollment
ends, and says it knows no such certificate for any other link."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk.contracts.sync import CompleteLessonArgs
from lmsdesk.services.certificates import CertificateService
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk_server.certificates import service as certificates
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Enrollment
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.demo.seed import demo_id
from tests.e2e.test_checkout_browser import browser
from tests.fakes import MemoryKeyring
from tests.support.live_server import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the fixture, shared with the checkout test

FREE = demo_id("course:offline-first-basics")
LESSONS = [demo_id(f"offline-first-basics:{kind}") for kind in ("video", "text", "quiz")]


@pytest.fixture
def student(
    live_server: LiveServer, tmp_path: Path, memory_keyring: MemoryKeyring
) -> Iterator[SessionService]:
    with httpx.Client(timeout=10) as http:
        service = SessionService(
            data_dir=tmp_path / "client",
            api_for=lambda url: ApiClient(url, http),
            token_store=lambda: KeyringTokenStore(memory_keyring),
        )
        service.sign_in(
            live_server.url, live_server.create_user(Role.STUDENT, name="Vera Verified"), PASSWORD
        )
        yield service


def _end_enrollment(live_server: LiveServer, student_id: uuid.UUID) -> None:
    """What a refund's webhook does to the enrollment and its certificate."""
    with transaction(live_server.context.session_factory) as session:
        enrollment = session.scalars(
            select(Enrollment).where(
                Enrollment.student_id == student_id, Enrollment.course_id == FREE
            )
        ).one()
        enrollment.status = EnrollmentStatus.REFUNDED
        stamp(session, enrollment, user_partition(student_id))
        certificates.follow_enrollment(session, enrollment, datetime.now(UTC))


def test_the_verification_page_says_valid_revoked_and_unknown(
    live_server: LiveServer, browser: Browser, student: SessionService
) -> None:
    PurchaseService(student).enroll_free(FREE)
    sync = SyncService(student)
    sync.sync()
    engine = student.require_engine()
    for lesson in LESSONS:
        engine.record(
            m.COMPLETE_LESSON,
            CompleteLessonArgs(lesson_id=lesson, completed_at=datetime.now(UTC)),
        )
    sync.sync()
    sync.sync()  # the certificate the push issued comes down
    [certificate] = CertificateService(student).certificates().values()
    assert certificate.verify_url.startswith(f"{live_server.url}/verify/")

    page = browser.contexts[0].new_page()
    shown = page.goto(certificate.verify_url)
    assert shown is not None
    assert shown.status == 200
    assert "✓ Valid" in page.locator(".state").inner_text()
    body = page.locator("main").inner_text()
    assert "Vera Verified" in body
    assert "Offline-First Apps: The Basics" in body
    assert certificate.number in body
    _look(page, "verify-valid")

    assert student.current is not None
    _end_enrollment(live_server, student.current.profile.user_id)
    page.reload()
    assert "Revoked on" in page.locator(".state").inner_text()
    _look(page, "verify-revoked")

    page.set_viewport_size({"width": 360, "height": 640})  # a phone that scanned the code
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _look(page, "verify-revoked-phone", resize=False)

    missing = page.goto(f"{live_server.url}/verify/{uuid.uuid4()}")
    assert missing is not None
    assert missing.status == 404
    assert "No such certificate" in page.locator("h1").inner_text()
    _look(page, "verify-unknown")


def _look(page: Page, name: str, *, resize: bool = True) -> None:
    """Saved to look at when $LMSDESK_SCREENSHOT_DIR is set."""
    folder = os.environ.get("LMSDESK_SCREENSHOT_DIR")
    if folder:
        if resize:
            page.set_viewport_size({"width": 800, "height": 500})
        page.screenshot(path=str(Path(folder) / f"browser-{name}.png"))
