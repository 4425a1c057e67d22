"""All SQL of cohorts, their calendar, prerequisites and programs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, String, and_, bindparam, cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB

from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus, OrderStatus
from lmsdesk_server.db.models import (
    Certificate,
    Cohort,
    CohortWeek,
    Course,
    CourseSection,
    Enrollment,
    Lesson,
    LessonPrerequisite,
    LessonProgress,
    Order,
    Program,
    ProgramCertificate,
    User,
)
from lmsdesk_server.db.repository import Repository


def _week_holds(
    week: type[CohortWeek], section_id: ColumnElement[uuid.UUID]
) -> ColumnElement[bool]:
    """The week's section list names this section (a JSONB array of id strings)."""
    return week.section_ids.op("?")(cast(section_id, String))


#: Whether one of a student's active cohorts started, or had a week open, in (after, through]:
#: `Releases.released_between` as an EXISTS, for a statement that asks it beside other things
#: (the sync pull's no-op check). Built once; its values come from `released_between_params`.
RELEASED_BETWEEN: ColumnElement[bool] = (
    select(Enrollment.id)
    .join(Cohort, Cohort.id == Enrollment.cohort_id)
    .outerjoin(CohortWeek, CohortWeek.cohort_id == Cohort.id)
    .where(
        Enrollment.student_id == bindparam("released_student"),
        Enrollment.status == EnrollmentStatus.ACTIVE,
        (Cohort.starts_at > bindparam("released_after"))
        & (Cohort.starts_at <= bindparam("released_through"))
        | (CohortWeek.release_at > bindparam("released_after"))
        & (CohortWeek.release_at <= bindparam("released_through")),
    )
    .exists()
)


def released_between_params(
    student_id: uuid.UUID, after: datetime, through: datetime
) -> dict[str, object]:
    return {"released_student": student_id, "released_after": after, "released_through": through}


