"""A seeded catalog, enrolments, and a tiny sync client speaking the wire protocol."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import hlc
from lmsdesk.contracts.enums import EnrollmentSource, EnrollmentStatus
from lmsdesk.contracts.mutations import MutationType
from lmsdesk.contracts.sync import PROTOCOL_VERSION
from lmsdesk_server.db.models import Enrollment, LessonProgress, User
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.demo.seed import DemoSeeder, demo_id
from lmsdesk_server.resources import resources_dir
from lmsdesk_server.storage.filesystem import FileStore

T = TypeVar("T")

API = "/api/v1"
FREE = demo_id("course:offline-first-basics")
PAID = demo_id("course:practical-sqlite")
PENDING = demo_id("course:qt-for-python")
DRAFT = demo_id("course:quizzes-that-teach")
FREE_VIDEO = demo_id("offline-first-basics:video")  # a preview lesson
FREE_TEXT = demo_id("offline-first-basics:text")
FREE_QUIZ_LESSON = demo_id("offline-first-basics:quiz")
FREE_QUIZ = demo_id("offline-first-basics:quizrow")
PAID_TEXT = demo_id("practical-sqlite:text")
PAID_QUIZ = demo_id("practical-sqlite:quizrow")


def seed_into(session: Session, store: FileStore) -> None:
    """The demo data (tests ask for it with the `seeded` fixture, which seeds once)."""
    DemoSeeder(session, resources=resources_dir(), store=store).run()


def enroll(
    session: Session,
    student: User,
    course_id: uuid.UUID,
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE,
) -> Enrollment:
    enrollment = Enrollment(
        student_id=student.id, course_id=course_id, status=status, source=EnrollmentSource.FREE
    )
    session.add(enrollment)
    stamp(session, enrollment, user_partition(student.id))
    session.flush()
    return enrollment


@dataclass
class Device:
    """One installation: its id, its mutation counter, its clock offset and its cursor."""

    client: TestClient
    token: str
    device_id: uuid.UUID = field(default_factory=uuid.uuid4)
    clock_offset_ms: int = 0
    cursor: str | None = None
    last_hlc: int = 0
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def mutation(self, name: MutationType[Any] | str, **args: Any) -> dict[str, Any]:
        now_ms = hlc.to_millis(hlc.wall_clock_hlc()) + self.clock_offset_ms
        self.last_hlc = hlc.next_hlc(self.last_hlc, now_ms)
        return {
            "seq": next(self._seq),
            "mutation_id": str(uuid.uuid4()),
            "name": str(name),
            "args": {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in args.items()},
            "hlc": self.last_hlc,
        }

    def push(
        self,
        *mutations: dict[str, Any],
        protocol: int = PROTOCOL_VERSION,
        with_cursor: bool = False,
    ) -> Any:
        """Push; `with_cursor` sends the device's cursor, as the app does, and takes the one a
        page in the answer moves it to."""
        request = {
            "device_id": str(self.device_id),
            "epoch": 1,
            "protocol": protocol,
            "mutations": list(mutations),
        }
        if with_cursor:
            request["cursor"] = self.cursor
        response = self.client.post(
            f"{API}/sync/push", json=request, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        self.last_hlc = max(self.last_hlc, body["server_hlc"])
        if body.get("pulled"):
            self.cursor = body["pulled"]["cursor"]
        return body

    def pull(self, limit: int = 5000, resync: Sequence[str] = ()) -> dict[str, Any]:
        response = self.client.post(
            f"{API}/sync/pull",
            json={
                "device_id": str(self.device_id),
                "protocol": PROTOCOL_VERSION,
                "cursor": self.cursor,
                "limit": limit,
                "resync": list(resync),
            },
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        self.cursor = body["cursor"]
        self.last_hlc = max(self.last_hlc, body["server_hlc"])
        return body

    def pull_all(self, limit: int = 5000) -> list[dict[str, Any]]:
        pages = [self.pull(limit)]
        while pages[-1]["has_more"]:
            pages.append(self.pull(limit))
        return pages


DeviceFactory = Callable[..., Device]


def progress(session: Session, student: User, lesson: uuid.UUID) -> LessonProgress:
    """The server's progress row, read fresh (requests committed through other sessions)."""
    session.expire_all()
    return session.scalars(
        select(LessonProgress).where(
            LessonProgress.student_id == student.id, LessonProgress.lesson_id == lesson
        )
    ).one()


def rows(pages: list[dict[str, Any]], table: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for page in pages:
        for row in page["changes"].get(table, []):
            found[str(row.get("id") or row)] = row
    return found


def statements_of(engine: Engine, call: Callable[[], T]) -> tuple[T, list[str]]:
    """What a call returns and the SQL it runs, leaving out transaction control (the tests'
    savepoints)."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return result, seen
