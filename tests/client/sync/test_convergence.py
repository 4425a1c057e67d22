"""Property: three laptops of one student, working offline in random interleavings, syncing
through a network that loses answers (so mutations are delivered again), with clocks up to a
day apart, end with the same progress as the server, and the server with what an oracle says."""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk.contracts.sync import (
    AddTimeArgs,
    CompleteLessonArgs,
    SetPositionArgs,
    SubmitQuizAttemptArgs,
)
from lmsdesk.local_db.models.mirror import LessonProgress, QuizAttempt
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.engine import SyncEngine, SyncStatus
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk_server.demo.seed import demo_id
from tests.fakes import MemoryKeyring
from tests.support.flaky import LosingTransport
from tests.support.live_server import PASSWORD, LiveServer

FREE = demo_id("course:offline-first-basics")
VIDEO = demo_id("offline-first-basics:video")
TEXT = demo_id("offline-first-basics:text")
QUIZ = demo_id("offline-first-basics:quizrow")
LESSONS = (VIDEO, TEXT)
QUIZ_ATTEMPTS = 3
DAY_MS = 24 * 3600 * 1000

pytestmark = pytest.mark.long


def _answers(correct: bool) -> dict[str, Any]:
    key = "offline-first-basics"
    return {
        str(demo_id(f"{key}:q0")): 1 if correct else 0,
        str(demo_id(f"{key}:q1")): [0, 1, 2],
        str(demo_id(f"{key}:q2")): False,
        str(demo_id(f"{key}:q3")): "laptop" if correct else "cloud",
    }


actions = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.one_of(
            st.tuples(st.just("position"), st.sampled_from(LESSONS), st.integers(0, 29)),
            st.tuples(st.just("time"), st.sampled_from(LESSONS), st.integers(1, 90)),
            st.tuples(st.just("complete"), st.sampled_from(LESSONS), st.just(0)),
            st.tuples(st.just("attempt"), st.just(QUIZ), st.booleans()),
            st.tuples(st.just("sync"), st.just(None), st.just(0)),
            st.tuples(st.just("network"), st.just(None), st.booleans()),
        ),
    ),
    min_size=5,
    max_size=30,
)


class Laptop:
    def __init__(self, root: Path, server: str, skew_ms: int, seed: int) -> None:
        self.transport = LosingTransport(seed, loss=0.3)
        self.http = httpx.Client(transport=self.transport, timeout=10)
        keyring = MemoryKeyring()
        self.service = SessionService(
            data_dir=root,
            api_for=lambda url: ApiClient(url, self.http),
            token_store=lambda: KeyringTokenStore(keyring),
            device_name=root.name,
        )
        self.server = server
        self.skew_ms = skew_ms

    def start(self, email: str) -> SyncEngine:
        for _ in range(20):  # signing in through a lossy network may take a few tries
            try:
                self.service.sign_in(self.server, email, PASSWORD)
                break
            except Exception:
                time.sleep(0.01)
        assert self.service.current is not None
        assert self.service.store is not None
        assert self.service._auth is not None
        self.engine = SyncEngine(
            self.service.store,
            self.service._auth,
            self.service.current.profile.user_id,
            clock_ms=lambda: int(time.time() * 1000) + self.skew_ms,
        )
        return self.engine

    def settle(self) -> None:
        """Sync until the queue is empty through the lossy network."""
        for _ in range(60):
            outcome = self.engine.sync()
            if outcome.status is SyncStatus.IDLE and outcome.pending == 0:
                return
        raise AssertionError(f"never settled: {outcome}")

    def close(self) -> None:
        self.service.sign_out()
        self.http.close()

    def progress(self) -> dict[uuid.UUID, tuple[Any, ...]]:
        assert self.service.store is not None
        with self.service.store.reading() as session:
            rows = session.scalars(select(LessonProgress)).all()
            return {
                r.lesson_id: (
                    r.status,
                    r.last_position_seconds,
                    r.furthest_position_seconds,
                    r.time_spent_seconds,
                )
                for r in rows
            }

    def attempts(self) -> list[tuple[uuid.UUID, bool | None]]:
        assert self.service.store is not None
        with self.service.store.reading() as session:
            return sorted((a.id, a.passed) for a in session.scalars(select(QuizAttempt)))


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    steps=actions,
    skews=st.lists(st.integers(-DAY_MS, DAY_MS), min_size=3, max_size=3),
    seed=st.integers(0, 2**16),
)
def test_three_laptops_converge_with_the_server_and_the_oracle(
    live_server: LiveServer,
    steps: list[tuple[int, tuple[str, Any, Any]]],
    skews: list[int],
    seed: int,
) -> None:
    email = live_server.create_user(Role.STUDENT)
    live_server.enroll(email, FREE)
    root = Path(tempfile.mkdtemp(prefix="converge-"))
    laptops = [Laptop(root / f"laptop{i}", live_server.url, skews[i], seed + i) for i in range(3)]
    try:
        _run(laptops, [laptop.start(email) for laptop in laptops], steps)
    finally:
        for laptop in laptops:
            laptop.close()


