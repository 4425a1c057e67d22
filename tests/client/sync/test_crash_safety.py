"""SIGKILL at hundreds of random points of push, pull and apply: nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import LessonProgress, QuizAttempt, User
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import PASSWORD, LiveServer

FREE = demo_id("course:offline-first-basics")
LESSONS = [demo_id("offline-first-basics:video"), demo_id("offline-first-basics:text")]
QUIZ = demo_id("offline-first-basics:quizrow")
QUIZ_ATTEMPTS = 3  # the demo quiz's limit
ROUNDS = 160  # per client; each must die at least 100 times: 200+ kill points in all

pytestmark = pytest.mark.long


@pytest.mark.parametrize("seed", [11, 29])
def test_killed_mid_sync_loses_nothing_and_repeats_nothing(
    live_server: LiveServer, tmp_path: Path, seed: int
) -> None:
    email = live_server.create_user(Role.STUDENT)
    live_server.enroll(email, FREE)
    env = {**os.environ, "CRASH_LESSONS": ",".join(map(str, LESSONS)), "CRASH_QUIZ": str(QUIZ)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.crash_client",
            live_server.url,
            email,
            PASSWORD,
            str(tmp_path / "client"),
            str(ROUNDS),
            str(seed),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ends"]["other"] == 0, report
    assert report["ends"]["killed"] >= 100, report  # most rounds die somewhere inside the sync
    assert report["final"] == "idle"
    # The demo quiz allows three attempts: the server counts the first three recorded, exactly
    # once, and refuses the others (kept, with their reason, as refused changes).
    recorded_attempts = report["recorded"]["attempts"]
    counted = recorded_attempts[:QUIZ_ATTEMPTS]
    refused = len(recorded_attempts) - len(counted)
    assert (report["pending"], report["failed"]) == (0, refused)

    with transaction(live_server.context.session_factory) as session:
        student = session.scalars(select(User).where(User.email == email)).one()
        progress = {
            str(row.lesson_id): row
            for row in session.scalars(
                select(LessonProgress).where(LessonProgress.student_id == student.id)
            )
        }
        attempts = sorted(
            str(a.id)
            for a in session.scalars(
                select(QuizAttempt).where(QuizAttempt.student_id == student.id)
            )
        )
    recorded = report["recorded"]
    for lesson, seconds in recorded["time"].items():
        if seconds == 0:
            assert lesson not in progress
            continue
        row = progress[lesson]
        assert row.time_spent_seconds == seconds  # 0 lost, 0 counted twice
        assert row.last_position_seconds == recorded["positions"][lesson][-1]
        assert row.furthest_position_seconds == max(recorded["positions"][lesson])
    assert attempts == sorted(counted)  # every counted attempt exactly once, no more
