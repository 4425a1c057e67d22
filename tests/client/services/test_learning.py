"""Outlines, prerequisites and My learning from the local store."""

from __future__ import annotations

import pytest

from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk.local_db.models.mirror import LessonPrerequisite
from lmsdesk.services.learning import LearningService
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk_server.demo.seed import demo_id

FREE = demo_id("course:offline-first-basics")
VIDEO, TEXT, QUIZ = (demo_id(f"offline-first-basics:{k}") for k in ("video", "text", "quiz"))


@pytest.fixture
def learning(student: SessionService) -> LearningService:
    PurchaseService(student).enroll_free(FREE)
    SyncService(student).sync()
    return LearningService(student)


def test_a_locked_lesson_names_what_unlocks_it(
    learning: LearningService, student: SessionService
) -> None:
    assert student.store is not None
    with student.store.transaction() as session:
        session.add(
            LessonPrerequisite(
                lesson_id=QUIZ,
                prerequisite_lesson_id=TEXT,
                sync_partition="catalog",
                sync_version=1,
            )
        )
    quiz = learning.lesson(QUIZ)
    assert quiz.locked_by == ("How offline sync works",)
    outline = learning.outline(FREE)
    assert [e.locked_by for e in outline.lessons] == [(), (), ("How offline sync works",)]

    learning.complete(learning.lesson(TEXT))
    assert learning.lesson(QUIZ).locked_by == ()


def test_my_learning_continues_at_the_lesson_and_position_left(
    learning: LearningService,
) -> None:
    [course] = learning.my_courses()
    assert (course.percent_complete, course.continue_lesson_id) == (0, VIDEO)
    video = learning.lesson(VIDEO)
    learning.save_position(video, 12.5, 12.5)
    learning.complete(learning.lesson(TEXT))
    [course] = learning.my_courses()
    assert course.percent_complete == 33
    assert (course.lessons_done, course.lessons_total) == (1, 3)
    assert course.continue_lesson_id == VIDEO
    assert course.continue_position == 12.5
    assert learning.lesson(VIDEO).status is ProgressStatus.IN_PROGRESS
