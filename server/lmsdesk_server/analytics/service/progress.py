"""Each enrollment's progress, kept as progress arrives (DESIGN.md section 11.6).

Progress writes (a push, the REST door, a grade that completes a lesson) note the (student,
lesson) pairs they touched; the request scope calls `settle` before it commits, so the
enrollment's figures change in the same transaction as the progress itself, whichever door it
came by. The figures are recomputed from the progress rows under the enrollment's progress
row lock, never counted up, so a push replayed, two devices at once or a reset cannot make them
drift; the percent is the app's own (`percent_of`), over the same lessons.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.analytics import percent_of
from lmsdesk_server.analytics.repository import AnalyticsRepository

_TOUCHED = "lmsdesk.analytics_touched"

#: (student, lesson) -> (when, whether the student did it: an active day)
Touched = dict[tuple[uuid.UUID, uuid.UUID], tuple[datetime, bool]]


def note(
    session: Session,
    student_id: uuid.UUID,
    lesson_ids: list[uuid.UUID],
    at: datetime,
    *,
    by_student: bool = True,
) -> None:
    """Remember that the student's progress in these lessons changed in this transaction."""
    touched: Touched = session.info.setdefault(_TOUCHED, {})
    for lesson_id in lesson_ids:
        key = (student_id, lesson_id)
        before = touched.get(key)
        if before is None or before[0] < at:
            touched[key] = (at, by_student or (before is not None and before[1]))


def forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def settle(session: Session) -> None:
    """Recompute the progress of every enrollment this transaction touched."""
    touched: Touched = session.info.pop(_TOUCHED, {})
    if not touched:
        return
    repo = AnalyticsRepository(session)
    courses = repo.courses_of_lessons({lesson for _, lesson in touched})
    pairs: dict[tuple[uuid.UUID, uuid.UUID], tuple[datetime, bool]] = {}
    for (student, lesson), (at, active) in touched.items():
        course = courses.get(lesson)
        if course is None:
            continue
        before = pairs.get((student, course))
        if before is None:
            pairs[(student, course)] = (at, active)
        else:
            pairs[(student, course)] = (max(at, before[0]), active or before[1])
    # Sorted: two transactions lock the same enrollments in the same order (no deadlock).
    for (student, course), (at, active) in sorted(pairs.items()):
        enrollment_id = repo.enrollment_id(student, course)
        if enrollment_id is None:
            continue  # an instructor or admin trying their own course, a preview
        row = repo.lock_progress(enrollment_id, student, course)
        done, total = repo.lesson_counts(student, course)
        row.lessons_completed = done
        row.lessons_total = total
        row.progress_percent = percent_of(done, total)
        row.updated_at = at
        if active:
            if row.last_activity_at is None or row.last_activity_at < at:
                row.last_activity_at = at
            repo.mark_day(student, course, at.date())
    session.flush()
