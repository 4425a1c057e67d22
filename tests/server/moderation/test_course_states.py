"""The course status machine: every listed move works, every other one is refused."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from lmsdesk.contracts.enums import CourseStatus as C
from lmsdesk_server.authoring.service.states import (
    COURSE_TRANSITIONS,
    IllegalCourseTransition,
    move_course,
)
from lmsdesk_server.db.models import Course

ALLOWED = {
    (C.DRAFT, C.PENDING),
    (C.PENDING, C.APPROVED),
    (C.PENDING, C.REJECTED),
    (C.REJECTED, C.DRAFT),
    (C.REJECTED, C.PENDING),
    (C.APPROVED, C.ARCHIVED),
    (C.ARCHIVED, C.APPROVED),
}
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_table_is_the_documented_machine() -> None:
    assert {(a, b) for a, targets in COURSE_TRANSITIONS.items() for b in targets} == ALLOWED
    assert set(COURSE_TRANSITIONS) == set(C)


@pytest.mark.parametrize(("current", "target"), list(itertools.permutations(C, 2)))
def test_each_move_is_allowed_or_refused(current: C, target: C) -> None:
    course = Course(status=current, submitted_at=None, published_at=None)
    if (current, target) in ALLOWED:
        move_course(course, target, now=NOW)
        assert course.status is target
        assert (course.submitted_at == NOW) is (target is C.PENDING)
        assert (course.published_at == NOW) is (target is C.APPROVED)
    else:
        with pytest.raises(IllegalCourseTransition, match=f"from {current} to {target}"):
            move_course(course, target, now=NOW)
        assert course.status is current


def test_republishing_keeps_the_first_publication_date() -> None:
    first = datetime(2025, 1, 1, tzinfo=UTC)
    course = Course(status=C.ARCHIVED, published_at=first)
    move_course(course, C.APPROVED, now=NOW)
    assert course.published_at == first
