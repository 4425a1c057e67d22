"""The course status machine (DESIGN.md section 3). Every status change of a course goes
through `move_course`; anything not listed here is refused.

    draft ──submit──> pending ──approve──> approved ──archive──> archived
      ^                 │  ^                  ^                      │
      └──edit── rejected<─┘  └──resubmit──┘   └──────restore─────────┘
"""

from __future__ import annotations

from datetime import datetime

from lmsdesk.contracts.enums import CourseStatus as C
from lmsdesk_server.db.models import Course

COURSE_TRANSITIONS: dict[C, frozenset[C]] = {
    C.DRAFT: frozenset({C.PENDING}),
    # Only an admin's decision moves a pending course.
    C.PENDING: frozenset({C.APPROVED, C.REJECTED}),
    # A rejected course becomes a draft again when edited, or goes back for review unchanged.
    C.REJECTED: frozenset({C.DRAFT, C.PENDING}),
    # A published course is changed through a new revision, never by moving back to draft.
    C.APPROVED: frozenset({C.ARCHIVED}),
    C.ARCHIVED: frozenset({C.APPROVED}),
}


class IllegalCourseTransition(Exception):
    pass


def can_move_course(current: C, target: C) -> bool:
    return target in COURSE_TRANSITIONS[current]


def move_course(course: Course, target: C, *, now: datetime) -> None:
    if course.status is target:
        return
    if not can_move_course(course.status, target):
        raise IllegalCourseTransition(f"A course cannot go from {course.status} to {target}.")
    course.status = target
    if target is C.PENDING:
        course.submitted_at = now
    elif target is C.APPROVED and course.published_at is None:
        course.published_at = now
