"""The demo's schedule (DESIGN.md 11.4), so cohorts, weekly release, prerequisites and programs
show on first run:

- *Practical SQLite* runs a cohort in Europe/Berlin that started five days ago at 9:00 there:
  week 1 (Getting started) is open, week 2 (Check yourself) opens in two days with its work due
  a week later, and a live session is held next week. The demo student is enrolled in it.
  A second cohort, in New York, starts in three weeks (seats limited), to choose from.
- In the paid course, the assignment opens once the quiz is complete (a prerequisite).
- A program of the two demo courses; the demo student has completed the free course and holds
  its certificate (the program's comes with the paid one).

Kept out of the shared test world (`DemoSeeder.run`): tests of payments and progress meet a
self-paced paid course; tests of schedules seed this themselves. Idempotent: fixed ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentSource, EnrollmentStatus, ProgressStatus
from lmsdesk.contracts.ids import progress_id
from lmsdesk.contracts.schedule import week_release
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.certificates.service import issue_if_complete
from lmsdesk_server.db.models import (
    Cohort,
    CohortWeek,
    Course,
    Enrollment,
    Lesson,
    LessonPrerequisite,
    LessonProgress,
    Program,
)
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, user_partition
from lmsdesk_server.schedule.repository import ScheduleRepository
from lmsdesk_server.security.certificate_keys import CertificateSigner

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


class ScheduleSeeder:
    def __init__(
        self,
        session: Session,
        note: Callable[[str], None],
        demo_id: Callable[[str], uuid.UUID],
        signer: CertificateSigner,
    ) -> None:
        self._s = session
        self._note = note
        self._id = demo_id
        self._signer = signer
        self._now = datetime.now(UTC)

    def run(self) -> None:
        paid = self._s.get(Course, self._id("course:practical-sqlite"))
        free = self._s.get(Course, self._id("course:offline-first-basics"))
        student = UserRepository(self._s).by_email("student@example.com")
        if paid is None or free is None or student is None:
            return
        berlin = self._berlin_cohort(paid)
        self._new_york_cohort(paid)
        self._enroll(student.id, paid, berlin)
        self._prerequisite()
        self._program(free, paid)
        self._certificate(student.id, free)

    def _at_nine(self, days_from_now: int, zone: str) -> datetime:
        day = (self._now + timedelta(days=days_from_now)).astimezone(ZoneInfo(zone)).date()
        return datetime.combine(day, time(9), tzinfo=ZoneInfo(zone)).astimezone(UTC)

    def _berlin_cohort(self, paid: Course) -> Cohort:
        key = self._id("cohort:practical-sqlite:berlin")
        existing = self._s.get(Cohort, key)
        if existing is not None:
            return existing
        starts = self._at_nine(-5, BERLIN)
        cohort = self._cohort(key, paid, "Autumn cohort (Berlin)", starts, BERLIN, 30)
        intro, practice = (self._id(f"practical-sqlite:{s}") for s in ("s1", "s2"))
        self._week(cohort, 1, [intro], week_release(starts, BERLIN, 1))
        second = week_release(starts, BERLIN, 2)
        live_start = self._at_nine(7, BERLIN) + timedelta(hours=9)  # 18:00 in Berlin
        self._week(
            cohort,
            2,
            [practice],
            second,
            due=second + timedelta(days=7),
            live=("Live Q&A: schemas that sync", live_start, live_start + timedelta(hours=1)),
        )
        self._note("cohort of practical-sqlite in Europe/Berlin")
        return cohort

    def _new_york_cohort(self, paid: Course) -> None:
        key = self._id("cohort:practical-sqlite:new-york")
        if self._s.get(Cohort, key) is not None:
            return
        starts = self._at_nine(21, NEW_YORK)
        cohort = self._cohort(key, paid, "Winter cohort (New York)", starts, NEW_YORK, 12)
        for number, section in enumerate(("s1", "s2"), start=1):
            sections = [self._id(f"practical-sqlite:{section}")]
            self._week(cohort, number, sections, week_release(starts, NEW_YORK, number))
        self._note("cohort of practical-sqlite in America/New_York")

    def _cohort(
        self,
        key: uuid.UUID,
        course: Course,
        title: str,
        starts: datetime,
        zone: str,
        capacity: int,
    ) -> Cohort:
        cohort = Cohort(
            id=key,
            course_id=course.id,
            title=title,
            starts_at=starts,
            timezone=zone,
            enrollment_closes_hours=48,
            late_join_days=7,
            capacity=capacity,
            seats_taken=0,
        )
        stamp(self._s, cohort, CATALOG_PARTITION)
        self._s.add(cohort)
        self._s.flush()
        return cohort

    def _week(
        self,
        cohort: Cohort,
        number: int,
        sections: list[uuid.UUID],
        release: datetime,
        *,
        due: datetime | None = None,
        live: tuple[str, datetime, datetime] | None = None,
    ) -> None:
        week = CohortWeek(
            id=self._id(f"week:{cohort.id}:{number}"),
            cohort_id=cohort.id,
            number=number,
            section_ids=[str(s) for s in sections],
            release_at=release,
            due_at=due,
            live_title=live[0] if live else "",
            live_starts_at=live[1] if live else None,
            live_ends_at=live[2] if live else None,
            live_url="https://meet.example.com/lmsdesk-sqlite" if live else "",
        )
        stamp(self._s, week, CATALOG_PARTITION)
        self._s.add(week)

    def _enroll(self, student: uuid.UUID, course: Course, cohort: Cohort) -> None:
        key = self._id(f"enrollment:cohort:{student}:{course.id}")
        if self._s.get(Enrollment, key) is not None:
            return
        enrollment = Enrollment(
            id=key,
            student_id=student,
            course_id=course.id,
            status=EnrollmentStatus.ACTIVE,
            source=EnrollmentSource.ADMIN_GRANT,
            price_paid_cents=0,
            currency=course.currency,
            enrolled_at=cohort.starts_at - timedelta(days=3),
            cohort_id=cohort.id,
        )
        stamp(self._s, enrollment, user_partition(student))
        self._s.add(enrollment)
        self._s.flush()
        cohort.seats_taken = ScheduleRepository(self._s).active_in_cohort(cohort.id)
        stamp(self._s, cohort, CATALOG_PARTITION)
        self._note("student@example.com in the Berlin cohort")

    def _prerequisite(self) -> None:
        lesson = self._id("practical-sqlite:assignment")
        needed = self._id("practical-sqlite:quiz")
        if self._s.get(Lesson, lesson) is None or self._s.get(Lesson, needed) is None:
            return
        if self._s.get(LessonPrerequisite, (lesson, needed)) is not None:
            return
        link = LessonPrerequisite(lesson_id=lesson, prerequisite_lesson_id=needed)
        stamp(self._s, link, CATALOG_PARTITION)
        self._s.add(link)
        self._note("prerequisite: the quiz unlocks the assignment")

    def _program(self, free: Course, paid: Course) -> None:
        key = self._id("program:desktop-data")
        if self._s.get(Program, key) is not None:
            return
        admin = UserRepository(self._s).by_email("admin@example.com")
        if admin is None:
            return
        program = Program(
            id=key,
            title="Offline-First Desktop Data",
            description="Sync that never loses work, on a database that never lets you down.",
            course_ids=[str(free.id), str(paid.id)],
            created_by=admin.id,
        )
        stamp(self._s, program, CATALOG_PARTITION)
        self._s.add(program)
        self._s.flush()
        self._note("program of the two demo courses")

    def _certificate(self, student: uuid.UUID, free: Course) -> None:
        lessons = [self._id(f"offline-first-basics:{k}") for k in ("video", "text", "quiz")]
        done = self._now - timedelta(days=2)
        for lesson in lessons:
            if self._s.get(Lesson, lesson) is None:
                continue
            row = self._s.get(LessonProgress, progress_id(student, lesson))
            if row is None:
                row = LessonProgress(
                    id=progress_id(student, lesson), student_id=student, lesson_id=lesson
                )
                self._s.add(row)
            if row.completed_at is None:
                row.status = ProgressStatus.COMPLETED
                row.completed_at = done
                stamp(self._s, row, user_partition(student))
        self._s.flush()
        if issue_if_complete(self._s, student, free.id, self._signer) is not None:
            self._note("certificate of offline-first-basics for student@example.com")
