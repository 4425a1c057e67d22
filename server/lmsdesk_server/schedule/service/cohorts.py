"""Scheduling a course's cohorts (DESIGN.md section 11.4): the handlers of
`schedule.save_cohort@1` and `schedule.set_week@1`, which REST runs too, and the views.

A new cohort gets one week per section, in course order, each opening by the cohort's rule.
Any change of when something opens sends the course's lessons again through the catalog feed,
so every enrolled laptop sees the moved week, and receives a lesson's body exactly when it
opens for its cohort, at its next sync.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.schedule import (
    CohortView,
    CohortWeekView,
    LiveSession,
    SaveCohortArgs,
    SetWeekArgs,
    enrollment_closes_at,
    late_join_until,
    moved_by,
    week_release,
)
from lmsdesk_server.db.models import Cohort, CohortWeek, Course
from lmsdesk_server.db.partitions import CATALOG_PARTITION, bump_partition, stamp
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationRejected
from lmsdesk_server.schedule.repository import ScheduleRepository
from lmsdesk_server.schedule.service.seats import seats_left, state_of


def _own_published_course(ctx: MutationContext, course_id: uuid.UUID) -> Course:
    repo = ScheduleRepository(ctx.session)
    course = repo.course(course_id)
    if course is None or course.deleted_at is not None:
        raise MutationRejected("That course does not exist.", status=404, code="not_found")
    if course.instructor_id != ctx.actor.id:
        raise MutationRejected("Only the course's instructor schedules its cohorts.")
    if course.status is not CourseStatus.APPROVED:
        raise MutationRejected(
            f"“{course.title}” is not published: cohorts are scheduled on a published course.",
            status=409,
            code="not_published",
        )
    return course


def _owned_cohort(ctx: MutationContext, cohort_id: uuid.UUID) -> Cohort:
    cohort = ScheduleRepository(ctx.session).cohort(cohort_id, lock=True)
    if cohort is None:
        raise MutationRejected("That cohort does not exist.", status=404, code="not_found")
    _own_published_course(ctx, cohort.course_id)
    return cohort


def _releases_changed(session: Session, course_id: uuid.UUID) -> None:
    """Every reader gets the course's lessons again, as the schedule now shows them."""
    version = bump_partition(session, CATALOG_PARTITION)
    ScheduleRepository(session).restamp_lessons(course_id, CATALOG_PARTITION, version)


def save_cohort(ctx: MutationContext, args: SaveCohortArgs) -> dict[str, object]:
    repo = ScheduleRepository(ctx.session)
    course = _own_published_course(ctx, args.course_id)
    cohort = repo.cohort(args.cohort_id, lock=True)
    if cohort is not None and cohort.course_id != course.id:
        raise MutationRejected("That cohort id is taken.", status=409)
    if args.capacity is not None and cohort is not None and args.capacity < cohort.seats_taken:
        raise MutationRejected(
            f"{cohort.seats_taken} students hold seats already: the capacity cannot be lower.",
            status=409,
            code="capacity_below_taken",
        )
    if cohort is None:
        cohort = Cohort(id=args.cohort_id, course_id=course.id, seats_taken=0, created_at=ctx.now)
        _set(cohort, args, ctx.now)
        ctx.session.add(cohort)
        stamp(ctx.session, cohort, CATALOG_PARTITION)
        ctx.session.flush()
        for number, section in enumerate(repo.sections_of(course.id), start=1):
            if number > 52:
                break
            week = CohortWeek(
                cohort_id=cohort.id,
                number=number,
                section_ids=[str(section.id)],
                release_at=week_release(cohort.starts_at, cohort.timezone, number),
            )
            ctx.session.add(week)
            stamp(ctx.session, week, CATALOG_PARTITION)
    else:
        old_start, old_zone = cohort.starts_at, cohort.timezone
        _set(cohort, args, ctx.now)
        stamp(ctx.session, cohort, CATALOG_PARTITION)
        if (old_start, old_zone) != (cohort.starts_at, cohort.timezone):
            _move_weeks(ctx.session, cohort, old_start, old_zone)
    ctx.session.flush()
    _releases_changed(ctx.session, course.id)
    return row_dict(cohort)


