"""What is open to a student (DESIGN.md section 11.4): a lesson of a cohort opens when its
week is released, and any lesson once its prerequisites are complete.

Checked by the server for everything it serves or takes on request, whichever door: lesson
bodies (GET /lessons/{id}, and the sync feed withholds them until release), media links,
progress and quiz attempts, assignment work. Refusals are 403 `not_released` or `locked`. The
course's instructor and admins are never gated, nor are preview lessons.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from lmsdesk_server.db.models import Lesson
from lmsdesk_server.mutation import MutationRejected
from lmsdesk_server.schedule.repository import ScheduleRepository
from lmsdesk_server.schedule.service.releases import Releases

NOT_RELEASED = "not_released"
LOCKED = "locked"
#: Refusals that lift by themselves (time passes, a prerequisite is completed): never cached.
CLOSED = frozenset({NOT_RELEASED, LOCKED})


def _quoted(titles: list[str]) -> str:
    named = [f"“{t}”" for t in titles]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def refuse_if_closed(
    session: Session, student_id: uuid.UUID, lesson: Lesson, now: datetime
) -> None:
    """For a student enrolled in the lesson's course (the caller checked that)."""
    if lesson.is_preview:
        return
    repo = ScheduleRepository(session)
    cohort = repo.enrolled_cohort(student_id, lesson.course_id)
    if cohort is not None:
        opens, _due = repo.release_of(cohort, lesson.section_id)
        if opens > now:
            local = opens.astimezone(ZoneInfo(cohort.timezone))
            raise MutationRejected(
                f"“{lesson.title}” opens on {local:%A %d %B at %H:%M} ({cohort.timezone}).",
                code=NOT_RELEASED,
            )
    missing = repo.missing_prerequisites(student_id, lesson.id)
    if missing:
        raise MutationRejected(
            f"Complete {_quoted(missing)} first: it unlocks “{lesson.title}”.", code=LOCKED
        )


def due_at(session: Session, student_id: uuid.UUID, lesson: Lesson) -> datetime | None:
    """When the student's work for an assignment is due: their cohort's week's due time if it
    sets one, else the assignment's own."""
    cohort = ScheduleRepository(session).enrolled_cohort(student_id, lesson.course_id)
    if cohort is not None:
        _opens, week_due = ScheduleRepository(session).release_of(cohort, lesson.section_id)
        if week_due is not None:
            return week_due
    return lesson.due_at


def possibly_closed(
    session: Session, student_id: uuid.UUID, lesson_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Of these lessons, the ones a schedule or a prerequisite may close to the student (two
    queries for a whole batch; each is then decided by `refuse_if_closed`)."""
    repo = ScheduleRepository(session)
    calendar = Releases.of(repo, student_id)
    unreleased = set(calendar.unreleased_lessons(repo, datetime.now(UTC)))
    return (unreleased & set(lesson_ids)) | repo.with_prerequisites(lesson_ids)
