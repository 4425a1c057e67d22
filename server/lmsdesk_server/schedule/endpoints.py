"""Cohorts, calendars, prerequisites and programs over REST (DESIGN.md section 11.4). Every
write runs its sync mutation's handler through the door, so a schedule made offline and one
made online meet the same rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.schedule import (
    CalendarLink,
    CohortCreate,
    CohortPatch,
    CohortView,
    CreateProgramArgs,
    JoinState,
    PrerequisitesPut,
    ProgramCreate,
    ProgramView,
    SaveCohortArgs,
    SetPrerequisitesArgs,
    SetWeekArgs,
    WeekPut,
)
from lmsdesk_server.deps import ContextDep, CurrentActor, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.schedule.repository import ScheduleRepository
from lmsdesk_server.schedule.service import calendar, cohorts, programs
from lmsdesk_server.sync.service import door

router = APIRouter(tags=["schedule"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
Row = dict[str, Any] | None


def _view(session: SessionDep, cohort_id: uuid.UUID) -> CohortView:
    cohort = ScheduleRepository(session).cohort(cohort_id)
    if cohort is None:
        raise ApiError(404, "cohort_not_found", "That cohort does not exist.")
    return cohorts.cohort_view(session, cohort, datetime.now(UTC), with_weeks=True)


@router.post("/authoring/courses/{course_id}/cohorts", status_code=201, responses=_errors)
def create_cohort(
    course_id: uuid.UUID, body: CohortCreate, actor: CurrentActor, session: SessionDep
) -> CohortView:
    fields = body.model_dump(exclude={"id"})
    args = SaveCohortArgs(cohort_id=body.id or uuid.uuid4(), course_id=course_id, **fields)
    door.run(session, actor, m.SAVE_COHORT, args)
    return _view(session, args.cohort_id)


@router.patch("/authoring/cohorts/{cohort_id}", responses=_errors)
def change_cohort(
    cohort_id: uuid.UUID, body: CohortPatch, actor: CurrentActor, session: SessionDep
) -> CohortView:
    cohort = ScheduleRepository(session).cohort(cohort_id)
    if cohort is None:
        raise ApiError(404, "cohort_not_found", "That cohort does not exist.")
    current = {
        "title": cohort.title,
        "starts_at": cohort.starts_at,
        "timezone": cohort.timezone,
        "enrollment_closes_hours": cohort.enrollment_closes_hours,
        "late_join_days": cohort.late_join_days,
        "capacity": None if body.unlimited else cohort.capacity,
    }
    given = body.model_dump(exclude_none=True, exclude={"unlimited"})
    args = SaveCohortArgs(cohort_id=cohort.id, course_id=cohort.course_id, **(current | given))
    door.run(session, actor, m.SAVE_COHORT, args)
    return _view(session, cohort_id)


@router.get("/authoring/cohorts/{cohort_id}", responses=_errors)
def cohort_schedule(cohort_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> CohortView:
    """The whole schedule, join links included: the instructor's and the cohort's students'."""
    view = _view(session, cohort_id)
    cohort = ScheduleRepository(session).cohort(cohort_id)
    assert cohort is not None
    if not (actor.has_admin() or calendar.may_follow(session, cohort, actor.id)):
        raise ApiError(404, "cohort_not_found", "That cohort does not exist.")
    return view


@router.put("/authoring/cohorts/{cohort_id}/weeks/{number}", responses=_errors)
def set_week(
    cohort_id: uuid.UUID, number: int, body: WeekPut, actor: CurrentActor, session: SessionDep
) -> CohortView:
    if not 1 <= number <= 52:
        raise ApiError(422, "bad_week", "Weeks are numbered 1 to 52.")
    args = SetWeekArgs(cohort_id=cohort_id, number=number, **body.model_dump())
    door.run(session, actor, m.SET_WEEK, args)
    return _view(session, cohort_id)


@router.get("/catalog/courses/{course_id}/cohorts", responses=_errors)
def upcoming_cohorts(course_id: uuid.UUID, session: SessionDep) -> list[CohortView]:
    """Cohorts still open to join (or full), with their weeks; anyone may look. Join links are
    for the cohort's students and are left out here."""
    now = datetime.now(UTC)
    views = [
        cohorts.cohort_view(session, c, now, with_weeks=True)
        for c in ScheduleRepository(session).cohorts_of(course_id)
    ]
    return [_without_links(v) for v in views if v.state is not JoinState.CLOSED]


def _without_links(view: CohortView) -> CohortView:
    weeks = [
        w.model_copy(update={"live": w.live.model_copy(update={"url": ""})}) if w.live else w
        for w in view.weeks
    ]
    return view.model_copy(update={"weeks": weeks})


@router.get("/cohorts/{cohort_id}/calendar-link", responses=_errors)
def calendar_link(
    cohort_id: uuid.UUID, actor: CurrentActor, session: SessionDep, context: ContextDep
) -> CalendarLink:
    cohort = ScheduleRepository(session).cohort(cohort_id)
    if cohort is None or not calendar.may_follow(session, cohort, actor.id):
        raise ApiError(404, "cohort_not_found", "You are not in that cohort.")
    url = context.calendar_links.url(context.settings.public_url, cohort.id, actor.id)
    return CalendarLink(url=url)


@router.get(
    "/cohorts/{cohort_id}/calendar.ics",
    responses={**_errors, 200: {"content": {"text/calendar": {}}}},
    response_class=Response,
)
def calendar_feed(
    cohort_id: uuid.UUID,
    session: SessionDep,
    context: ContextDep,
    u: Annotated[uuid.UUID, Query(description="the student the link was made for")],
    s: Annotated[str, Query(max_length=64, description="the link's signature")],
) -> Response:
    """The cohort's calendar (RFC 5545) through a student's signed link."""
    repo = ScheduleRepository(session)
    cohort = repo.cohort(cohort_id)
    valid = cohort is not None and context.calendar_links.verify(cohort_id, u, s)
    if cohort is None or not valid or not calendar.may_follow(session, cohort, u):
        raise ApiError(404, "calendar_not_found", "This calendar link is not valid any more.")
    course = repo.course(cohort.course_id)
    assert course is not None
    return Response(
        calendar.ics(session, cohort, course),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="cohort-{cohort.id}.ics"'},
    )


@router.put("/authoring/lessons/{lesson_id}/prerequisites", responses=_errors)
def set_prerequisites(
    lesson_id: uuid.UUID, body: PrerequisitesPut, actor: CurrentActor, session: SessionDep
) -> Row:
    args = SetPrerequisitesArgs(lesson_id=lesson_id, lesson_ids=body.lesson_ids)
    return door.run(session, actor, m.SET_PREREQUISITES, args)


@router.post("/admin/programs", status_code=201, responses=_errors)
def create_program(body: ProgramCreate, actor: CurrentActor, session: SessionDep) -> ProgramView:
    args = CreateProgramArgs(program_id=uuid.uuid4(), **body.model_dump())
    door.run(session, actor, m.CREATE_PROGRAM, args)
    program = ScheduleRepository(session).program(args.program_id)
    assert program is not None
    return programs.view(program)


@router.get("/programs", responses=_errors)
def list_programs(session: SessionDep) -> list[ProgramView]:
    return [programs.view(p) for p in ScheduleRepository(session).programs()]
