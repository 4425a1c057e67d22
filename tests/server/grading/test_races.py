"""Handing in and grading under concurrency, on a real PostgreSQL where every transaction
commits: an assignment that takes one submission counts one however many devices hand it in at
once, and grades given at once leave one consistent grade."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import func, select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.assignments import GradeSubmissionArgs, SubmitAssignmentArgs
from lmsdesk.contracts.common import Role
from lmsdesk_server.actor import Actor
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import AssignmentSubmission, Course, Lesson
from tests.server.community.test_races import ROUNDS, _at_once, _person, _send
from tests.server.grading.helpers import ASSIGNMENT
from tests.server.sync.helpers import PAID


def _one_submission_only(context: ServerContext) -> None:
    with transaction(context.session_factory) as db:
        lesson = db.get(Lesson, ASSIGNMENT)
        assert lesson is not None
        lesson.allow_resubmission = False


def _work(text: str) -> SubmitAssignmentArgs:
    return SubmitAssignmentArgs(
        submission_id=uuid.uuid4(),
        lesson_id=ASSIGNMENT,
        text=text,
        submitted_at=datetime.now(UTC),
    )


def test_one_submission_from_many_devices_at_once_counts_once(
    racing_context: ServerContext,
) -> None:
    _one_submission_only(racing_context)
    for _ in range(ROUNDS):
        student = _person(racing_context)
        calls = [
            partial(_send, racing_context, student, m.SUBMIT_ASSIGNMENT, _work(f"v{i}"), i % 2 == 0)
            for i in range(6)
        ]
        statuses = _at_once(calls)
        assert statuses.count("applied") == 1, statuses
        assert set(statuses) <= {"applied", "rejected", "already_submitted"}, statuses
        with transaction(racing_context.session_factory) as db:
            count = db.scalar(
                select(func.count()).where(AssignmentSubmission.student_id == student.id)
            )
            assert count == 1


def test_grades_given_at_once_leave_one_grade(racing_context: ServerContext) -> None:
    with transaction(racing_context.session_factory) as db:
        course = db.get(Course, PAID)
        assert course is not None
        teacher = Actor(
            id=course.instructor_id, email="i@example.com", roles=frozenset({Role.INSTRUCTOR})
        )
    for _ in range(ROUNDS):
        student = _person(racing_context)
        work = SubmitAssignmentArgs(
            submission_id=uuid.uuid4(),
            lesson_id=ASSIGNMENT,
            text="x",
            submitted_at=datetime.now(UTC),
        )
        with transaction(racing_context.session_factory) as db:
            db.get(Lesson, ASSIGNMENT).allow_resubmission = True  # type: ignore[union-attr]
        assert _send(racing_context, student, m.SUBMIT_ASSIGNMENT, work, rest=True) == "applied"
        grades = [
            GradeSubmissionArgs(submission_id=work.submission_id, score=float(s), feedback=f"{s}")
            for s in (5, 10, 15, 20)
        ]
        statuses = _at_once(
            [
                partial(_send, racing_context, teacher, m.GRADE_SUBMISSION, g, i % 2 == 0)
                for i, g in enumerate(grades)
            ]
        )
        assert set(statuses) <= {"applied", "merged"}, statuses
        with transaction(racing_context.session_factory) as db:
            row = db.get(AssignmentSubmission, work.submission_id)
            assert row is not None
            # One of the grades, whole: the score and its feedback belong together.
            assert row.status == "graded"
            assert row.feedback == f"{row.score:g}"
