"""What a student's cohorts have not released yet, and what they released since a time, from
one read of their calendar (the sync pull asks both on every pull: a student of no cohort
costs one statement that returns nothing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from lmsdesk_server.schedule.repository import ScheduleRepository


@dataclass
class _Course:
    starts_at: datetime
    #: (release, sections) of each week
    weeks: list[tuple[datetime, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class Releases:
    courses: dict[uuid.UUID, _Course]

    @classmethod
    def of(cls, repo: ScheduleRepository, student_id: uuid.UUID) -> Releases:
        courses: dict[uuid.UUID, _Course] = {}
        for course, starts, release, sections in repo.cohort_calendar(student_id):
            entry = courses.setdefault(course, _Course(starts))
            if release is not None:
                entry.weeks.append((release, sections or []))
        return cls(courses)

    def unreleased_lessons(self, repo: ScheduleRepository, now: datetime) -> list[uuid.UUID]:
        """Lessons whose week opens after `now` (a section in no week opens with the cohort)."""
        found: list[uuid.UUID] = []
        for course, entry in self.courses.items():
            closed = {s for release, sections in entry.weeks if release > now for s in sections}
            if closed:
                found += repo.lessons_of_sections(course, set(), closed)
            if entry.starts_at > now:
                mapped = {s for _release, sections in entry.weeks for s in sections}
                found += repo.lessons_of_sections(course, mapped, None)
        return found

    def released_between(self, after: datetime, through: datetime) -> list[uuid.UUID]:
        """Courses where the cohort started or a week opened in (after, through]."""
        return sorted(
            course
            for course, entry in self.courses.items()
            if after < entry.starts_at <= through
            or any(after < release <= through for release, _sections in entry.weeks)
        )
