"""The daily table per course, recomputed by a background job (DESIGN.md section 11.6).

A day is recomputed whole from the source tables in one INSERT ... SELECT ... ON CONFLICT DO
UPDATE, under a per-day advisory lock: running it twice, or on two workers at once, writes the
same rows. The periodic job recomputes today and the two days before (late syncs land there);
`lmsdesk-server metrics --days N` recomputes further back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.analytics.repository import AnalyticsRepository

_log = logging.getLogger(__name__)
RECOMPUTED_DAYS = 3


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def recompute_day(session: Session, day: date) -> int:
    """Recompute one day for every course; returns how many courses had something that day."""
    start, end = day_bounds(day)
    return AnalyticsRepository(session).recompute_day(day, start, end)


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
    """Recompute the last `days` days, one transaction per day (a long backfill holds no
    lock for long and keeps what it finished if it is stopped)."""
    last = today or datetime.now(UTC).date()
    rows = 0
    for back in range(days - 1, -1, -1):
        with session_factory() as session, session.begin():
            rows += recompute_day(session, last - timedelta(days=back))
    return JobReport(days=days, rows=rows)
