"""Changing a published course from the instructor's laptop, offline: a revision that students
do not see until an admin approves it, and then see in place, with their progress kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType, ReviewDecision
from lmsdesk.services.authoring import AuthoringRefused
from lmsdesk.services.learning import LearningService
from lmsdesk.services.moderation import ModerationService
from lmsdesk.sync.engine import SyncStatus
from tests.support.authoring import Author, submitted_course
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (a server of their own)


def _titles(laptop: Laptop, course: object) -> list[str]:
    outline = LearningService(laptop.service).outline(course)  # type: ignore[arg-type]
    return [lesson.title for lesson in outline.lessons]


def test_a_revision_made_offline_reaches_students_only_when_approved(
    laptops: Callable[[str], Laptop], link: CuttableLink, live_server: LiveServer
) -> None:
    studio, reviewer, learner = laptops("studio"), laptops("reviewer"), laptops("learner")
    studio.sign_in(live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")).sync()
    course, text, _quiz = submitted_course(studio, "Tides and coastlines")
    reviewer.sign_in(live_server.create_user(Role.ADMIN, name="Grace Reviewer")).sync()
    moderation = ModerationService(reviewer.service)
    moderation.decide(course, ReviewDecision.APPROVED)
    reviewer.engine.sync()
    student = live_server.create_user(Role.STUDENT, name="Sam Student")
    live_server.enroll(student, course)
    learner.sign_in(student).sync()
    learning = LearningService(learner.service)
    learning.complete(learning.lesson(text))
    learner.engine.sync()
    studio.engine.sync()
    author = Author(studio.service)
    assert author.draft(course).status is CourseStatus.APPROVED
    with pytest.raises(AuthoringRefused, match="published"):
        author.edit("lesson", text, "title", "Edited in place")

    link.cut()  # the instructor revises on a train
    revision = author.start_revision(course)
    assert author.start_revision(course) == revision  # the open one, not a second
    assert [c.status_text for c in author.my_courses() if c.title == "Tides and coastlines"] == [
        "Published",
        "Revision · Draft",
    ]
    draft = author.draft(revision)
    (section,) = draft.sections
    copied_text = section.lessons[0].id
    author.edit("lesson", copied_text, "title", "Reading a tide table")
    author.add_lesson(section.id, "Spring and neap tides", LessonType.TEXT, "Moon " * 20)
    author.submit(revision)
    link.restore()
    assert studio.engine.sync().status is SyncStatus.IDLE
    assert author.draft(course).open_revision == revision

    learner.engine.sync()  # in review: students have the course as published
    assert _titles(learner, course) == ["Reading a map offline", "Check yourself"]
    reviewer.engine.sync()
    (entry,) = moderation.queue("Tides").entries
    assert entry.changes_published
    review = moderation.review(revision)
    assert [str(c) for c in review.changes or ()] == [
        "Lesson edited: Reading a tide table (renamed from “Reading a map offline”)",
        "Lesson added: Spring and neap tides (text lesson in “Getting started”)",
    ]
    moderation.decide(revision, ReviewDecision.APPROVED)
    reviewer.engine.sync()

    learner.engine.sync()
    assert _titles(learner, course) == [
        "Reading a tide table",
        "Check yourself",
        "Spring and neap tides",
    ]
    assert learner.progress(text) is not None  # the same lesson: the completion stays
    studio.engine.sync()
    mine = [c for c in author.my_courses() if c.title == "Tides and coastlines"]
    assert [(c.id, c.status_text) for c in mine] == [(course, "Published")]
    assert author.draft(course).open_revision is None
