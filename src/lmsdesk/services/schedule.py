"""Cohorts and their calendar on this computer (DESIGN.md 11.4), read offline from the mirror.

For a student: the cohort they joined, its weeks (what opens when, what is due, live sessions)
and which lessons are not open yet, decided by the trusted clock (the server's time at the
last sync plus the monotonic time since), so moving the computer's clock opens nothing. For
someone choosing: the cohorts of a course still open to join. For the instructor: the course's
cohorts, saved and moved offline through the outbox. Times are shown in the viewer's zone (the
profile's, else the computer's).

Blocking: call on the database lane (`calendar_link` on the io lane).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk.contracts.schedule import (
    JoinState,
    LiveSession,
    SaveCohortArgs,
    SetPrerequisitesArgs,
    SetWeekArgs,
    enrollment_closes_at,
    join_state,
    late_join_until,
    prerequisite_cycle,
)
from lmsdesk.local_db import sync_state
from lmsdesk.local_db.models.mirror import CourseSection, Enrollment, Lesson, LessonPrerequisite
from lmsdesk.local_db.models.schedule import Cohort, CohortWeek
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import NotSignedIn, SessionService
from lmsdesk.sync.api_client import ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded


class ScheduleProblem(UserFacingError):
    """A schedule that cannot be saved or a calendar that cannot be reached; says why."""


@dataclass(frozen=True)
class LiveSessionView:
    title: str
    starts_at: datetime
    ends_at: datetime
    url: str  # empty for someone not in the course


@dataclass(frozen=True)
class WeekView:
    number: int
    section_ids: tuple[uuid.UUID, ...]
    section_titles: tuple[str, ...]
    release_at: datetime
    is_open: bool
    due_at: datetime | None
    live: LiveSessionView | None


@dataclass(frozen=True)
class CohortView:
    id: uuid.UUID
    course_id: uuid.UUID
    title: str
    starts_at: datetime
    timezone: str
    enrollment_closes_at: datetime
    late_join_until: datetime
    enrollment_closes_hours: int
    late_join_days: int
    capacity: int | None
    seats_left: int | None
    state: JoinState
    weeks: tuple[WeekView, ...]

    @property
    def joinable(self) -> bool:
        return self.state in (JoinState.OPEN, JoinState.LATE)


def viewer_zone(profile_zone: str | None) -> tzinfo | None:
    """The zone to show times in: the profile's, else the computer's (None). A profile still at
    the server's default (UTC) counts as unset."""
    if profile_zone and profile_zone != "UTC":
        try:
            return ZoneInfo(profile_zone)
        except (ValueError, KeyError):
            return None
    return None


