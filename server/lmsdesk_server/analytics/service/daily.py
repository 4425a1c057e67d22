"""The daily table per course, recomputed by a background job (DESIGN.md section 11.6).

Days are recomputed whole from the source tables in one INSERT ... SELECT ... ON CONFLICT DO
UPDATE per quarter of days, under per-day advisory locks: running it twice, or on two workers at
once, writes the same rows. The periodic job recomputes today and the two days before (late
syncs land there); `lmsdesk-server metrics --days N` recomputes further back, a quarter per
transaction (a long backfill holds no lock for long and keeps what it finished if stopped).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.analytics.repository import AnalyticsRepository

_log = logging.getLogger(__name__)
RECOMPUTED_DAYS = 3
#: Days per transaction of a longer recomputation (a quarter: few statements, short locks).
CHUNK_DAYS = 92


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def recompute_days(session: Session, first: date, last: date) -> int:
    """Recompute every course's days from `first` to `last`; returns the course-days with
    something in them."""
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    return AnalyticsRepository(session).recompute_days(first, last, start, end)


def recompute_day(session: Session, day: date) -> int:
    """Recompute one day for every course; returns how many courses had something that day."""
    return recompute_days(session, day, day)


@dataclass(frozen=True)
class JobReport:
    days: int
    rows: int


def recompute_recent(
    session_factory: sessionmaker[Session],
    *,
    days: int = RECOMPUTED_DAYS,
    today: date | None = None,
) -> JobReport:
    """Recompute the last `days` days, oldest first, at most a quarter per transaction."""
    last = today or datetime.now(UTC).date()
    first = last - timedelta(days=days - 1)
    rows = 0
    while first <= last:
        chunk_end = min(last, first + timedelta(days=CHUNK_DAYS - 1))
        with session_factory() as session, session.begin():
            rows += recompute_days(session, first, chunk_end)
        first = chunk_end + timedelta(days=1)
    return JobReport(days=days, rows=rows)
