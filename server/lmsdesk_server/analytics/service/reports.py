"""The reports: an instructor's metrics and funnel, and the admin's overview, read from the
daily table (and, for distinct students and the funnel, the source tables)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from lmsdesk.contracts.analytics import (
    MAX_REPORT_DAYS,
    CourseFunnel,
    CourseMetrics,
    DailyPoint,
    FunnelLesson,
    FunnelQuestion,
    MetricTotals,
    PlatformDay,
    PlatformMetrics,
    PlatformTotals,
    TopCourse,
)
from lmsdesk.contracts.enums import ProgressStatus, QuestionType
from lmsdesk.contracts.grading import GradableQuestion, is_correct
from lmsdesk_server.analytics.repository import AnalyticsRepository
from lmsdesk_server.analytics.service.daily import day_bounds
from lmsdesk_server.db.models import Course, CourseDailyMetric
from lmsdesk_server.errors import ApiError

#: The attempts the hardest-question list reads (the most recent ones).
_ATTEMPTS_READ = 5000
_DEFAULT_DAYS = 30


def date_range(start: date | None, end: date | None) -> tuple[date, date]:
    """The report's days: the last 30 by default; refused if backwards or too long."""
    last = end or datetime.now(UTC).date()
    first = start or last - timedelta(days=_DEFAULT_DAYS - 1)
    if first > last:
        raise ApiError(422, "bad_range", "The range starts after it ends.")
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        raise ApiError(422, "bad_range", f"A report covers at most {MAX_REPORT_DAYS} days.")
    return first, last


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass
class _Sum:
    views: int = 0
    enrollments: int = 0
    completions: int = 0
    orders: int = 0
    revenue: int = 0
    refunds: int = 0
    refunded: int = 0
    active: int = 0
    attempts: int = 0
    quiz_points: float = 0.0
    computed: list[datetime] = field(default_factory=list)

    def add(self, row: CourseDailyMetric) -> None:
        self.views += row.detail_views
        self.enrollments += row.enrollments
        self.completions += row.completions
        self.orders += row.orders
        self.revenue += row.revenue_cents
        self.refunds += row.refunds
        self.refunded += row.refunded_cents
        self.active += row.active_students
        if row.average_quiz_percent is not None:
            self.attempts += row.quiz_attempts
            self.quiz_points += row.average_quiz_percent * row.quiz_attempts
        self.computed.append(row.computed_at)

    @property
    def quiz_average(self) -> float | None:
        return round(self.quiz_points / self.attempts, 1) if self.attempts else None


def _ratings_by_day(
    ratings: list[tuple[datetime, int]], days: list[date]
) -> dict[date, float | None]:
    """The average of every rating given up to the end of each day."""
    out: dict[date, float | None] = {}
    total = count = i = 0
    for day in days:
        _, end = day_bounds(day)
        while i < len(ratings) and ratings[i][0] < end:
            total += ratings[i][1]
            count += 1
            i += 1
        out[day] = round(total / count, 2) if count else None
    return out


def course_metrics(
    repo: AnalyticsRepository,
    courses: Sequence[Course],
    start: date,
    end: date,
    *,
    single: bool,
) -> CourseMetrics:
    """One course's report (`single`), or all of an instructor's courses summed."""
    ids = [c.id for c in courses]
    days = _days(start, end)
    sums: dict[date, _Sum] = defaultdict(_Sum)
    overall = _Sum()
    for row in repo.daily_rows(ids, start, end):
        sums[row.day].add(row)
        overall.add(row)
    ratings = repo.ratings(ids)
    rating_on = _ratings_by_day(ratings, days)
    points = [
        DailyPoint(
            day=day,
            detail_views=s.views,
            enrollments=s.enrollments,
            completions=s.completions,
            orders=s.orders,
            revenue_cents=s.revenue,
            refunds=s.refunds,
            refunded_cents=s.refunded,
            active_students=s.active,
            average_quiz_percent=s.quiz_average,
            average_rating=rating_on[day],
        )
        for day in days
        for s in (sums.get(day, _Sum()),)
    ]
    done, enrolled = repo.completion(ids) if ids else (0, 0)
    totals = MetricTotals(
        detail_views=overall.views,
        enrollments=overall.enrollments,
        completions=overall.completions,
        orders=overall.orders,
        revenue_cents=overall.revenue,
        refunds=overall.refunds,
        refunded_cents=overall.refunded,
        active_students=repo.active_students(ids, start, end) if ids else 0,
        completion_rate=round(100 * done / enrolled, 1) if enrolled else 0.0,
        average_rating=rating_on[end],
    )
    return CourseMetrics(
        course_id=courses[0].id if single else None,
        title=courses[0].title if single else "All your courses",
        currency=courses[0].currency if courses else "USD",
        start=start,
        end=end,
        computed_at=min(overall.computed) if overall.computed else None,
        totals=totals,
        days=points,
    )


