"""Who may read and write a course's community, checked on every write whatever a client sends.

Readers: the course's active students, its instructor and admins. Writers by action, as in
DESIGN.md section 11.2: students ask and vote; students and the instructor answer, start
threads and reply; the instructor pins. A refund ends the enrollment, so it ends writing (and,
through the sync partition, reading on the student's devices); what they wrote stays.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.community import EDIT_WINDOW
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import Course
from lmsdesk_server.learning.repository.lessons import LearningRepository
from lmsdesk_server.mutation import MutationRejected

_OPEN_COURSES = (CourseStatus.APPROVED, CourseStatus.ARCHIVED)


class Standing(enum.Enum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"
    OUTSIDER = "outsider"


@dataclass(frozen=True)
class Membership:
    course: Course
    standing: Standing


def membership(session: Session, actor: Actor, course_id: uuid.UUID) -> Membership:
    """The actor's standing in a course whose community exists (published, or archived and
    still with its students); 404 for any other course, so its existence is not told."""
    course = session.get(Course, course_id)
    if course is None or course.deleted_at is not None or course.status not in _OPEN_COURSES:
        raise MutationRejected("No such course.", status=404, code="not_found")
    if course.instructor_id == actor.id:
        return Membership(course, Standing.INSTRUCTOR)
    if LearningRepository(session).has_active_enrollment(actor.id, course_id):
        return Membership(course, Standing.STUDENT)
    if actor.has_admin():
        return Membership(course, Standing.ADMIN)
    return Membership(course, Standing.OUTSIDER)


_CLOSED = "Only the course's students and instructor can take part in its community."


def readable(session: Session, actor: Actor, course_id: uuid.UUID) -> Membership:
    member = membership(session, actor, course_id)
    if member.standing is Standing.OUTSIDER:
        raise MutationRejected(_CLOSED, status=403, code="forbidden")
    return member


def writable(
    session: Session, actor: Actor, course_id: uuid.UUID, *allowed: Standing
) -> Membership:
    member = membership(session, actor, course_id)
    if member.standing not in allowed:
        if member.standing is Standing.OUTSIDER:
            raise MutationRejected(_CLOSED, status=403, code="forbidden")
        who = " or ".join(f"{s.value}s" for s in allowed)
        raise MutationRejected(f"Only the course's {who} can do this.", status=403)
    return member


def within_edit_window(created_at: datetime, now: datetime) -> None:
    if now - created_at > EDIT_WINDOW:
        hours = int(EDIT_WINDOW.total_seconds() // 3600)
        raise MutationRejected(
            f"Posts can be changed for {hours} hours after they are posted.", status=409
        )
