"""Daily metrics benchmark (DESIGN.md section 8): the background job that recomputes the daily
table per course, over a year of realistic activity (1,000 courses, 100,000 enrollments, a
million detail views, a million active days, orders, refunds and quiz attempts), against one
`INSERT ... SELECT` of the same aggregation over the whole year in the same database.

The job recomputes one day per transaction (each day whole, idempotent, under its advisory
lock); the baseline computes every day in one statement. Both write the same rows: the figures
say whether they agree.

    python bench/analytics_bench.py [--courses N] [--days N] [--enrollments N] [--json]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server"), str(ROOT / "bench")]

from bench_server import print_figures  # noqa: E402
from lmsdesk_server.analytics.service.daily import recompute_recent  # noqa: E402
from lmsdesk_server.db.embedded import EmbeddedPostgres  # noqa: E402
from lmsdesk_server.db.migrate import upgrade_to_head  # noqa: E402


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def build(url: str, courses: int, days: int, enrollments: int) -> None:
    """A year of activity, generated inside PostgreSQL (random but seeded)."""
    students = max(1, enrollments // 5)
    views, active_days, attempts = enrollments * 10, enrollments * 10, enrollments * 2
    with psycopg.connect(_libpq(url), autocommit=True) as db:
        db.execute("SELECT setseed(0.42)")
        db.execute(
            "INSERT INTO users (id, email, password_hash, full_name) VALUES "
            "(gen_random_uuid(), 'teacher@bench.example', '!', 'Teacher')"
        )
        db.execute(
            """
            INSERT INTO users (id, email, password_hash, full_name, created_at)
            SELECT gen_random_uuid(), 's' || n || '@bench.example', '!', 'Student ' || n,
                   now() - random() * make_interval(days => %(days)s)
            FROM generate_series(1, %(students)s) n
            """,
            {"students": students, "days": days},
        )
        db.execute(
            """
            INSERT INTO courses (id, instructor_id, title, slug, status, price_cents,
                                 sync_partition, sync_version)
            SELECT gen_random_uuid(), (SELECT id FROM users WHERE email = 'teacher@bench.example'),
                   'Course ' || n, 'course-' || n, 'approved', 1000 + (n %% 5) * 1000, 'catalog', 1
            FROM generate_series(1, %(courses)s) n
            """,
            {"courses": courses},
        )
        db.execute(
            "CREATE TEMP TABLE c AS SELECT id, row_number() OVER (ORDER BY slug) - 1 AS k, "
            "price_cents FROM courses"
        )
        db.execute(
            "CREATE TEMP TABLE s AS SELECT id, row_number() OVER (ORDER BY email) - 1 AS k "
            "FROM users WHERE email LIKE 's%%@bench.example'"
        )
        db.execute("CREATE INDEX ON c (k)")
        db.execute("CREATE INDEX ON s (k)")
        db.execute(
            """
            INSERT INTO course_sections (id, course_id, title, position, sync_partition,
                                         sync_version)
            SELECT gen_random_uuid(), id, 'Part 1', 'a0', 'catalog', 1 FROM courses
            """
        )
        db.execute(
            """
            INSERT INTO lessons (id, course_id, section_id, title, lesson_type, position,
                                 sync_partition, sync_version)
            SELECT gen_random_uuid(), course_id, id, 'Quiz', 'quiz', 'a0', 'catalog', 1
            FROM course_sections
            """
        )
        db.execute(
            """
            INSERT INTO quizzes (id, lesson_id, sync_partition, sync_version)
            SELECT gen_random_uuid(), id, 'catalog', 1 FROM lessons
            """
        )
        say(f"  {enrollments:,} enrollments, orders and refunds ...")
        db.execute(
            """
            CREATE TEMP TABLE e AS
            SELECT gen_random_uuid() AS id, s.id AS student_id, c.id AS course_id,
                   c.price_cents,
                   now() - random() * make_interval(days => %(days)s) AS enrolled_at,
                   random() AS luck
            FROM generate_series(0, %(enrollments)s - 1) n
            JOIN s ON s.k = n / 5
            JOIN c ON c.k = (n * 37 + n / 5) %% %(courses)s
            """,
            {"enrollments": enrollments, "days": days, "courses": courses},
        )
        db.execute(
            """
            INSERT INTO enrollments (id, student_id, course_id, status, source, price_paid_cents,
                                     enrolled_at, completed_at, sync_partition, sync_version)
            SELECT id, student_id, course_id, 'active', 'purchase', price_cents, enrolled_at,
                   CASE WHEN luck < 0.2
                        THEN least(now(), enrolled_at + luck * interval '100 days') END,
                   'user:' || student_id, 1
            FROM e ON CONFLICT DO NOTHING
            """
        )
        db.execute(
            """
            INSERT INTO orders (id, student_id, course_id, amount_cents, currency, provider,
                                status, created_at, completed_at, refunded_at, sync_partition,
                                sync_version)
            SELECT gen_random_uuid(), student_id, course_id, price_cents, 'USD', 'test',
                   CASE WHEN luck > 0.97 THEN 'refunded' ELSE 'completed' END,
                   enrolled_at, enrolled_at,
                   CASE WHEN luck > 0.97 THEN least(now(), enrolled_at + interval '2 days') END,
                   'user:' || student_id, 1
            FROM e WHERE luck > 0.4
            """
        )
        db.execute(
            """
            INSERT INTO order_items (id, order_id, course_id, course_title, list_price_cents,
                                     price_cents, amount_cents, refunded_at, sync_partition,
                                     sync_version)
            SELECT gen_random_uuid(), id, course_id, 'Course', amount_cents, amount_cents,
                   amount_cents, refunded_at, sync_partition, sync_version
            FROM orders
            """
        )
        say(f"  {views:,} detail views, {active_days:,} active days, {attempts:,} attempts ...")
        db.execute(
            """
            INSERT INTO course_views (id, course_id, viewer_id, viewed_at)
            SELECT gen_random_uuid(), c.id, s.id, now() - random() * make_interval(days => %(d)s)
            FROM generate_series(1::bigint, %(n)s) n
            JOIN c ON c.k = (n * 7919) %% %(courses)s
            JOIN s ON s.k = (n * 104729) %% %(students)s
            """,
            {"n": views, "d": days, "courses": courses, "students": students},
        )
        db.execute(
            """
            INSERT INTO learning_days (student_id, course_id, day)
            SELECT e.student_id, e.course_id,
                   (e.enrolled_at + random() * (now() - e.enrolled_at))::date
            FROM e, generate_series(1, 10)
            ON CONFLICT DO NOTHING
            """
        )
        db.execute(
            """
            INSERT INTO quiz_attempts (id, student_id, quiz_id, attempt_number, started_at,
                                       submitted_at, percent, sync_partition, sync_version)
            SELECT gen_random_uuid(), e.student_id, q.id, a,
                   e.enrolled_at, e.enrolled_at + random() * (now() - e.enrolled_at),
                   round((random() * 100)::numeric, 1), 'user:' || e.student_id, 1
            FROM e
            JOIN lessons l ON l.course_id = e.course_id
            JOIN quizzes q ON q.lesson_id = l.id,
            generate_series(1, 2) a
            ON CONFLICT DO NOTHING
            """
        )
        db.execute("ANALYZE")


_BASELINE = """
INSERT INTO bench_daily (course_id, day, detail_views, unique_viewers, enrollments, completions,
    orders, revenue_cents, refunds, refunded_cents, active_students, quiz_attempts,
    average_quiz_percent)