def _run(
    laptops: list[Laptop], engines: list[SyncEngine], steps: list[tuple[int, tuple[str, Any, Any]]]
) -> None:

    positions: dict[uuid.UUID, list[int]] = {lesson: [] for lesson in LESSONS}
    time_spent: dict[uuid.UUID, int] = dict.fromkeys(LESSONS, 0)
    completed: set[uuid.UUID] = set()
    attempts: dict[uuid.UUID, bool] = {}
    for device, (kind, target, value) in steps:
        engine, laptop = engines[device], laptops[device]
        if kind == "position":
            engine.record(m.SET_POSITION, SetPositionArgs(lesson_id=target, position_seconds=value))
            positions[target].append(value)
        elif kind == "time":
            engine.record(m.ADD_TIME, AddTimeArgs(lesson_id=target, seconds=value))
            time_spent[target] += value
        elif kind == "complete":
            done = CompleteLessonArgs(lesson_id=target, completed_at=datetime.now(UTC))
            engine.record(m.COMPLETE_LESSON, done)
            completed.add(target)
        elif kind == "attempt":
            attempt_id = uuid.uuid4()
            now = datetime.now(UTC)
            engine.record(
                m.SUBMIT_ATTEMPT,
                SubmitQuizAttemptArgs(
                    attempt_id=attempt_id,
                    quiz_id=QUIZ,
                    started_at=now - timedelta(minutes=1),
                    submitted_at=now,
                    answers=_answers(value),
                ),
            )
            attempts[attempt_id] = value
        elif kind == "network":
            laptop.transport.offline = value
        else:
            engine.sync()

    for laptop in laptops:
        laptop.transport.offline = False
    for laptop in laptops:
        laptop.settle()
    for laptop in laptops:  # one more round so everyone sees everyone's last changes
        laptop.settle()

    replicas = [laptop.progress() for laptop in laptops]
    assert replicas[0] == replicas[1] == replicas[2]
    assert laptops[0].attempts() == laptops[1].attempts() == laptops[2].attempts()

    # The oracle: every change counted exactly once, whatever was lost and sent again.
    final = replicas[0]
    for lesson in LESSONS:
        touched = positions[lesson] or time_spent[lesson] or lesson in completed
        if not touched:
            assert lesson not in final
            continue
        status, position, furthest, spent = final[lesson]
        assert spent == time_spent[lesson]
        assert furthest == max(positions[lesson], default=0)
        if positions[lesson]:
            assert position in positions[lesson]
        expected = ProgressStatus.COMPLETED if lesson in completed else ProgressStatus.IN_PROGRESS
        assert status is expected
    # The demo quiz allows three attempts: whichever three reach the server first count, each
    # once and graded as sent; the others are refused on every laptop.
    counted = laptops[0].attempts()
    assert len(counted) == min(QUIZ_ATTEMPTS, len(attempts))
    assert all(attempts[attempt] == passed for attempt, passed in counted)
