"""Races on real commits: one student's devices completing lessons at the same moment, and two
workers recomputing the same day at once."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.analytics import percent_of
from lmsdesk.contracts.sync import CompleteLessonArgs
from lmsdesk_server.actor import Actor
from lmsdesk_server.analytics.service import progress as enrollment_progress
from lmsdesk_server.analytics.service.daily import recompute_recent
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import CourseDailyMetric, EnrollmentProgress, Lesson
from lmsdesk_server.sync.service import door
from tests.server.community.test_races import ROUNDS, _at_once, _person
from tests.server.sync.helpers import PAID


def _complete(context: ServerContext, actor: Actor, lesson: object) -> str:
    """One device's completion, committed as a request commits (progress settled first)."""
    args = CompleteLessonArgs(lesson_id=lesson, completed_at=datetime.now(UTC))
    with transaction(context.session_factory) as db:
        door.run(db, actor, m.COMPLETE_LESSON, args)
        enrollment_progress.settle(db)
    return "applied"


def test_lessons_completed_at_once_are_all_counted(racing_context: ServerContext) -> None:
    with transaction(racing_context.session_factory) as db:
        lessons = db.scalars(select(Lesson.id).where(Lesson.course_id == PAID)).all()
        gradable = [
            lesson
            for lesson in lessons
            if db.get(Lesson, lesson).lesson_type.value != "assignment"  # type: ignore[union-attr]
        ]
        total = len(lessons)
    for _ in range(ROUNDS):
        student = _person(racing_context)
        outcomes = _at_once(
            [partial(_complete, racing_context, student, lesson) for lesson in gradable]
        )
        assert outcomes == ["applied"] * len(gradable)
        with transaction(racing_context.session_factory) as db:
            row = db.scalars(
                select(EnrollmentProgress).where(EnrollmentProgress.student_id == student.id)
            ).one()
            assert row.lessons_completed == len(gradable)
            assert row.progress_percent == percent_of(len(gradable), row.lessons_total)
            assert row.lessons_total <= total


def test_two_workers_on_the_same_day_write_the_same_rows(racing_context: ServerContext) -> None:
    student = _person(racing_context)
    with transaction(racing_context.session_factory) as db:
        first = db.scalars(select(Lesson.id).where(Lesson.course_id == PAID)).first()
    _complete(racing_context, student, first)

    def snapshot() -> list[tuple[object, ...]]:
        with transaction(racing_context.session_factory) as db:
            rows = db.scalars(select(CourseDailyMetric).order_by(CourseDailyMetric.course_id))
            return [(r.course_id, r.day, r.enrollments, r.active_students) for r in rows]

    for _ in range(ROUNDS):
        outcomes = _at_once(
            [
                lambda: str(recompute_recent(racing_context.session_factory, days=2).days)
                for _ in range(3)
            ]
        )
        assert outcomes == ["2", "2", "2"]
        once = snapshot()
        recompute_recent(racing_context.session_factory, days=2)
        assert snapshot() == once
        assert any(row[3] >= 1 for row in once)