def funnel(repo: AnalyticsRepository, course: Course) -> CourseFunnel:
    outline = repo.outline(course.id)
    order = {lesson.id: n for n, (lesson, _) in enumerate(outline)}
    started: dict[uuid.UUID, int] = defaultdict(int)
    completed: dict[uuid.UUID, int] = defaultdict(int)
    furthest: dict[uuid.UUID, uuid.UUID] = {}
    finished: set[uuid.UUID] = set()
    for student, lesson, status, course_done in repo.funnel_progress(course.id):
        if lesson not in order:
            continue
        started[lesson] += 1
        if status is ProgressStatus.COMPLETED:
            completed[lesson] += 1
        if course_done:
            finished.add(student)
        best = furthest.get(student)
        if best is None or order[lesson] > order[best]:
            furthest[student] = lesson
    dropped: dict[uuid.UUID, int] = defaultdict(int)
    for student, lesson in furthest.items():
        if student not in finished:
            dropped[lesson] += 1
    lessons = [
        FunnelLesson(
            lesson_id=lesson.id,
            title=lesson.title,
            section=section,
            started=started[lesson.id],
            completed=completed[lesson.id],
            dropped=dropped[lesson.id],
        )
        for lesson, section in outline
    ]
    return CourseFunnel(
        course_id=course.id,
        title=course.title,
        enrolled=repo.active_enrollment_count(course.id),
        lessons=lessons,
        questions=_hardest_questions(repo, course.id),
    )


def _hardest_questions(repo: AnalyticsRepository, course_id: uuid.UUID) -> list[FunnelQuestion]:
    questions = [
        (q, quiz_title)
        for q, quiz_title in repo.questions(course_id)
        if q.question_type is not QuestionType.ESSAY
    ]
    if not questions:
        return []
    answered: dict[uuid.UUID, int] = defaultdict(int)
    right: dict[uuid.UUID, int] = defaultdict(int)
    by_quiz: dict[uuid.UUID, list[GradableQuestion]] = defaultdict(list)
    for q, _ in questions:
        by_quiz[q.quiz_id].append(
            GradableQuestion(str(q.id), q.question_type, q.correct_answer, q.points)
        )
    for quiz_id, answers in repo.recent_answers(list(by_quiz), _ATTEMPTS_READ):
        for gradable in by_quiz[quiz_id]:
            if gradable.id in answers:
                key = uuid.UUID(gradable.id)
                answered[key] += 1
                right[key] += is_correct(gradable, answers[gradable.id])
    out = [
        FunnelQuestion(
            question_id=q.id,
            quiz_title=quiz_title,
            prompt=q.prompt,
            answers=answered[q.id],
            percent_correct=round(100 * right[q.id] / answered[q.id], 1),
        )
        for q, quiz_title in questions
        if answered[q.id]
    ]
    return sorted(out, key=lambda x: (x.percent_correct, -x.answers))


def platform_metrics(repo: AnalyticsRepository, start: date, end: date) -> PlatformMetrics:
    days = _days(start, end)
    per_day: dict[date, _Sum] = defaultdict(_Sum)
    per_course: dict[uuid.UUID, _Sum] = defaultdict(_Sum)
    overall = _Sum()
    for row in repo.daily_rows(None, start, end):
        per_day[row.day].add(row)
        per_course[row.course_id].add(row)
        overall.add(row)
    first, _ = day_bounds(start)
    _, last = day_bounds(end)
    users = dict(repo.new_users(first, last))
    viewers, converted = repo.conversion(first, last)
    ranked = sorted(per_course.items(), key=lambda kv: (-kv[1].revenue, -kv[1].enrollments))[:10]
    titles = repo.titles(c for c, _ in ranked)
    return PlatformMetrics(
        start=start,
        end=end,
        currency=repo.main_currency(),
        computed_at=min(overall.computed) if overall.computed else None,
        totals=PlatformTotals(
            revenue_cents=overall.revenue,
            orders=overall.orders,
            refunds=overall.refunds,
            refunded_cents=overall.refunded,
            new_users=sum(users.values()),
            detail_views=overall.views,
            viewers=viewers,
            converted=converted,
            conversion_percent=round(100 * converted / viewers, 1) if viewers else 0.0,
        ),
        days=[
            PlatformDay(
                day=day,
                revenue_cents=s.revenue,
                orders=s.orders,
                refunds=s.refunds,
                refunded_cents=s.refunded,
                new_users=users.get(day, 0),
                detail_views=s.views,
                enrollments=s.enrollments,
            )
            for day in days
            for s in (per_day.get(day, _Sum()),)
        ],
        top_courses=[
            TopCourse(
                course_id=cid,
                title=titles.get(cid, "(deleted)"),
                orders=s.orders,
                revenue_cents=s.revenue,
                enrollments=s.enrollments,
            )
            for cid, s in ranked
        ],
    )