def _set(cohort: Cohort, args: SaveCohortArgs, now: datetime) -> None:
    cohort.title = args.title
    cohort.starts_at = args.starts_at
    cohort.timezone = args.timezone
    cohort.enrollment_closes_hours = args.enrollment_closes_hours
    cohort.late_join_days = args.late_join_days
    cohort.capacity = args.capacity
    cohort.updated_at = now


def _move_weeks(session: Session, cohort: Cohort, old_start: datetime, old_zone: str) -> None:
    """A new start moves every week with it, keeping each week's own shift from its default."""
    new = (cohort.starts_at, cohort.timezone)
    for week in ScheduleRepository(session).weeks_of(cohort.id):
        by = moved_by(week.release_at, week.number, (old_start, old_zone), new)
        week.release_at += by
        week.due_at = _moved(week.due_at, by)
        week.live_starts_at = _moved(week.live_starts_at, by)
        week.live_ends_at = _moved(week.live_ends_at, by)
        stamp(session, week, CATALOG_PARTITION)


def _moved(moment: datetime | None, by: timedelta) -> datetime | None:
    return None if moment is None else moment + by


def set_week(ctx: MutationContext, args: SetWeekArgs) -> dict[str, object]:
    repo = ScheduleRepository(ctx.session)
    cohort = _owned_cohort(ctx, args.cohort_id)
    sections = {s.id for s in repo.sections_of(cohort.course_id)}
    strangers = [s for s in args.section_ids if s not in sections]
    if strangers:
        raise MutationRejected(
            "A week can only hold sections of this course.", status=422, code="bad_section"
        )
    release_at = args.release_at or week_release(cohort.starts_at, cohort.timezone, args.number)
    if args.due_at is not None and args.due_at <= release_at:
        raise MutationRejected(
            "Work cannot be due before its week opens.", status=422, code="due_before_release"
        )
    wanted = [str(s) for s in dict.fromkeys(args.section_ids)]
    # A section is in one week: taken out of any other.
    for other in repo.weeks_of(cohort.id):
        if other.number != args.number and set(other.section_ids) & set(wanted):
            other.section_ids = [s for s in other.section_ids if s not in wanted]
            stamp(ctx.session, other, CATALOG_PARTITION)
    week = repo.week(cohort.id, args.number)
    if week is None:
        week = CohortWeek(cohort_id=cohort.id, number=args.number)
        ctx.session.add(week)
    week.section_ids = wanted
    week.release_at = release_at
    week.due_at = args.due_at
    live = args.live
    week.live_title = live.title if live else ""
    week.live_starts_at = live.starts_at if live else None
    week.live_ends_at = live.ends_at if live else None
    week.live_url = live.url if live else ""
    stamp(ctx.session, week, CATALOG_PARTITION)
    ctx.session.flush()
    _releases_changed(ctx.session, cohort.course_id)
    return row_dict(week)


# ------------------------------------------------------------------ reading


def week_view(week: CohortWeek) -> CohortWeekView:
    live = None
    if week.live_starts_at is not None and week.live_ends_at is not None:
        live = LiveSession(
            title=week.live_title or "Live session",
            starts_at=week.live_starts_at,
            ends_at=week.live_ends_at,
            url=week.live_url,
        )
    return CohortWeekView(
        number=week.number,
        section_ids=[uuid.UUID(s) for s in week.section_ids],
        release_at=week.release_at,
        due_at=week.due_at,
        live=live,
    )


def cohort_view(
    session: Session, cohort: Cohort, now: datetime, *, with_weeks: bool = False
) -> CohortView:
    weeks = ScheduleRepository(session).weeks_of(cohort.id) if with_weeks else []
    return CohortView(
        id=cohort.id,
        course_id=cohort.course_id,
        title=cohort.title,
        starts_at=cohort.starts_at,
        timezone=cohort.timezone,
        enrollment_closes_at=enrollment_closes_at(cohort.starts_at, cohort.enrollment_closes_hours),
        late_join_until=late_join_until(cohort.starts_at, cohort.late_join_days),
        capacity=cohort.capacity,
        seats_left=seats_left(cohort),
        state=state_of(cohort, now),
        weeks=[week_view(w) for w in weeks],
    )
