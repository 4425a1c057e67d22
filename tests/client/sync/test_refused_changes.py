"""A change the server refuses leaves the device in the same sync: the mirror shows the server's
rows again, not the refused effect until that row next happens to change on the server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType, ProgressStatus
from lmsdesk.services.learning import LearningService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.demo.seed import demo_id
from tests.support.authoring import Author
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")
VIDEO, TEXT = demo_id("offline-first-basics:video"), demo_id("offline-first-basics:text")


@pytest.fixture
def instructor(live_server: LiveServer) -> str:
    return live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")


def test_edits_refused_because_the_course_went_to_review_are_undone_in_that_sync(
    laptops: Callable[[str], Laptop], instructor: str, link: CuttableLink
) -> None:
    laptop, desktop = laptops("laptop"), laptops("desktop")
    laptop.sign_in(instructor)
    author = Author(laptop.service)
    course = author.create_course("Offline apps")
    lesson = author.add_lesson(
        author.add_section(course, "One"), "Hello", LessonType.TEXT, "# Hello"
    )
    laptop.engine.sync()
    desktop.sign_in(instructor).sync()
    other = Author(desktop.service)

    link.cut()  # the desktop edits offline while the laptop sends the course to review
    author.submit(course)
    other.edit("lesson", lesson, "title", "Hello again")
    extra = other.add_lesson(other.draft(course).sections[0].id, "Extra", LessonType.TEXT)
    assert [x.title for x in other.draft(course).sections[0].lessons] == ["Hello again", "Extra"]
    link.restore()
    assert laptop.engine.sync().status is SyncStatus.IDLE

    outcome = desktop.engine.sync()
    assert (outcome.status, outcome.rejected) == (SyncStatus.IDLE, 2)
    seen = other.draft(course)
    assert seen.status is CourseStatus.PENDING
    assert [(x.id, x.title) for x in seen.sections[0].lessons] == [(lesson, "Hello")]
    assert extra not in {x.id for s in seen.sections for x in s.lessons}
    overview = SyncService(desktop.service).overview()
    assert overview is not None
    assert len(overview.failed) == 2  # still listed, with the reason, until read
    assert all("review" in (change.reason or "") for change in overview.failed)
    assert desktop.engine.sync().pulled_rows == 0  # asked for once


def test_progress_refused_because_access_ended_offline_is_undone_and_synced_progress_kept(
    laptops: Callable[[str], Laptop], live_server: LiveServer, link: CuttableLink
) -> None:
    email = live_server.create_user(Role.STUDENT)
    enrollment = live_server.enroll(email, FREE)
    laptop = laptops("laptop")
    laptop.sign_in(email).sync()
    learning = LearningService(laptop.service)
    learning.complete(learning.lesson(VIDEO))
    laptop.engine.sync()

    link.cut()
    learning.complete(learning.lesson(TEXT))  # on the train, while the refund goes through
    live_server.set_enrollment_status(enrollment, "revoked")
    link.restore()
    outcome = laptop.engine.sync()
    assert (outcome.status, outcome.rejected) == (SyncStatus.IDLE, 1)
    assert laptop.progress(TEXT) is None  # never happened, as far as the server is concerned
    synced = laptop.progress(VIDEO)
    assert synced is not None
    assert synced.status is ProgressStatus.COMPLETED  # kept, in case access comes back
