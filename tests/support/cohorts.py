"""A published course of the demo instructor made for one test (the shared live server's demo
courses stay self-paced), with two sections of one text lesson each, and a cohort of it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from lmsdesk.contracts.enums import CourseStatus, LessonType
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Cohort, CohortWeek, Course, CourseSection, Enrollment, Lesson
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, user_partition
from tests.support.live_server import LiveServer

WEEK_TWO_TEXT = "# Week two\n\nIndexes, and when not to add one."


class CohortCourse:
    """A free published course of the demo instructor with two sections (one lesson each),
    made for this test alone (the shared server's demo courses stay self-paced)."""

    def __init__(self, live_server: LiveServer) -> None:
        self.id = uuid.uuid4()
        self.sections = [uuid.uuid4(), uuid.uuid4()]
        self.lessons = [uuid.uuid4(), uuid.uuid4()]
        with transaction(live_server.context.session_factory) as db:
            teacher = UserRepository(db).by_email("instructor@example.com")
            assert teacher is not None
            course = Course(
                id=self.id,
                instructor_id=teacher.id,
                title=f"Indexes in a cohort {self.id.hex[:6]}",
                subtitle="",
                slug=f"cohort-{self.id.hex}",
                description="Weekly, with a group.",
                price_cents=0,
                currency="USD",
                status=CourseStatus.APPROVED,
                published_at=datetime.now(UTC),
            )
            stamp(db, course, CATALOG_PARTITION)
            db.add(course)
            db.flush()
            for n, (section, lesson) in enumerate(zip(self.sections, self.lessons, strict=True)):
                row = CourseSection(
                    id=section, course_id=self.id, title=f"Part {n + 1}", position=f"a{n}"
                )
                stamp(db, row, CATALOG_PARTITION)
                db.add(row)
                db.flush()
                text = Lesson(
                    id=lesson,
                    course_id=self.id,
                    section_id=section,
                    title=f"Week {n + 1} notes",
                    lesson_type=LessonType.TEXT,
                    position="a0",
                    content="# Week one\n\nTables." if n == 0 else WEEK_TWO_TEXT,
                )
                stamp(db, text, CATALOG_PARTITION)
                db.add(text)
            db.flush()

    def add_cohort(
        self,
        live_server: LiveServer,
        *,
        started: timedelta = timedelta(days=1),
        week_two_in: timedelta = timedelta(days=2),
        title: str = "Autumn cohort (Berlin)",
        capacity: int | None = 20,
    ) -> uuid.UUID:
        """A cohort that started `started` ago in Europe/Berlin: week 1 open, week 2 opening
        `week_two_in` from now with its work due and a live session the day after."""
        now = datetime.now(UTC)
        with transaction(live_server.context.session_factory) as db:
            cohort = Cohort(
                course_id=self.id,
                title=title,
                starts_at=now - started,
                timezone="Europe/Berlin",
                capacity=capacity,
            )
            stamp(db, cohort, CATALOG_PARTITION)
            db.add(cohort)
            db.flush()
            second = now + week_two_in
            for number, (section, opens) in enumerate(
                ((self.sections[0], now - started), (self.sections[1], second)), start=1
            ):
                week = CohortWeek(
                    cohort_id=cohort.id,
                    number=number,
                    section_ids=[str(section)],
                    release_at=opens,
                    due_at=opens + timedelta(days=6) if number == 2 else None,
                    live_title="Live Q&A" if number == 2 else "",
                    live_starts_at=opens + timedelta(days=1) if number == 2 else None,
                    live_ends_at=opens + timedelta(days=1, hours=1) if number == 2 else None,
                    live_url="https://meet.example.com/idx" if number == 2 else "",
                )
                stamp(db, week, CATALOG_PARTITION)
                db.add(week)
            return cohort.id

    @staticmethod
    def place(live_server: LiveServer, enrollment_id: uuid.UUID, cohort_id: uuid.UUID) -> None:
        """The student's enrollment joins the cohort (as a checkout with it would)."""
        with transaction(live_server.context.session_factory) as db:
            row = db.get(Enrollment, enrollment_id)
            assert row is not None
            row.cohort_id = cohort_id
            stamp(db, row, user_partition(row.student_id))
