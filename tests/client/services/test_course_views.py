"""Course detail views: queued on the laptop as one batch however many (up to a full batch),
sent with the next sync, never for one's own course; offline they wait."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from lmsdesk.contracts.analytics import MAX_VIEWS_PER_BATCH
from lmsdesk.contracts.common import Role
from lmsdesk.local_db.models.client import OutboxItem
from lmsdesk.services.catalog import CatalogService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.models import Course, CourseView
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

PAID = demo_id("course:practical-sqlite")
FREE = demo_id("course:offline-first-basics")


def _queued(laptop: Laptop) -> list[int]:
    """How many views each queued mutation carries."""
    items = laptop.read(
        lambda s: s.scalars(
            select(OutboxItem).where(OutboxItem.name == "analytics.record_views@1")
        ).all()
    )
    return [len(item.args["views"]) for item in items]  # type: ignore[attr-defined]


def _views_on_server(live_server: LiveServer, email: str) -> int:
    with live_server.context.session_factory() as db:
        viewer = UserRepository(db).by_email(email)
        assert viewer is not None
        stmt = select(func.count()).where(CourseView.viewer_id == viewer.id)
        return int(db.scalar(stmt) or 0)


def test_views_wait_offline_in_one_batch_and_arrive_with_the_sync(
    live_server: LiveServer, laptops: Callable[[str], Laptop], link: CuttableLink
) -> None:
    email = live_server.create_user(Role.STUDENT, name="Vera Viewer")
    laptop = laptops("student")
    engine = laptop.sign_in(email)
    engine.sync()
    catalog = CatalogService(laptop.service)
    link.cut()
    for course in (PAID, FREE, PAID):
        catalog.record_view(course, instructor_id=None)
    assert _queued(laptop) == [3]
    # Nobody made these by hand: not "waiting to sync", and signing out asks nothing for them.
    assert laptop.service.unsynced_changes() == []
    assert SyncService(laptop.service).overview().pending == ()
    for _ in range(MAX_VIEWS_PER_BATCH - 2):
        catalog.record_view(PAID, instructor_id=None)
    assert _queued(laptop) == [MAX_VIEWS_PER_BATCH, 1]  # a full batch, then the next
    link.restore()
    engine.sync()
    assert _queued(laptop) == []
    assert _views_on_server(live_server, email) == MAX_VIEWS_PER_BATCH + 1


def test_an_instructor_looking_at_their_own_course_is_not_counted(
    live_server: LiveServer, laptops: Callable[[str], Laptop], link: CuttableLink
) -> None:
    laptop = laptops("instructor")
    laptop.service.sign_in(link.url, "instructor@example.com", DEMO_PASSWORD)
    with live_server.context.session_factory() as db:
        course = db.get(Course, PAID)
        assert course is not None
        own = course.instructor_id
    CatalogService(laptop.service).record_view(PAID, instructor_id=own)
    assert _queued(laptop) == []
