"""What an instructor teaches, as the laptop knows it (for the screens that list their courses:
Grading and Insights)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.local_db.models.mirror import Course
from lmsdesk.services.session import SessionService


def published_courses(session: SessionService) -> list[tuple[uuid.UUID, str]]:
    """The signed-in instructor's published (or archived) courses, by title: the ones with
    students, work to grade and figures."""
    current = session.current
    if current is None:
        return []
    with session.require_store().reading() as db:
        rows = db.execute(
            select(Course.id, Course.title)
            .where(
                Course.instructor_id == current.profile.user_id,
                Course.status.in_([CourseStatus.APPROVED, CourseStatus.ARCHIVED]),
            )
            .order_by(Course.title)
        ).all()
    return [(course_id, title) for course_id, title in rows]
