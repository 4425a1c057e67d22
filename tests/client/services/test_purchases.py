"""Buying through the client's services against the real server and its test provider: the
enrollment arrives only by sync after the verified webhook; a refund removes the course and
its downloaded media, and keeps the progress."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk.contracts.sync import SetPositionArgs
from lmsdesk.local_db import outbox
from lmsdesk.local_db.models.client import Download
from lmsdesk.local_db.models.mirror import Enrollment, LessonProgress
from lmsdesk.services.catalog import CatalogService
from lmsdesk.services.media_library import MediaLibrary
from lmsdesk.services.purchases import PurchaseError, PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk_server.demo.seed import demo_id
from tests.fakes import MemoryKeyring
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

PAID = demo_id("course:practical-sqlite")
FREE = demo_id("course:offline-first-basics")
PAID_TEXT = demo_id("practical-sqlite:text")


def _enrollment_status(service: SessionService) -> EnrollmentStatus | None:
    assert service.store is not None
    with service.store.reading() as session:
        return session.scalar(select(Enrollment.status).where(Enrollment.course_id == PAID))


def test_buy_pay_sync_then_refund_removes_course_and_media_but_keeps_progress(
    student: SessionService, live_server: LiveServer
) -> None:
    purchases, sync = PurchaseService(student), SyncService(student)
    catalog = CatalogService(student)
    sync.sync()
    pending = purchases.start([PAID], "Practical SQLite", "19.99 USD")
    assert pending.url.startswith(f"{live_server.url}/checkout/test/cs_test_")
    assert [p.order_id for p in purchases.pending()] == [pending.order_id]
    assert purchases.check(pending.order_id).status is OrderStatus.PENDING

    live_server.pay(pending.url)
    assert _enrollment_status(student) is None  # nothing is granted on the client's say-so
    view = purchases.check(pending.order_id)
    assert view.status is OrderStatus.COMPLETED
    assert view.enrollment_active
    assert purchases.pending() == []  # final: no longer waited for
    sync.sync()
    assert _enrollment_status(student) is EnrollmentStatus.ACTIVE
    assert [c.title for c in catalog.courses() if c.enrolled] == ["Practical SQLite"]
    [line] = purchases.history()
    assert (line.course_title, line.amount_text, line.status) == (
        "Practical SQLite",
        "19.99 USD",
        OrderStatus.COMPLETED,
    )

    # Some progress, and a downloaded video of the course on disk.
    engine = student.sync_engine
    assert engine is not None
    engine.record(m.SET_POSITION, SetPositionArgs(lesson_id=PAID_TEXT, position_seconds=12))
    sync.sync()
    assert student.store is not None
    assert student.account_dir is not None
    media = MediaLibrary(student.store, student.account_dir)
    video = media.course_dir(PAID) / "welcome.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(b"\0" * 4096)
    with student.store.transaction() as session:
        session.add(
            Download(
                asset_id=demo_id("asset:x"),
                course_id=PAID,
                relative_path="welcome.mp4",
                size_bytes=4096,
                bytes_done=4096,
                sha256="0" * 64,
                updated_at=view.created_at,
            )
        )

    live_server.refund(pending.order_id)
    outcome = sync.sync()
    assert str(PAID) in outcome.revoked_courses
    assert _enrollment_status(student) is EnrollmentStatus.REFUNDED
    assert [c.title for c in catalog.courses() if c.enrolled] == []
    assert not video.exists()
    with student.store.reading() as session:
        assert session.scalars(select(Download)).all() == []
        positions = session.scalars(select(LessonProgress.last_position_seconds)).all()
    assert positions == [12]
    assert purchases.history()[0].status is OrderStatus.REFUNDED


def test_a_pending_order_survives_a_restart_and_cancel_ends_it(
    student: SessionService, tmp_path: Path, memory_keyring: MemoryKeyring, http: httpx.Client
) -> None:
    pending = PurchaseService(student).start([PAID], "Practical SQLite", "19.99 USD")

    again = SessionService(
        data_dir=tmp_path / "client",
        api_for=lambda url: ApiClient(url, http),
        token_store=lambda: KeyringTokenStore(memory_keyring),
    )
    assert again.resume() is not None
    purchases = PurchaseService(again)
    assert [p.order_id for p in purchases.pending()] == [pending.order_id]
    assert purchases.cancel(pending.order_id).status is OrderStatus.CANCELLED
    assert purchases.pending() == []
    # The checkout page is closed: paying now is impossible.
    assert "has closed" in http.get(pending.url).text
    assert again.store is not None
    again.store.close()


def test_offline_buy_says_so_and_queues_nothing(
    student: SessionService, link: CuttableLink
) -> None:
    purchases = PurchaseService(student)
    link.cut()
    with pytest.raises(PurchaseError, match="Paying needs a connection"):
        purchases.start([PAID], "Practical SQLite", "19.99 USD")
    assert purchases.pending() == []
    assert student.store is not None
    with student.store.reading() as session:
        assert outbox.pending(session) == []  # a payment is never queued for later
    link.restore()
    assert purchases.history() == []  # no order was created on the server either


def test_free_enrollment_arrives_by_sync_and_paid_courses_refuse_it(
    student: SessionService,
) -> None:
    purchases, sync = PurchaseService(student), SyncService(student)
    with pytest.raises(PurchaseError, match="buy it through checkout"):
        purchases.enroll_free(PAID)
    purchases.enroll_free(FREE)
    sync.sync()
    assert [c.title for c in CatalogService(student).courses() if c.enrolled] == [
        "Offline-First Apps: The Basics"
    ]
