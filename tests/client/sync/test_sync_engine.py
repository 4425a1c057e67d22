"""The client sync engine against the real server on 127.0.0.1: two laptops of one student,
offline work, reconnection, coalescing, rejections, refunds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk.contracts.sync import (
    AddTimeArgs,
    CompleteLessonArgs,
    SetPositionArgs,
    SetRatingArgs,
    WishlistArgs,
)
from lmsdesk.local_db import outbox
from lmsdesk.local_db.models.client import OutboxItem
from lmsdesk.local_db.models.mirror import Course, Enrollment, Lesson, Quiz
from lmsdesk.sync.engine import OUTBOX, SyncStatus
from lmsdesk_server.demo.seed import demo_id
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")
PAID = demo_id("course:practical-sqlite")
VIDEO = demo_id("offline-first-basics:video")
TEXT = demo_id("offline-first-basics:text")
PAID_TEXT = demo_id("practical-sqlite:text")


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as client:
        yield client


@pytest.fixture
def laptops(tmp_path: Path, link: CuttableLink, http: httpx.Client) -> Callable[[str], Laptop]:
    return lambda name: Laptop(tmp_path / name, link, http)


@pytest.fixture
def student(live_server: LiveServer) -> str:
    return live_server.create_user(Role.STUDENT)


def test_first_sync_fills_the_catalog_with_summaries(
    laptops: Callable[[str], Laptop], student: str
) -> None:
    laptop = laptops("laptop")
    outcome = laptop.sign_in(student).sync()
    assert outcome.status is SyncStatus.IDLE
    assert outcome.pulled_rows > 0
    titles = laptop.read(lambda s: sorted(c.title for c in s.scalars(select(Course))))
    assert titles == [
        "Offline-First Apps: The Basics",
        "Practical SQLite",
        "Sync Engines in Practice",
    ]
    paid_text = laptop.read(lambda s: s.get(Lesson, PAID_TEXT))
    assert paid_text is not None
    assert paid_text.content == ""  # type: ignore[attr-defined]
    assert laptop.read(lambda s: s.scalar(select(func.count()).select_from(Quiz))) == 0


def test_an_enrollment_brings_the_whole_course(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer
) -> None:
    laptop = laptops("laptop")
    engine = laptop.sign_in(student)
    engine.sync()
    live_server.enroll(student, FREE)
    outcome = engine.sync()
    assert outcome.status is SyncStatus.IDLE
    text = laptop.read(lambda s: s.get(Lesson, TEXT))
    assert text.content.startswith("# How offline sync works")  # type: ignore[attr-defined]
    assert laptop.read(lambda s: s.scalar(select(func.count()).select_from(Quiz))) == 1
    enrollments = laptop.read(lambda s: s.scalars(select(Enrollment)).all())
    assert [e.course_id for e in enrollments] == [FREE]  # type: ignore[attr-defined]


def test_offline_progress_reaches_the_other_laptop_after_reconnecting(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer, link: CuttableLink
) -> None:
    live_server.enroll(student, FREE)
    laptop, desktop = laptops("laptop"), laptops("desktop")
    laptop.sign_in(student).sync()
    desktop.sign_in(student).sync()

    link.cut()  # on a train
    engine = laptop.engine
    for second in range(5, 3605, 5):  # an hour of playback, a position save every 5 s
        position = SetPositionArgs(lesson_id=VIDEO, position_seconds=min(second, 29.0))
        engine.record(m.SET_POSITION, position)
        engine.record(m.ADD_TIME, AddTimeArgs(lesson_id=VIDEO, seconds=5))
    engine.record(
        m.COMPLETE_LESSON, CompleteLessonArgs(lesson_id=TEXT, completed_at=datetime.now(UTC))
    )
    offline = engine.sync()
    assert offline.status is SyncStatus.OFFLINE
    # Coalesced: one position and one time-spent mutation for the video, plus the completion.
    assert offline.pending == 3
    local = laptop.progress(VIDEO)
    assert local is not None
    assert local.last_position_seconds == 29
    assert local.time_spent_seconds == 3600

    link.restore()  # back online
    online = engine.sync()
    assert online.status is SyncStatus.IDLE
    assert online.pending == 0
    assert online.pushed == 3

    assert desktop.engine.sync().status is SyncStatus.IDLE
    there = desktop.progress(VIDEO)
    assert there is not None
    assert there.last_position_seconds == 29
    assert there.time_spent_seconds == 3600
    done = desktop.progress(TEXT)
    assert done is not None
    assert done.status is ProgressStatus.COMPLETED


def test_a_rejected_change_is_kept_with_its_reason_and_the_rest_go_through(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer
) -> None:
    live_server.enroll(student, FREE)
    laptop = laptops("laptop")
    engine = laptop.sign_in(student)
    engine.sync()
    engine.record(m.SET_RATING, SetRatingArgs(course_id=PAID, rating=5))  # not enrolled
    engine.record(m.SET_POSITION, SetPositionArgs(lesson_id=VIDEO, position_seconds=9))
    outcome = engine.sync()
    assert outcome.status is SyncStatus.IDLE
    assert (outcome.pending, outcome.failed) == (0, 1)
    failed = laptop.read(lambda s: outbox.failed(s))
    assert len(failed) == 1  # type: ignore[arg-type]
    item = failed[0]  # type: ignore[index]
    assert item.description == "Rating of 'Practical SQLite'"
    assert item.last_error == "Only students enrolled in a course can rate it."
    progress = laptop.progress(VIDEO)
    assert progress is not None
    assert progress.sync_version > 0  # the server's row arrived


def test_pending_local_changes_survive_a_pull_of_older_server_rows(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer
) -> None:
    live_server.enroll(student, FREE)
    laptop, desktop = laptops("laptop"), laptops("desktop")
    laptop.sign_in(student).sync()
    desktop.sign_in(student).sync()
    desktop.engine.record(m.ADD_TIME, AddTimeArgs(lesson_id=VIDEO, seconds=100))
    desktop.engine.sync()
    # The laptop adds time locally; before its push lands, a pull brings the desktop's 100 s.
    laptop.engine.record(m.ADD_TIME, AddTimeArgs(lesson_id=VIDEO, seconds=7))
    laptop.engine._pull_all(lambda *_: None)
    local = laptop.progress(VIDEO)
    assert local is not None
    assert local.time_spent_seconds == 107  # server's 100 + the pending 7, shown at once
    laptop.engine.sync()
    assert laptop.progress(VIDEO).time_spent_seconds == 107  # type: ignore[union-attr]
    assert laptop.read(lambda s: s.scalar(select(func.count()).select_from(OutboxItem))) == 0


def test_a_refund_removes_the_course_content_but_keeps_progress(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer
) -> None:
    enrollment_id = live_server.enroll(student, PAID)
    laptop = laptops("laptop")
    engine = laptop.sign_in(student)
    engine.sync()
    done = CompleteLessonArgs(lesson_id=PAID_TEXT, completed_at=datetime.now(UTC))
    engine.record(m.COMPLETE_LESSON, done)
    engine.sync()
    live_server.set_enrollment_status(enrollment_id, "refunded")
    outcome = engine.sync()
    assert outcome.revoked_courses == (str(PAID),)
    text = laptop.read(lambda s: s.get(Lesson, PAID_TEXT))
    assert text is not None
    assert text.content == ""  # type: ignore[attr-defined]
    assert laptop.read(lambda s: s.scalar(select(func.count()).select_from(Quiz))) == 0
    kept = laptop.progress(PAID_TEXT)
    assert kept is not None
    assert kept.status is ProgressStatus.COMPLETED


def test_coalesced_positions_keep_the_furthest_point_reached(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer, link: CuttableLink
) -> None:
    """Found by the property test: watching to 0:25 then seeking back to 0:03 while offline
    coalesces into one save at 0:03, which must still carry the 0:25 reached."""
    live_server.enroll(student, FREE)
    laptop = laptops("laptop")
    engine = laptop.sign_in(student)
    engine.sync()
    link.cut()
    for position in (10, 25, 3):
        engine.record(m.SET_POSITION, SetPositionArgs(lesson_id=VIDEO, position_seconds=position))
    link.restore()
    assert engine.sync().pushed == 1
    row = laptop.progress(VIDEO)
    assert row is not None
    assert (row.last_position_seconds, row.furthest_position_seconds) == (3, 25)


def test_a_sync_reports_the_tables_it_changed_and_a_no_op_sync_none(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer
) -> None:
    """Screens redraw from these (ui.changes): a sync that changed nothing redraws nothing."""
    laptop = laptops("laptop")
    engine = laptop.sign_in(student)
    first = engine.sync()
    assert {"courses", "lessons"} <= first.changed
    assert engine.sync().changed == frozenset(), "nothing new: nothing to redraw"

    engine.record(m.ADD_TO_WISHLIST, WishlistArgs(course_id=PAID))
    pushed = engine.sync()
    assert OUTBOX in pushed.changed  # the queued change left
    assert "courses" not in pushed.changed

    live_server.enroll(student, FREE)
    enrolled = engine.sync()
    assert "enrollments" in enrolled.changed
    assert "lesson_progress" not in enrolled.changed


def test_a_push_from_a_current_store_needs_no_pull(
    laptops: Callable[[str], Laptop], student: str, live_server: LiveServer, http: httpx.Client
) -> None:
    """The push's answer brings the server's row and the cursor past it: one request, and the
    next sync still brings what others change."""
    live_server.enroll(student, FREE)
    laptop = laptops("laptop")
    engine = laptop.sign_in(student)
    engine.sync()
    paths: list[str] = []
    http.event_hooks["request"] = [lambda request: paths.append(request.url.path)]
    engine.record(m.SET_POSITION, SetPositionArgs(lesson_id=VIDEO, position_seconds=12))
    outcome = engine.sync()
    assert (outcome.status, outcome.pushed) == (SyncStatus.IDLE, 1)
    assert paths == ["/api/v1/sync/push"]
    assert "lesson_progress" in outcome.changed
    row = laptop.progress(VIDEO)
    assert row is not None
    assert row.last_position_seconds == 12

    live_server.enroll(student, PAID)
    assert "enrollments" in engine.sync().changed
