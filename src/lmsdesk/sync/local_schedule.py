"""Schedules, prerequisites and programs on this device, before the server has seen them (see
local_mutations.py): a cohort saved offline, a week moved, prerequisites picked, a program
defined show at once. A new cohort gets one week per section, as the server will make them.

Every applier sets state, so replaying it after a pulled page gives the same result.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.partitions import CATALOG_PARTITION, draft_partition
from lmsdesk.contracts.schedule import (
    CreateProgramArgs,
    SaveCohortArgs,
    SetPrerequisitesArgs,
    SetWeekArgs,
    moved_by,
    week_release,
)
from lmsdesk.local_db.models.mirror import Course, CourseSection, Lesson, LessonPrerequisite
from lmsdesk.local_db.models.schedule import Cohort, CohortWeek, Program
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation, local


def _save_cohort(ctx: LocalContext, args: SaveCohortArgs) -> None:
    cohort = ctx.session.get(Cohort, args.cohort_id)
    new = cohort is None
    if cohort is None:
        cohort = Cohort(
            id=args.cohort_id,
            course_id=args.course_id,
            seats_taken=0,
            created_at=ctx.now,
            sync_partition=CATALOG_PARTITION,
            sync_version=0,
        )
        ctx.session.add(cohort)
    moved = not new and (cohort.starts_at, cohort.timezone) != (args.starts_at, args.timezone)
    old_start, old_zone = cohort.starts_at, cohort.timezone
    cohort.title = args.title
    cohort.starts_at = args.starts_at
    cohort.timezone = args.timezone
    cohort.enrollment_closes_hours = args.enrollment_closes_hours
    cohort.late_join_days = args.late_join_days
    cohort.capacity = args.capacity
    cohort.updated_at = ctx.now
    if new:
        sections = ctx.session.scalars(
            select(CourseSection)
            .where(CourseSection.course_id == args.course_id)
            .order_by(CourseSection.position)
        ).all()
        for number, section in enumerate(sections[:52], start=1):
            ctx.session.add(
                CohortWeek(
                    id=uuid.uuid5(args.cohort_id, f"week {number}"),
                    cohort_id=args.cohort_id,
                    number=number,
                    section_ids=[str(section.id)],
                    release_at=week_release(args.starts_at, args.timezone, number),
                    live_title="",
                    live_url="",
                    sync_partition=CATALOG_PARTITION,
                    sync_version=0,
                )
            )
    elif moved:
        new_start = (args.starts_at, args.timezone)
        for week in _weeks(ctx.session, args.cohort_id):
            by = moved_by(week.release_at, week.number, (old_start, old_zone), new_start)
            week.release_at += by
            week.due_at = week.due_at + by if week.due_at else None
            week.live_starts_at = week.live_starts_at + by if week.live_starts_at else None
            week.live_ends_at = week.live_ends_at + by if week.live_ends_at else None


def _weeks(session: Session, cohort_id: uuid.UUID) -> list[CohortWeek]:
    stmt = select(CohortWeek).where(CohortWeek.cohort_id == cohort_id)
    return list(session.scalars(stmt.order_by(CohortWeek.number)))


def _set_week(ctx: LocalContext, args: SetWeekArgs) -> None:
    cohort = ctx.session.get(Cohort, args.cohort_id)
    if cohort is None:
        return
    wanted = [str(s) for s in dict.fromkeys(args.section_ids)]
    weeks = {w.number: w for w in _weeks(ctx.session, args.cohort_id)}
    for other in weeks.values():
        if other.number != args.number and set(other.section_ids) & set(wanted):
            other.section_ids = [s for s in other.section_ids if s not in wanted]
    week = weeks.get(args.number)
    if week is None:
        week = CohortWeek(
            id=uuid.uuid5(args.cohort_id, f"week {args.number}"),
            cohort_id=args.cohort_id,
            number=args.number,
            sync_partition=CATALOG_PARTITION,
            sync_version=0,
        )
        ctx.session.add(week)
    week.section_ids = wanted
    week.release_at = args.release_at or week_release(
        cohort.starts_at, cohort.timezone, args.number
    )
    week.due_at = args.due_at
    live = args.live
    week.live_title = live.title if live else ""
    week.live_starts_at = live.starts_at if live else None
    week.live_ends_at = live.ends_at if live else None
    week.live_url = live.url if live else ""


def _set_prerequisites(ctx: LocalContext, args: SetPrerequisitesArgs) -> None:
    lesson = ctx.session.get(Lesson, args.lesson_id)
    if lesson is None:
        return
    course = ctx.session.get(Course, lesson.course_id)
    published = course is not None and course.sync_partition == CATALOG_PARTITION
    partition = CATALOG_PARTITION if published else draft_partition(lesson.course_id)
    ctx.session.execute(
        delete(LessonPrerequisite).where(LessonPrerequisite.lesson_id == args.lesson_id)
    )
    for needed in dict.fromkeys(args.lesson_ids):
        ctx.session.add(
            LessonPrerequisite(
                lesson_id=args.lesson_id,
                prerequisite_lesson_id=needed,
                sync_partition=partition,
                sync_version=0,
            )
        )


def _create_program(ctx: LocalContext, args: CreateProgramArgs) -> None:
    if ctx.session.get(Program, args.program_id) is not None:
        return
    ctx.session.add(
        Program(
            id=args.program_id,
            title=args.title,
            description=args.description,
            course_ids=[str(c) for c in args.course_ids],
            created_by=ctx.user_id,
            created_at=ctx.now,
            sync_partition=CATALOG_PARTITION,
            sync_version=0,
        )
    )


def _cohort_words(session: Session, cohort_id: Any) -> str:
    cohort = session.get(Cohort, cohort_id)
    return f"'{cohort.title}'" if cohort is not None else "a cohort"


def _lesson_words(session: Session, lesson_id: Any) -> str:
    lesson = session.get(Lesson, lesson_id)
    return f"'{lesson.title}'" if lesson is not None else "a lesson"


SCHEDULE_MUTATIONS: list[LocalMutation[Any]] = [
    local(m.SAVE_COHORT, _save_cohort, lambda _s, a: f"Cohort '{a.title}'"),
    local(
        m.SET_WEEK,
        _set_week,
        lambda s, a: f"Week {a.number} of {_cohort_words(s, a.cohort_id)}",
    ),
    local(
        m.SET_PREREQUISITES,
        _set_prerequisites,
        lambda s, a: f"Prerequisites of {_lesson_words(s, a.lesson_id)}",
    ),
    local(m.CREATE_PROGRAM, _create_program, lambda _s, a: f"Program '{a.title}'"),
]
