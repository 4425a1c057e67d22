"""Analytics over REST (DESIGN.md section 11.6): an instructor's metrics and funnel (their own
courses only: another's is 404, as if it did not exist) and the admin's overview. Each report is
JSON, or CSV with `format=csv`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from lmsdesk.contracts.analytics import (
    CourseFunnel,
    CourseMetrics,
    PlatformMetrics,
    course_metrics_csv,
    platform_metrics_csv,
)
from lmsdesk.contracts.common import ErrorResponse, Role
from lmsdesk_server.actor import Actor
from lmsdesk_server.analytics.repository import AnalyticsRepository
from lmsdesk_server.analytics.service import reports
from lmsdesk_server.db.models import Course
from lmsdesk_server.deps import CurrentActor, SessionDep
from lmsdesk_server.errors import ApiError

router = APIRouter(tags=["analytics"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 422)
}
_CSV: dict[str, Any] = {"text/csv": {}}


def _instructor(actor: CurrentActor) -> Actor:
    if not actor.has(Role.INSTRUCTOR):
        raise ApiError(403, "forbidden", "Only instructors have course insights.")
    return actor


def _admin(actor: CurrentActor) -> Actor:
    if not actor.has_admin():
        raise ApiError(403, "forbidden", "Only admins see the platform overview.")
    return actor


InstructorActor = Annotated[Actor, Depends(_instructor)]
AdminActor = Annotated[Actor, Depends(_admin)]
From = Annotated[date | None, Query(alias="from", description="First day (UTC), inclusive")]
To = Annotated[date | None, Query(alias="to", description="Last day (UTC), inclusive")]
Format = Literal["json", "csv"]


def _own_course(repo: AnalyticsRepository, actor: Actor, course_id: uuid.UUID) -> Course:
    course = repo.course(course_id)
    if course is None or course.instructor_id != actor.id or course.deleted_at is not None:
        raise ApiError(404, "course_not_found", "You have no course with that id.")
    return course


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/instructor/metrics",
    response_model=CourseMetrics,
    responses={**_errors, 200: {"content": _CSV}},
)
def instructor_metrics(
    actor: InstructorActor,
    session: SessionDep,
    course_id: uuid.UUID | None = None,
    start: From = None,
    end: To = None,
    format: Format = "json",
) -> Any:
    """Daily series and totals of one of your courses, or of all of them."""
    first, last = reports.date_range(start, end)
    repo = AnalyticsRepository(session)
    if course_id is not None:
        courses = [_own_course(repo, actor, course_id)]
    else:
        courses = repo.courses_of(actor.id)
    report = reports.course_metrics(repo, courses, first, last, single=course_id is not None)
    if format == "csv":
        return _csv(course_metrics_csv(report), f"lmsdesk-metrics-{first}-{last}.csv")
    return report


@router.get("/instructor/courses/{course_id}/funnel", responses=_errors)
def course_funnel(
    course_id: uuid.UUID, actor: InstructorActor, session: SessionDep
) -> CourseFunnel:
    """Per lesson: started, completed, dropped off; per quiz question: percent correct."""
    repo = AnalyticsRepository(session)
    return reports.funnel(repo, _own_course(repo, actor, course_id))


@router.get(
    "/admin/metrics",
    response_model=PlatformMetrics,
    responses={**_errors, 200: {"content": _CSV}},
)
def admin_metrics(
    _actor: AdminActor,
    session: SessionDep,
    start: From = None,
    end: To = None,
    format: Format = "json",
) -> Any:
    """Platform revenue, orders, refunds, new users, conversion and top courses."""
    first, last = reports.date_range(start, end)
    report = reports.platform_metrics(AnalyticsRepository(session), first, last)
    if format == "csv":
        return _csv(platform_metrics_csv(report), f"lmsdesk-overview-{first}-{last}.csv")
    return report