class ScheduleRepository(Repository):
    # ------------------------------------------------------------ cohorts and weeks

    def cohort(self, cohort_id: uuid.UUID, *, lock: bool = False) -> Cohort | None:
        return self.find(Cohort, cohort_id, lock=lock)

    def cohorts_of(self, course_id: uuid.UUID) -> list[Cohort]:
        stmt = select(Cohort).where(Cohort.course_id == course_id).order_by(Cohort.starts_at)
        return list(self.session.scalars(stmt))

    def has_cohorts(self, course_id: uuid.UUID) -> bool:
        stmt = select(Cohort.id).where(Cohort.course_id == course_id).limit(1)
        return self.session.scalar(stmt) is not None

    def weeks_of(self, cohort_id: uuid.UUID) -> list[CohortWeek]:
        stmt = select(CohortWeek).where(CohortWeek.cohort_id == cohort_id)
        return list(self.session.scalars(stmt.order_by(CohortWeek.number)))

    def week(self, cohort_id: uuid.UUID, number: int) -> CohortWeek | None:
        stmt = select(CohortWeek).where(
            CohortWeek.cohort_id == cohort_id, CohortWeek.number == number
        )
        return self.session.scalar(stmt)

    def sections_of(self, course_id: uuid.UUID) -> list[CourseSection]:
        stmt = select(CourseSection).where(CourseSection.course_id == course_id)
        return list(self.session.scalars(stmt.order_by(CourseSection.position)))

    def course(self, course_id: uuid.UUID, *, lock: bool = False) -> Course | None:
        return self.find(Course, course_id, lock=lock)

    def restamp_lessons(self, course_id: uuid.UUID, partition: str, version: int) -> None:
        """Send a course's lessons again (their release changed): each reader gets them as
        the schedule now shows them to it."""
        self.session.execute(
            update(Lesson)
            .where(Lesson.course_id == course_id)
            .values(sync_partition=partition, sync_version=version)
        )

    def open_checkouts(self, cohort_id: uuid.UUID, since: datetime) -> int:
        """Checkouts for the cohort still payable (started after `since`)."""
        stmt = select(func.count()).where(
            Order.cohort_id == cohort_id,
            Order.status == OrderStatus.PENDING,
            Order.created_at > since,
        )
        return int(self.session.scalar(stmt) or 0)

    def active_in_cohort(self, cohort_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            Enrollment.cohort_id == cohort_id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
        return int(self.session.scalar(stmt) or 0)

    # ------------------------------------------------------------ what is open to a student

    def enrolled_cohort(self, student_id: uuid.UUID, course_id: uuid.UUID) -> Cohort | None:
        stmt = (
            select(Cohort)
            .join(Enrollment, Enrollment.cohort_id == Cohort.id)
            .where(
                Enrollment.student_id == student_id,
                Enrollment.course_id == course_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
        )
        return self.session.scalar(stmt)

    def release_of(self, cohort: Cohort, section_id: uuid.UUID) -> tuple[datetime, datetime | None]:
        """(when the section opens for the cohort, the week's due time)."""
        stmt = select(CohortWeek.release_at, CohortWeek.due_at).where(
            CohortWeek.cohort_id == cohort.id, _week_holds(CohortWeek, literal(section_id))
        )
        found = self.session.execute(stmt.limit(1)).first()
        return (found[0], found[1]) if found else (cohort.starts_at, None)

    def missing_prerequisites(self, student_id: uuid.UUID, lesson_id: uuid.UUID) -> list[str]:
        """Titles of the lesson's prerequisites this student has not completed, in course order."""
        done = and_(
            LessonProgress.lesson_id == LessonPrerequisite.prerequisite_lesson_id,
            LessonProgress.student_id == student_id,
            LessonProgress.completed_at.is_not(None),
        )
        stmt = (
            select(Lesson.title)
            .join(LessonPrerequisite, LessonPrerequisite.prerequisite_lesson_id == Lesson.id)
            .join(CourseSection, CourseSection.id == Lesson.section_id)
            .outerjoin(LessonProgress, done)
            .where(LessonPrerequisite.lesson_id == lesson_id, LessonProgress.id.is_(None))
            .order_by(CourseSection.position, Lesson.position)
        )
        return list(self.session.scalars(stmt))

    def cohort_calendar(
        self, student_id: uuid.UUID
    ) -> list[tuple[uuid.UUID, datetime, datetime | None, list[str] | None]]:
        """(course, cohort start, week release, week sections) of the student's active cohort
        enrollments, a row per week (one row with no week for a cohort without weeks). One
        statement; none returned for a student of no cohort."""
        stmt = (
            select(
                Enrollment.course_id,
                Cohort.starts_at,
                CohortWeek.release_at,
                CohortWeek.section_ids,
            )
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .outerjoin(CohortWeek, CohortWeek.cohort_id == Cohort.id)
            .where(
                Enrollment.student_id == student_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
        )
        return [(row[0], row[1], row[2], row[3]) for row in self.session.execute(stmt)]

    def lessons_of_sections(
        self, course_id: uuid.UUID, opened: set[str], closed: set[str] | None
    ) -> list[uuid.UUID]:
        """A course's lessons (not previews) in the sections `closed` names, or when `closed`
        is None, in every section `opened` does not name (sections in no week)."""
        stmt = select(Lesson.id).where(Lesson.course_id == course_id, ~Lesson.is_preview)
        if closed is not None:
            stmt = stmt.where(cast(Lesson.section_id, String).in_(sorted(closed)))
        else:
            stmt = stmt.where(cast(Lesson.section_id, String).not_in(sorted(opened)))
        return list(self.session.scalars(stmt))

    # ------------------------------------------------------------ prerequisites

    def lesson(self, lesson_id: uuid.UUID) -> Lesson | None:
        return self.find(Lesson, lesson_id)

    def lessons_in(self, course_id: uuid.UUID, lesson_ids: Sequence[uuid.UUID]) -> list[Lesson]:
        stmt = select(Lesson).where(Lesson.course_id == course_id, Lesson.id.in_(lesson_ids))
        return list(self.session.scalars(stmt))

    def prerequisite_graph(self, course_id: uuid.UUID) -> dict[uuid.UUID, list[uuid.UUID]]:
        stmt = (
            select(LessonPrerequisite.lesson_id, LessonPrerequisite.prerequisite_lesson_id)
            .join(Lesson, Lesson.id == LessonPrerequisite.lesson_id)
            .where(Lesson.course_id == course_id)
        )
        graph: dict[uuid.UUID, list[uuid.UUID]] = {}
        for lesson, needed in self.session.execute(stmt):
            graph.setdefault(lesson, []).append(needed)
        return graph

    def with_prerequisites(self, lesson_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        stmt = select(LessonPrerequisite.lesson_id).where(
            LessonPrerequisite.lesson_id.in_(lesson_ids)
        )
        return set(self.session.scalars(stmt))

    def prerequisites_of(self, lesson_id: uuid.UUID) -> list[LessonPrerequisite]:
        stmt = select(LessonPrerequisite).where(LessonPrerequisite.lesson_id == lesson_id)
        return list(self.session.scalars(stmt))

    def titles(self, lesson_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        stmt = select(Lesson.id, Lesson.title).where(Lesson.id.in_(lesson_ids))
        return {row[0]: row[1] for row in self.session.execute(stmt)}

    # ------------------------------------------------------------ programs

    def program(self, program_id: uuid.UUID) -> Program | None:
        return self.find(Program, program_id)

    def programs(self) -> list[Program]:
        return list(self.session.scalars(select(Program).order_by(Program.title)))

    def programs_with(self, course_id: uuid.UUID) -> list[Program]:
        stmt = select(Program).where(
            Program.course_ids.op("@>")(cast(func.jsonb_build_array(str(course_id)), JSONB))
        )
        return list(self.session.scalars(stmt))

    def approved_courses(self, course_ids: Sequence[uuid.UUID]) -> list[Course]:
        stmt = select(Course).where(
            Course.id.in_(course_ids), Course.status == CourseStatus.APPROVED
        )
        return list(self.session.scalars(stmt))

    def valid_course_certificates(
        self, student_id: uuid.UUID, course_ids: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        stmt = select(Certificate.course_id).where(
            Certificate.student_id == student_id,
            Certificate.course_id.in_(course_ids),
            Certificate.revoked_at.is_(None),
        )
        return set(self.session.scalars(stmt))

    def program_certificate_of(
        self, student_id: uuid.UUID, program_id: uuid.UUID, *, lock: bool = False
    ) -> ProgramCertificate | None:
        stmt = select(ProgramCertificate).where(
            ProgramCertificate.student_id == student_id,
            ProgramCertificate.program_id == program_id,
        )
        return self.session.scalar(stmt.with_for_update() if lock else stmt)

    def program_certificate_with_names(
        self, certificate_id: uuid.UUID
    ) -> tuple[ProgramCertificate, str, str] | None:
        stmt = (
            select(ProgramCertificate, User.full_name, Program.title)
            .join(User, User.id == ProgramCertificate.student_id)
            .join(Program, Program.id == ProgramCertificate.program_id)
            .where(ProgramCertificate.id == certificate_id)
        )
        row = self.session.execute(stmt).one_or_none()
        return (row[0], row[1], row[2]) if row is not None else None
