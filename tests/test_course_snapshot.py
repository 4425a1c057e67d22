"""What a reviewer is told changed in a resubmission includes an assignment's settings and a
quiz's newer settings; snapshots stored before those settings existed still read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from lmsdesk.contracts.course_snapshot import CourseSnapshot, changes_between, snapshot_of
from lmsdesk.contracts.enums import LessonType

SECTION, LESSON, QUIZ_LESSON = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _snapshot(max_score: int, practice: bool, rubric: list[dict[str, Any]]) -> CourseSnapshot:
    course = SimpleNamespace(
        title="Practical SQLite",
        subtitle="",
        description="",
        level="beginner",
        language_code="en",
        price_cents=0,
        currency="USD",
    )
    lesson = SimpleNamespace(
        id=LESSON,
        section_id=SECTION,
        title="Design a schema",
        lesson_type=LessonType.ASSIGNMENT,
        position="a0",
        content="Write the tables.",
        video_asset_id=None,
        duration_seconds=None,
        is_preview=False,
        submission_kinds=["text", "file"],
        max_score=max_score,
        pass_score=10,
        due_at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
        allow_resubmission=True,
        accept_late=True,
        rubric=rubric,
    )
    quiz_lesson = SimpleNamespace(**{**vars(lesson), "id": QUIZ_LESSON, "position": "a1"})
    quiz_lesson.lesson_type = LessonType.QUIZ
    quiz = SimpleNamespace(
        id=uuid.uuid4(),
        lesson_id=QUIZ_LESSON,
        passing_percent=70,
        time_limit_seconds=None,
        max_attempts=None,
        shuffle_questions=False,
        show_correct_answers=True,
        shuffle_options=False,
        practice=practice,
    )
    return snapshot_of(
        course,
        category=None,
        tags=[],
        sections=[SimpleNamespace(id=SECTION, title="Week 1", position="a0")],
        lessons=[lesson, quiz_lesson],
        quizzes=[quiz],
        questions=[],
        resources=[],
    )


def test_a_reviewer_sees_an_assignment_and_a_practice_quiz_changed() -> None:
    before = _snapshot(100, False, [])
    after = _snapshot(20, True, [{"name": "Keys", "points": 20}])
    lines = [str(change) for change in changes_between(before, after)]
    assert any("out of 100 → 20" in line and "rubric none → Keys (20)" in line for line in lines)
    assert any(line.startswith("Quiz edited") and "practice False → True" in line for line in lines)
    assert changes_between(after, after) == []


def test_a_snapshot_stored_before_the_new_settings_still_reads() -> None:
    stored = _snapshot(100, False, []).model_dump(mode="json")
    for quiz in stored["quizzes"]:
        del quiz["practice"], quiz["shuffle_options"]
    for lesson in stored["lessons"]:
        del lesson["assignment"]
    old = CourseSnapshot.model_validate(stored)
    assert not old.quizzes[0].practice
    assert old.lessons[0].assignment is None
