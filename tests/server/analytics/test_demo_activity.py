"""The demo's ninety days of activity: the reports show something on first run, and seeding
twice adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk_server.analytics.repository import AnalyticsRepository
from lmsdesk_server.analytics.service import reports
from lmsdesk_server.db.models import Course, CourseDailyMetric, Order, User
from lmsdesk_server.demo.activity import DAYS, ActivitySeeder
from lmsdesk_server.demo.seed import demo_id
from tests.server.sync.helpers import PAID


def test_ninety_days_of_activity_fill_every_report(session: Session, seeded: None) -> None:  # noqa: ARG001
    notes: list[str] = []
    ActivitySeeder(session, notes.append, demo_id).run()
    assert notes
    days = session.scalars(select(CourseDailyMetric.day).distinct()).all()
    today = datetime.now(UTC).date()
    assert len(days) > 30
    assert min(days) >= today - timedelta(days=DAYS)
    refunds = session.scalar(select(func.count()).where(Order.refunded_at.is_not(None)))
    assert refunds == 1
    repo = AnalyticsRepository(session)
    course = session.get(Course, PAID)
    assert course is not None
    start = today - timedelta(days=DAYS)
    report = reports.course_metrics(repo, [course], start, today, single=True)
    assert report.totals.revenue_cents > 0
    assert report.totals.refunds == 1
    assert report.totals.detail_views > report.totals.enrollments > 0
    assert report.totals.average_rating is not None
    funnel = reports.funnel(repo, course)
    started = [lesson.started for lesson in funnel.lessons]
    assert started[0] >= started[-1]  # fewer reach the end than start
    assert sum(lesson.dropped for lesson in funnel.lessons) > 0
    assert funnel.questions
    overview = reports.platform_metrics(repo, start, today)
    assert overview.totals.new_users >= 30
    assert 0 < overview.totals.conversion_percent < 100
    # Twice: nothing more.
    users = session.scalar(select(func.count()).select_from(User))
    ActivitySeeder(session, notes.append, demo_id).run()
    assert session.scalar(select(func.count()).select_from(User)) == users