WITH v AS (
    SELECT course_id, (viewed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS views,
           count(DISTINCT viewer_id) AS viewers
    FROM course_views WHERE viewed_at >= %(start)s AND viewed_at < %(end)s GROUP BY 1, 2
), e AS (
    SELECT course_id, (enrolled_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
    FROM enrollments WHERE enrolled_at >= %(start)s AND enrolled_at < %(end)s GROUP BY 1, 2
), c AS (
    SELECT course_id, (completed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
    FROM enrollments WHERE completed_at >= %(start)s AND completed_at < %(end)s GROUP BY 1, 2
), o AS (
    SELECT i.course_id, (o.completed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
           sum(i.amount_cents) AS cents
    FROM orders o JOIN order_items i ON i.order_id = o.id
    WHERE o.completed_at >= %(start)s AND o.completed_at < %(end)s GROUP BY 1, 2
), r AS (
    SELECT course_id, (refunded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
           sum(amount_cents) AS cents
    FROM order_items WHERE refunded_at >= %(start)s AND refunded_at < %(end)s GROUP BY 1, 2
), a AS (
    SELECT course_id, day, count(*) AS n FROM learning_days
    WHERE day >= %(first)s AND day <= %(last)s GROUP BY 1, 2
), q AS (
    SELECT l.course_id, (qa.submitted_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
           avg(qa.percent) AS pct
    FROM quiz_attempts qa JOIN quizzes z ON z.id = qa.quiz_id JOIN lessons l ON l.id = z.lesson_id
    WHERE qa.submitted_at >= %(start)s AND qa.submitted_at < %(end)s GROUP BY 1, 2
), k AS (
    SELECT course_id, day FROM v UNION SELECT course_id, day FROM e
    UNION SELECT course_id, day FROM c UNION SELECT course_id, day FROM o
    UNION SELECT course_id, day FROM r UNION SELECT course_id, day FROM a
    UNION SELECT course_id, day FROM q
)
SELECT k.course_id, k.day, coalesce(v.views, 0), coalesce(v.viewers, 0), coalesce(e.n, 0),
       coalesce(c.n, 0), coalesce(o.n, 0), coalesce(o.cents, 0), coalesce(r.n, 0),
       coalesce(r.cents, 0), coalesce(a.n, 0), coalesce(q.n, 0), q.pct
FROM k
LEFT JOIN v USING (course_id, day) LEFT JOIN e USING (course_id, day)
LEFT JOIN c USING (course_id, day) LEFT JOIN o USING (course_id, day)
LEFT JOIN r USING (course_id, day) LEFT JOIN a USING (course_id, day)
LEFT JOIN q USING (course_id, day)
"""

_SAME = """
SELECT count(*) FROM (
    SELECT course_id, day, detail_views, unique_viewers, enrollments, completions, orders,
           revenue_cents, refunds, refunded_cents, active_students, quiz_attempts
    FROM course_daily_metrics
    EXCEPT
    SELECT course_id, day, detail_views, unique_viewers, enrollments, completions, orders,
           revenue_cents, refunds, refunded_cents, active_students, quiz_attempts
    FROM bench_daily
) differ
"""


def baseline(url: str, days: int) -> tuple[float, int]:
    today = datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    with psycopg.connect(_libpq(url)) as db:
        db.execute("DROP TABLE IF EXISTS bench_daily")
        db.execute(
            "CREATE TABLE bench_daily (LIKE course_daily_metrics INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
        db.commit()
        began = time.perf_counter()
        cursor = db.execute(_BASELINE, {"start": start, "end": end, "first": first, "last": today})
        rows = cursor.rowcount
        db.commit()
        return time.perf_counter() - began, rows


def job(url: str, days: int) -> tuple[float, int]:
    engine = create_engine(url)
    factory = sessionmaker(bind=engine, class_=Session)
    began = time.perf_counter()
    report = recompute_recent(factory, days=days)
    elapsed = time.perf_counter() - began
    engine.dispose()
    return elapsed, report.rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--enrollments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lmsdesk-analytics-bench-"))
    embedded = EmbeddedPostgres(work / "server")
    url = embedded.start()
    figures: dict[str, Any] = {
        "courses": args.courses,
        "days": args.days,
        "enrollments": args.enrollments,
    }
    try:
        upgrade_to_head(url)
        say(f"building {args.courses} courses x {args.days} days ...")
        began = time.perf_counter()
        build(url, args.courses, args.days, args.enrollments)
        figures["build_s"] = round(time.perf_counter() - began, 1)
        jobs, bases = [], []
        for run in range(args.runs):
            say(f"run {run + 1}: the daily job, then the baseline ...")
            seconds, rows = job(url, args.days)
            jobs.append(seconds)
            figures["job_rows"] = rows
            seconds, rows = baseline(url, args.days)
            bases.append(seconds)
            figures["baseline_rows"] = rows
        figures["job_s"] = round(sorted(jobs)[len(jobs) // 2], 2)
        figures["baseline_s"] = round(sorted(bases)[len(bases) // 2], 2)
        figures["job_s_min_max"] = f"{min(jobs):.2f}-{max(jobs):.2f}"
        figures["baseline_s_min_max"] = f"{min(bases):.2f}-{max(bases):.2f}"
        figures["job_ratio"] = round(figures["job_s"] / figures["baseline_s"], 2)
        with psycopg.connect(_libpq(url)) as db:
            row = db.execute(_SAME).fetchone()
            figures["rows_that_differ"] = int(row[0]) if row else -1
    finally:
        embedded.stop()
    print_figures(
        figures,
        {"job_ratio": "<= 2 (DESIGN.md section 8)", "rows_that_differ": "0"},
        as_json=args.json,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