def enrolled_cohort(session: Session, course_id: uuid.UUID) -> Cohort | None:
    """The cohort the signed-in student joined for this course (the mirror holds only their
    own enrollments), or None: self-paced."""
    cohort_id = session.scalar(
        select(Enrollment.cohort_id).where(
            Enrollment.course_id == course_id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
    )
    return session.get(Cohort, cohort_id) if cohort_id is not None else None


def _weeks(session: Session, cohort_id: uuid.UUID) -> list[CohortWeek]:
    stmt = select(CohortWeek).where(CohortWeek.cohort_id == cohort_id)
    return list(session.scalars(stmt.order_by(CohortWeek.number)))


def section_opening(
    session: Session, course_id: uuid.UUID
) -> dict[uuid.UUID, tuple[int, datetime]]:
    """For a student of a cohort: each section's (week number, release time); a section in no
    week opens with the cohort (week 0). Empty for a self-paced student."""
    cohort = enrolled_cohort(session, course_id)
    if cohort is None:
        return {}
    sections = session.scalars(
        select(CourseSection.id).where(CourseSection.course_id == course_id)
    ).all()
    opening = dict.fromkeys(sections, (0, cohort.starts_at))
    for week in _weeks(session, cohort.id):
        for section in week.section_ids:
            key = uuid.UUID(section)
            if key in opening:
                opening[key] = (week.number, week.release_at)
    return opening


def lesson_opens_at(session: Session, lesson: Lesson, now: datetime) -> datetime | None:
    """When the lesson opens for this student, if not yet (preview lessons are always open)."""
    if lesson.is_preview:
        return None
    opening = section_opening(session, lesson.course_id).get(lesson.section_id)
    return opening[1] if opening is not None and opening[1] > now else None


def _seats_left(cohort: Cohort) -> int | None:
    return None if cohort.capacity is None else max(cohort.capacity - cohort.seats_taken, 0)


def cohort_view(session: Session, cohort: Cohort, now: datetime) -> CohortView:
    titles = {
        s.id: s.title
        for s in session.scalars(
            select(CourseSection).where(CourseSection.course_id == cohort.course_id)
        )
    }
    weeks = []
    for week in _weeks(session, cohort.id):
        ids = tuple(uuid.UUID(s) for s in week.section_ids)
        live = None
        if week.live_starts_at is not None and week.live_ends_at is not None:
            live = LiveSessionView(
                week.live_title or "Live session",
                week.live_starts_at,
                week.live_ends_at,
                week.live_url,
            )
        weeks.append(
            WeekView(
                number=week.number,
                section_ids=ids,
                section_titles=tuple(titles[s] for s in ids if s in titles),
                release_at=week.release_at,
                is_open=week.release_at <= now,
                due_at=week.due_at,
                live=live,
            )
        )
    seats = _seats_left(cohort)
    return CohortView(
        id=cohort.id,
        course_id=cohort.course_id,
        title=cohort.title,
        starts_at=cohort.starts_at,
        timezone=cohort.timezone,
        enrollment_closes_at=enrollment_closes_at(cohort.starts_at, cohort.enrollment_closes_hours),
        late_join_until=late_join_until(cohort.starts_at, cohort.late_join_days),
        enrollment_closes_hours=cohort.enrollment_closes_hours,
        late_join_days=cohort.late_join_days,
        capacity=cohort.capacity,
        seats_left=seats,
        state=join_state(
            now, cohort.starts_at, cohort.enrollment_closes_hours, cohort.late_join_days, seats
        ),
        weeks=tuple(weeks),
    )


@dataclass(frozen=True)
class CourseSchedule:
    """A student's calendar of one course: their cohort, its weeks, the next thing to open."""

    cohort: CohortView
    now: datetime

    @property
    def next_release(self) -> datetime | None:
        later = [w.release_at for w in self.cohort.weeks if not w.is_open]
        return min(later) if later else None

    @property
    def upcoming_live(self) -> list[tuple[int, LiveSessionView]]:
        return [
            (w.number, w.live)
            for w in self.cohort.weeks
            if w.live is not None and w.live.ends_at > self.now
        ]


class ScheduleService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def zone(self) -> tzinfo | None:
        current = self._session.current
        account = current.account if current is not None else None
        return viewer_zone(account.timezone if account is not None else None)

    # ---------------------------------------------------------------- students
    def course_schedule(self, course_id: uuid.UUID) -> CourseSchedule | None:
        with self._session.require_store().reading() as session:
            cohort = enrolled_cohort(session, course_id)
            if cohort is None:
                return None
            now = sync_state.trusted_now(session)
            return CourseSchedule(cohort_view(session, cohort, now), now)

    def my_schedules(self) -> list[CourseSchedule]:
        """Every cohort the student is in (My learning's calendar)."""
        with self._session.require_store().reading() as session:
            now = sync_state.trusted_now(session)
            ids = session.scalars(
                select(Enrollment.cohort_id).where(
                    Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.cohort_id.is_not(None)
                )
            ).all()
            cohorts = [c for c in (session.get(Cohort, i) for i in ids) if c is not None]
            return [CourseSchedule(cohort_view(session, c, now), now) for c in cohorts]

    def joinable_cohorts(self, course_id: uuid.UUID) -> list[CohortView]:
        """The course's cohorts as the catalog last said, soonest first (closed ones left out);
        empty for a self-paced course."""
        with self._session.require_store().reading() as session:
            now = sync_state.trusted_now(session)
            rows = session.scalars(
                select(Cohort).where(Cohort.course_id == course_id).order_by(Cohort.starts_at)
            ).all()
            views = [cohort_view(session, c, now) for c in rows]
            return [v for v in views if v.state is not JoinState.CLOSED]

    def calendar_link(self, cohort_id: uuid.UUID) -> str:
        """The student's own calendar feed URL (asks the server: needs the network)."""
        try:
            return self._session.api_call(lambda api, t: api.calendar_link(t, cohort_id))
        except (ServerUnreachable, SessionEnded, NotSignedIn) as exc:
            raise ScheduleProblem(
                "Adding the calendar needs the server: connect and try again."
            ) from exc
        except ApiRejected as exc:
            raise ScheduleProblem(exc.message) from exc

    # ---------------------------------------------------------------- instructors
    def course_cohorts(self, course_id: uuid.UUID) -> list[CohortView]:
        with self._session.require_store().reading() as session:
            now = sync_state.trusted_now(session)
            rows = session.scalars(
                select(Cohort).where(Cohort.course_id == course_id).order_by(Cohort.starts_at)
            ).all()
            return [cohort_view(session, c, now) for c in rows]

    def course_sections(self, course_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
        """The published course's sections, in order: what weeks are made of."""
        with self._session.require_store().reading() as session:
            rows = session.scalars(
                select(CourseSection)
                .where(CourseSection.course_id == course_id)
                .order_by(CourseSection.position)
            )
            return [(row.id, row.title) for row in rows]

    def save_cohort(self, args: SaveCohortArgs) -> None:
        self._session.require_engine().record(m.SAVE_COHORT, args)

    def set_week(
        self,
        cohort_id: uuid.UUID,
        number: int,
        section_ids: list[uuid.UUID],
        release_at: datetime,
        due_at: datetime | None,
        live: LiveSession | None,
    ) -> None:
        if due_at is not None and due_at <= release_at:
            raise ScheduleProblem("Work cannot be due before its week opens.")
        args = SetWeekArgs(
            cohort_id=cohort_id,
            number=number,
            section_ids=section_ids,
            release_at=release_at,
            due_at=due_at,
            live=live,
        )
        self._session.require_engine().record(m.SET_WEEK, args)

    def prerequisites(self, lesson_id: uuid.UUID) -> list[uuid.UUID]:
        with self._session.require_store().reading() as session:
            return list(
                session.scalars(
                    select(LessonPrerequisite.prerequisite_lesson_id).where(
                        LessonPrerequisite.lesson_id == lesson_id
                    )
                )
            )

    def set_prerequisites(self, lesson_id: uuid.UUID, needed: list[uuid.UUID]) -> None:
        """Checked here first (no loop, same course) so the instructor hears at once; the
        server checks again."""
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise ScheduleProblem("That lesson is gone.")
            course_lessons = {
                row.id: row.title
                for row in session.scalars(
                    select(Lesson).where(Lesson.course_id == lesson.course_id)
                )
            }
            graph: dict[uuid.UUID, list[uuid.UUID]] = {}
            for lid, pid in session.execute(
                select(LessonPrerequisite.lesson_id, LessonPrerequisite.prerequisite_lesson_id)
            ):
                if lid in course_lessons:
                    graph.setdefault(lid, []).append(pid)
        if lesson_id in needed:
            raise ScheduleProblem("A lesson cannot be its own prerequisite.")
        if any(n not in course_lessons for n in needed):
            raise ScheduleProblem("Prerequisites must be lessons of the same course.")
        graph[lesson_id] = list(needed)
        cycle = prerequisite_cycle(graph, lesson_id)
        if cycle is not None:
            loop = " → ".join(f"“{course_lessons.get(x, '?')}”" for x in cycle)
            raise ScheduleProblem(f"That would make a loop no student could enter: {loop}.")
        args = SetPrerequisitesArgs(lesson_id=lesson_id, lesson_ids=needed)
        self._session.require_engine().record(m.SET_PREREQUISITES, args)
