"""Analytics (DESIGN.md section 11.6): what the reports say, one shape for the server that
computes them and the laptop that draws them (and keeps the last copy for offline reading).

Days are UTC calendar days. Money is in cents of the course's currency.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

from pydantic import Field

from lmsdesk.contracts.assignments import AwareTime
from lmsdesk.contracts.common import WireModel

#: How many views one push may report (a laptop offline for a while sends them in batches).
MAX_VIEWS_PER_BATCH = 200
#: The longest range a report covers (a bit over two years of days).
MAX_REPORT_DAYS = 800


def percent_of(done: int, total: int) -> int:
    """A course's progress as the app shows it and the server stores it: whole percent,
    halves rounded up, in integer arithmetic so Python and PostgreSQL agree exactly."""
    if total <= 0:
        return 0
    return (200 * done + total) // (2 * total)


class ViewedCourse(WireModel):
    course_id: uuid.UUID
    viewed_at: AwareTime


class RecordViewsArgs(WireModel):
    """Course detail views seen on this laptop since the last push (no request per view)."""

    views: list[ViewedCourse] = Field(min_length=1, max_length=MAX_VIEWS_PER_BATCH)


class DailyPoint(WireModel):
    day: date
    detail_views: int = 0
    enrollments: int = 0
    completions: int = 0
    orders: int = 0
    revenue_cents: int = 0
    refunds: int = 0
    refunded_cents: int = 0
    active_students: int = 0
    average_quiz_percent: float | None = None
    #: The course's average rating counting every rating given up to that day.
    average_rating: float | None = None


class MetricTotals(WireModel):
    detail_views: int = 0
    enrollments: int = 0
    completions: int = 0
    orders: int = 0
    revenue_cents: int = 0
    refunds: int = 0
    refunded_cents: int = 0
    #: Distinct students active at least once in the range.
    active_students: int = 0
    #: Percent of the courses' enrollments (active ones, all time) that are complete.
    completion_rate: float = 0.0
    average_rating: float | None = None


class CourseMetrics(WireModel):
    """An instructor's report: one course, or all of theirs summed (course_id None)."""

    course_id: uuid.UUID | None
    title: str
    currency: str
    start: date
    end: date
    computed_at: AwareTime | None
    totals: MetricTotals
    days: list[DailyPoint]


class FunnelLesson(WireModel):
    lesson_id: uuid.UUID
    title: str
    section: str
    started: int
    completed: int
    #: Students who got no further than this lesson and have not finished the course.
    dropped: int


class FunnelQuestion(WireModel):
    question_id: uuid.UUID
    quiz_title: str
    prompt: str
    answers: int
    percent_correct: float


class CourseFunnel(WireModel):
    course_id: uuid.UUID
    title: str
    enrolled: int
    lessons: list[FunnelLesson]
    #: Auto-graded questions, hardest first.
    questions: list[FunnelQuestion]


class TopCourse(WireModel):
    course_id: uuid.UUID
    title: str
    orders: int
    revenue_cents: int
    enrollments: int


class PlatformDay(WireModel):
    day: date
    revenue_cents: int = 0
    orders: int = 0
    refunds: int = 0
    refunded_cents: int = 0
    new_users: int = 0
    detail_views: int = 0
    enrollments: int = 0


class PlatformTotals(WireModel):
    revenue_cents: int = 0
    orders: int = 0
    refunds: int = 0
    refunded_cents: int = 0
    new_users: int = 0
    detail_views: int = 0
    #: Distinct people who looked at a course's details in the range.
    viewers: int = 0
    #: Of those, the ones who then bought or enrolled in a course they looked at.
    converted: int = 0
    conversion_percent: float = 0.0


class PlatformMetrics(WireModel):
    start: date
    end: date
    currency: str
    computed_at: AwareTime | None
    totals: PlatformTotals
    days: list[PlatformDay]
    top_courses: list[TopCourse]


def _money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _table(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def course_metrics_csv(report: CourseMetrics) -> str:
    """The daily series as a spreadsheet (money in units of the currency, not cents)."""
    money = report.currency
    header = ["day", "detail_views", "enrollments", "completions", "orders", f"revenue_{money}"]
    header += ["refunds", f"refunded_{money}", "active_students", "average_quiz_percent"]
    rows: list[list[object]] = [
        [
            d.day.isoformat(),
            d.detail_views,
            d.enrollments,
            d.completions,
            d.orders,
            _money(d.revenue_cents),
            d.refunds,
            _money(d.refunded_cents),
            d.active_students,
            "" if d.average_quiz_percent is None else f"{d.average_quiz_percent:.1f}",
            "" if d.average_rating is None else f"{d.average_rating:.2f}",
        ]
        for d in report.days
    ]
    return _table([*header, "average_rating"], rows)


def platform_metrics_csv(report: PlatformMetrics) -> str:
    money = report.currency
    header = ["day", f"revenue_{money}", "orders", "refunds", f"refunded_{money}"]
    header += ["new_users", "detail_views", "enrollments"]
    rows: list[list[object]] = [
        [
            d.day.isoformat(),
            _money(d.revenue_cents),
            d.orders,
            d.refunds,
            _money(d.refunded_cents),
            d.new_users,
            d.detail_views,
            d.enrollments,
        ]
        for d in report.days
    ]
    return _table(header, rows)
