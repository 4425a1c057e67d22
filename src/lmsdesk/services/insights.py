"""Reports for instructors (Insights) and admins (Overview): fetched from the server, kept in
the local store, and read from there when the server cannot be reached (DESIGN.md section
11.6). The last copy of each report is kept per course (and one for the platform), whatever
range it covered: offline, the app shows that copy with its range and when it was fetched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from lmsdesk.contracts.analytics import (
    CourseFunnel,
    CourseMetrics,
    PlatformMetrics,
    course_metrics_csv,
    platform_metrics_csv,
)
from lmsdesk.local_db.models.client import Setting
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService
from lmsdesk.services.teaching import published_courses
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable

Report = TypeVar("Report", bound=BaseModel)


class InsightsProblem(UserFacingError):
    """A report could not be shown (never fetched and offline, or refused)."""


@dataclass(frozen=True)
class Fetched(Generic[Report]):
    report: Report
    #: True: just fetched. False: the copy kept from `fetched_at`, read offline.
    fresh: bool
    fetched_at: datetime


@dataclass(frozen=True)
class CourseInsights:
    metrics: Fetched[CourseMetrics]
    #: One course's funnel (None for "all your courses").
    funnel: Fetched[CourseFunnel] | None


class InsightsService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def courses(self) -> list[tuple[uuid.UUID, str]]:
        """The courses this instructor has published (the ones with figures)."""
        return published_courses(self._session)

    def course(self, course_id: uuid.UUID | None, start: date, end: date) -> CourseInsights:
        """One course's (or all courses') report, and the course's funnel."""
        key = f"insights:{course_id or 'all'}"
        metrics = self._fetch(
            f"{key}:metrics",
            CourseMetrics,
            lambda api, token: api.instructor_metrics(token, course_id, start, end),
        )
        funnel = None
        if course_id is not None:
            funnel = self._fetch(
                f"{key}:funnel",
                CourseFunnel,
                lambda api, token: api.course_funnel(token, course_id),
            )
        return CourseInsights(metrics, funnel)

    def platform(self, start: date, end: date) -> Fetched[PlatformMetrics]:
        return self._fetch(
            "overview:platform",
            PlatformMetrics,
            lambda api, token: api.platform_metrics(token, start, end),
        )

    def _fetch(
        self, key: str, model: type[Report], call: Callable[[ApiClient, str], Report]
    ) -> Fetched[Report]:
        try:
            report = self._session.api_call(call)
        except ServerUnreachable as exc:
            with self._session.require_store().reading() as session:
                kept = session.get(Setting, key)
            if kept is None:
                raise InsightsProblem(
                    "These figures come from the server: connect once to see them."
                ) from exc
            at = datetime.fromisoformat(kept.value["fetched_at"])
            return Fetched(model.model_validate(kept.value["report"]), False, at)
        except ApiRejected as exc:
            raise InsightsProblem(exc.message) from exc
        now = datetime.now(UTC)
        value = {"fetched_at": now.isoformat(), "report": report.model_dump(mode="json")}
        with self._session.require_store().transaction() as session:
            session.merge(Setting(key=key, value=value))
        return Fetched(report, True, now)

    @staticmethod
    def export_csv(report: CourseMetrics | PlatformMetrics, target: Path) -> Path:
        """The daily series as a spreadsheet, written whole or not at all."""
        if isinstance(report, CourseMetrics):
            text = course_metrics_csv(report)
        else:
            text = platform_metrics_csv(report)
        partial = target.with_name(target.name + ".part")
        partial.write_text(text, encoding="utf-8-sig")  # a BOM: Excel reads UTF-8
        partial.replace(target)
        return target
