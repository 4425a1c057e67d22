"""A cohort of the paid demo course, made through the instructor's REST door, and students
placed in it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import Enrollment
from lmsdesk_server.demo.seed import demo_id
from tests.server.community.helpers import Person
from tests.server.sync.helpers import PAID

INTRO = demo_id("practical-sqlite:s1")  # Getting started: video (preview), text
PRACTICE = demo_id("practical-sqlite:s2")  # Check yourself: quiz, assignment
PAID_VIDEO = demo_id("practical-sqlite:video")
PAID_TEXT = demo_id("practical-sqlite:text")
PAID_QUIZ_LESSON = demo_id("practical-sqlite:quiz")
PAID_QUIZ = demo_id("practical-sqlite:quizrow")
ASSIGNMENT = demo_id("practical-sqlite:assignment")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def cohort(
    instructor: Person,
    *,
    starts_in: timedelta = timedelta(days=3),
    course: uuid.UUID = PAID,
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "title": "Spring cohort",
        "starts_at": iso(datetime.now(UTC) + starts_in),
        "timezone": "Europe/Berlin",
        **fields,
    }
    return instructor.ok("POST", f"/authoring/courses/{course}/cohorts", body, status=201)  # type: ignore[no-any-return]


def week(instructor: Person, cohort_id: str, number: int, **body: Any) -> Any:
    return instructor.call("PUT", f"/authoring/cohorts/{cohort_id}/weeks/{number}", body)


def place(session: Session, student: uuid.UUID, cohort_id: str, course: uuid.UUID = PAID) -> None:
    """The student's enrollment in the course joins the cohort (joining itself is tested
    through checkout and free enrollment)."""
    enrollment = session.scalars(
        select(Enrollment).where(Enrollment.student_id == student, Enrollment.course_id == course)
    ).one()
    enrollment.cohort_id = uuid.UUID(cohort_id)
    session.flush()
