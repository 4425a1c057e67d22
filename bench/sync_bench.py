"""Sync benchmark (DESIGN.md section 8): a real server on 127.0.0.1 with embedded PostgreSQL and
the real client sync engine.

    python bench/sync_bench.py [--courses N] [--lessons-per-course M] [--json]

Prints, in one run: the initial pull of N x M lessons into an empty store against a raw sqlite3
executemany of the same rows (the baseline), a no-op sync (requests, bytes, p50), the push of
10,000 progress mutations, and pending position mutations per lesson after an hour of playback.

Then a course's community (DESIGN.md section 11.2): --questions questions with
--answers-per-question answers each appear in a course the student takes; the next sync pulls
that partition whole into the store, timed against a raw executemany of the same rows (its
ratio is held to 1.5x the lessons' ratio above), and a no-op sync is measured again with the
community partition in the cursor.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server")]

from bench_server import print_figures, served  # noqa: E402
from lmsdesk.contracts import mutations as m  # noqa: E402
from lmsdesk.contracts.sync import SetPositionArgs  # noqa: E402
from lmsdesk.local_db.engine import LocalStore  # noqa: E402
from lmsdesk.local_db.migrate import upgrade_store  # noqa: E402
from lmsdesk.local_db.models.client import OutboxItem  # noqa: E402
from lmsdesk.services.session import SessionService  # noqa: E402
from lmsdesk.sync.api_client import ApiClient  # noqa: E402
from lmsdesk.sync.token_store import PrivateFileTokenStore  # noqa: E402
from lmsdesk_server.db.embedded import EmbeddedPostgres  # noqa: E402
from lmsdesk_server.db.migrate import upgrade_to_head  # noqa: E402
from lmsdesk_server.security.passwords import hash_password  # noqa: E402

PASSWORD = "bench password 123"
EMAIL = "bench-student@example.com"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_catalog(url: str, courses: int, lessons: int) -> list[uuid.UUID]:
    """Courses approved one transaction (one catalog version) each, as publishing makes them."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    instructor, student = uuid.uuid4(), uuid.uuid4()
    course_ids = [uuid.uuid4() for _ in range(courses)]
    body = "Lorem ipsum dolor sit amet, " * 10
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO users (id, email, password_hash, full_name) VALUES (%s, %s, %s, %s)",
            [
                (instructor, "bench-teacher@example.com", hash_password(PASSWORD), "Teacher"),
                (student, EMAIL, hash_password(PASSWORD), "Bench Student"),
            ],
        )
        cur.execute(
            "INSERT INTO user_roles VALUES (%s, 'instructor'), (%s, 'student')",
            (instructor, student),
        )
        version = 0
        sections, lesson_rows, course_rows = [], [], []
        for index, course in enumerate(course_ids):
            version += 1
            course_rows.append(
                (
                    course,
                    instructor,
                    f"Course {index}",
                    f"course-{index}",
                    body,
                    "approved",
                    version,
                )
            )
            section_ids = [uuid.uuid4() for _ in range(5)]
            for s_index, section in enumerate(section_ids):
                sections.append((section, course, f"Section {s_index}", f"a{s_index}", version))
            for l_index in range(lessons):
                lesson_rows.append(
                    (
                        uuid.uuid4(),
                        course,
                        section_ids[l_index % 5],
                        f"Lesson {l_index}",
                        "text",
                        f"a{l_index:04d}",
                        body,
                        version,
                    )
                )
        cur.executemany(
            "INSERT INTO courses (id, instructor_id, title, slug, description, status, "
            "published_at, sync_partition, sync_version) "
            "VALUES (%s, %s, %s, %s, %s, %s, now(), 'catalog', %s)",
            course_rows,
        )
        cur.executemany(
            "INSERT INTO course_sections (id, course_id, title, position, sync_partition, "
            "sync_version) VALUES (%s, %s, %s, %s, 'catalog', %s)",
            sections,
        )
        with cur.copy(
            "COPY lessons (id, course_id, section_id, title, lesson_type, position, content, "
            "sync_version, sync_partition) FROM STDIN"
        ) as copy:
            for row in lesson_rows:
                copy.write_row((*row, "catalog"))
        cur.execute(
            "INSERT INTO partition_clocks (partition, version) VALUES ('catalog', %s)", (version,)
        )
        # Enrolled in the first courses, so pushed progress is accepted.
        enrolled = course_ids[: max(1, 10_000 // max(lessons, 1) + 1)]
        for course in enrolled:
            cur.execute(
                "INSERT INTO partition_clocks (partition, version) VALUES (%s, 1) "
                "ON CONFLICT (partition) DO UPDATE SET version = partition_clocks.version + 1 "
                "RETURNING version",
                (f"user:{student}",),
            )
            (v,) = cur.fetchone()  # type: ignore[misc]
            cur.execute(
                "INSERT INTO enrollments (id, student_id, course_id, status, source, "
                "sync_partition, sync_version) VALUES (%s, %s, %s, 'active', 'free', %s, %s)",
                (uuid.uuid4(), student, course, f"user:{student}", v),
            )
        conn.commit()
        cur.execute("SELECT id FROM lessons WHERE course_id = ANY(%s) LIMIT 10000", (enrolled,))
        return [row[0] for row in cur.fetchall()]


class Counting:
    """Counts requests and bytes on the client's one httpx.Client."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes = 0
        self.client = httpx.Client(
            timeout=120, event_hooks={"request": [self._request], "response": [self._response]}
        )

    def _request(self, request: httpx.Request) -> None:
        self.requests += 1
        self.bytes += len(request.content or b"") + sum(
            len(k) + len(v) for k, v in request.headers.raw
        )

    def _response(self, response: httpx.Response) -> None:
        response.read()
        self.bytes += len(response.content) + sum(len(k) + len(v) for k, v in response.headers.raw)


CATALOG_TABLES = ("courses", "course_sections", "lessons")
COMMUNITY_TABLES = ("community_questions", "community_answers")


def raw_insert_seconds(
    store: LocalStore, work: Path, names: tuple[str, ...] = CATALOG_TABLES
) -> float:
    """The baseline: the same rows, inserted with sqlite3 executemany in one transaction."""
    copy = work / f"raw-{names[0]}.sqlite3"
    baseline = LocalStore(copy)
    upgrade_store(baseline.engine)
    baseline.close()
    source = sqlite3.connect(store.path)
    tables = {}
    for table in names:
        cursor = source.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cursor.description]
        tables[table] = (columns, cursor.fetchall())
    source.close()
    target = sqlite3.connect(copy)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    with target:
        for table, (columns, rows) in tables.items():
            marks = ", ".join("?" for _ in columns)
            target.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    elapsed = time.perf_counter() - started
    target.close()
    return elapsed


def measure(
    figures: dict[str, Any], base: str, work: Path, lesson_ids: list[uuid.UUID]
) -> tuple[Any, LocalStore, Counting]:
    counting = Counting()
    service = SessionService(
        data_dir=work / "client",
        api_for=lambda u: ApiClient(u, counting.client),
        token_store=lambda: PrivateFileTokenStore(work / "tokens"),
    )
    service.sign_in(base, EMAIL, PASSWORD)
    engine = service.sync_engine
    assert engine is not None
    assert service.store is not None

    say("initial pull ...")
    started = time.perf_counter()
    outcome = engine.sync()
    figures["initial_pull_seconds"] = round(time.perf_counter() - started, 3)
    figures["initial_pull_rows"] = outcome.pulled_rows
    figures["initial_pull_pages"] = outcome.pages
    figures["raw_insert_seconds"] = round(raw_insert_seconds(service.store, work), 3)
    figures["initial_pull_ratio"] = round(
        figures["initial_pull_seconds"] / figures["raw_insert_seconds"], 2
    )

    say("no-op syncs ...")
    samples = []
    for _ in range(30):
        counting.requests = counting.bytes = 0
        started = time.perf_counter()
        engine.sync()
        samples.append((time.perf_counter() - started) * 1000)
    figures["noop_requests"] = counting.requests
    figures["noop_bytes"] = counting.bytes
    figures["noop_p50_ms"] = round(statistics.median(samples), 2)

    say("push of 10,000 progress mutations ...")
    for index, lesson in enumerate(lesson_ids[:10_000]):
        position = SetPositionArgs(lesson_id=lesson, position_seconds=float(index % 600))
        engine.record(m.SET_POSITION, position)
    started = time.perf_counter()
    pushed, rejected, _current = engine._push_all(lambda *_: None)
    elapsed = time.perf_counter() - started
    figures["push_mutations"] = pushed
    figures["push_rejected"] = rejected
    figures["push_mutations_per_s"] = round(pushed / elapsed, 1)

    say("an hour of playback, saving every 5 s ...")
    lesson = lesson_ids[0]
    for second in range(0, 3600, 5):
        position = SetPositionArgs(lesson_id=lesson, position_seconds=float(second))
        engine.record(m.SET_POSITION, position)
    with service.store.reading() as session:
        pending = session.query(OutboxItem).filter(OutboxItem.name == m.SET_POSITION.name).count()
    figures["pending_position_mutations_per_lesson"] = pending
    engine.sync()  # the pushed positions settle before the community arrives
    return engine, service.store, counting


def build_community(url: str, course: uuid.UUID, questions: int, answers: int) -> int:
    """A busy course's community, written as the server writes it: each question with its
    answers in one transaction (one version of the course's community partition)."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    partition = f"community:{course}"
    body = "I followed the lesson but the result differs; what am I missing? " * 3
    question_rows, answer_rows = [], []
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM users WHERE email = %s", (EMAIL,))
        (author,) = cur.fetchone()  # type: ignore[misc]
        for index in range(questions):
            version = index + 1
            question = uuid.uuid4()
            question_rows.append(
                (question, course, author, f"Question {index}", body, answers, version)
            )
            for a_index in range(answers):
                answer_rows.append(
                    (uuid.uuid4(), question, course, author, f"Answer {a_index}. " + body, version)
                )
        with cur.copy(
            "COPY community_questions (id, course_id, author_id, title, body, answer_count, "
            "sync_version, sync_partition) FROM STDIN"
        ) as copy:
            for row in question_rows:
                copy.write_row((*row, partition))
        with cur.copy(
            "COPY community_answers (id, question_id, course_id, author_id, body, sync_version, "
            "sync_partition) FROM STDIN"
        ) as copy:
            for row in answer_rows:
                copy.write_row((*row, partition))
        # Every course's community takes its versions from the one community clock.
        cur.execute(
            "INSERT INTO partition_clocks (partition, version) VALUES ('community', %s) "
            "ON CONFLICT (partition) DO UPDATE SET version = EXCLUDED.version",
            (questions,),
        )
        conn.commit()
    return questions + len(answer_rows)


def measure_community(
    figures: dict[str, Any],
    url: str,
    work: Path,
    engine: Any,
    store: LocalStore,
    counting: Counting,
    course: uuid.UUID,
    questions: int,
    answers: int,
) -> None:
    say(f"a community of {questions} questions x {answers} answers ...")
    figures["community_rows"] = build_community(url, course, questions, answers)
    started = time.perf_counter()
    outcome = engine.sync()
    figures["community_pull_seconds"] = round(time.perf_counter() - started, 3)
    figures["community_pull_pages"] = outcome.pages
    raw = raw_insert_seconds(store, work, COMMUNITY_TABLES)
    figures["community_raw_insert_seconds"] = round(raw, 3)
    figures["community_pull_ratio"] = round(figures["community_pull_seconds"] / raw, 2)
    figures["community_ratio_vs_lessons"] = round(
        figures["community_pull_ratio"] / figures["initial_pull_ratio"], 2
    )
    samples = []
    for _ in range(30):
        counting.requests = counting.bytes = 0
        started = time.perf_counter()
        engine.sync()
        samples.append((time.perf_counter() - started) * 1000)
    figures["noop_with_community_requests"] = counting.requests
    figures["noop_with_community_bytes"] = counting.bytes
    figures["noop_with_community_p50_ms"] = round(statistics.median(samples), 2)


def first_enrolled_course(url: str) -> uuid.UUID:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT e.course_id FROM enrollments e JOIN users u ON u.id = e.student_id "
            "WHERE u.email = %s ORDER BY e.sync_version LIMIT 1",
            (EMAIL,),
        )
        (course,) = cur.fetchone()  # type: ignore[misc]
    return course  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--lessons-per-course", type=int, default=100)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--answers-per-question", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lmsdesk-bench-"))
    figures: dict[str, Any] = {
        "courses": args.courses,
        "lessons": args.courses * args.lessons_per_course,
    }
    embedded = EmbeddedPostgres(work / "server")
    url = embedded.start()
    try:
        upgrade_to_head(url)
        say(f"building {args.courses} x {args.lessons_per_course} lessons ...")
        lesson_ids = build_catalog(url, args.courses, args.lessons_per_course)
        with served(url, work / "server") as base:
            engine, store, counting = measure(figures, base, work, lesson_ids)
            if args.questions:
                course = first_enrolled_course(url)
                measure_community(
                    figures,
                    url,
                    work,
                    engine,
                    store,
                    counting,
                    course,
                    args.questions,
                    args.answers_per_question,
                )
    finally:
        embedded.stop()

    goals = {
        "initial_pull_ratio": "<= 1.5",
        "noop_requests": "<= 2",
        "noop_bytes": "<= 4096",
        "noop_p50_ms": "< 20",
        "push_mutations_per_s": ">= 5000",
        "pending_position_mutations_per_lesson": "<= 1",
        "community_ratio_vs_lessons": "<= 1.5",
        "noop_with_community_requests": "<= 2",
        "noop_with_community_bytes": "<= 4096",
        "noop_with_community_p50_ms": "< 20",
    }
    print_figures(figures, goals, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
