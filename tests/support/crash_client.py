"""A client that dies: run as a subprocess by tests/client/sync/test_crash_safety.py.

    python -m tests.support.crash_client SERVER EMAIL PASSWORD DATA_DIR ROUNDS SEED

Signs in once, then for each round records a few changes and forks a child that syncs and
kills itself with SIGKILL at a random checkpoint: any statement on the SQLite store, or any HTTP
answer just received. Prints one JSON line: what was recorded and how the children ended.
Single-threaded, so fork is safe.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.sync import AddTimeArgs, SetPositionArgs, SubmitQuizAttemptArgs
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.engine import SyncEngine, SyncStatus
from lmsdesk.sync.token_store import PrivateFileTokenStore

LESSONS = [uuid.UUID(x) for x in os.environ["CRASH_LESSONS"].split(",")]
QUIZ = uuid.UUID(os.environ["CRASH_QUIZ"])


class Checkpoints:
    def __init__(self, kill_at: int) -> None:
        self.count = 0
        self.kill_at = kill_at

    def hit(self, *_: Any, **__: Any) -> None:
        self.count += 1
        if self.count == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def child(service: SessionService, kill_at: int) -> None:
    store, auth = service.store, service._auth
    assert store is not None
    assert auth is not None
    assert service.current is not None
    points = Checkpoints(kill_at)
    store.engine.dispose()  # never share the parent's SQLite connections
    event.listen(store.engine, "before_cursor_execute", points.hit)
    http = httpx.Client(timeout=10, event_hooks={"response": [points.hit]})
    auth.api = ApiClient(auth.api.base_url, http)
    engine = SyncEngine(store, auth, service.current.profile.user_id, push_batch=4, page_limit=40)
    outcome = engine.sync()
    os._exit(0 if outcome.status is SyncStatus.IDLE else 3)


def main() -> int:
    server, email, password, data_dir, rounds, seed = sys.argv[1:7]
    rng = random.Random(int(seed))
    http = httpx.Client(timeout=10)
    service = SessionService(
        data_dir=Path(data_dir),
        api_for=lambda url: ApiClient(url, http),
        token_store=lambda: PrivateFileTokenStore(Path(data_dir) / "tokens"),
    )
    service.sign_in(server, email, password)
    assert service.current is not None
    assert service.store is not None
    assert service._auth is not None
    recorder = SyncEngine(service.store, service._auth, service.current.profile.user_id)
    recorded: dict[str, Any] = {
        "time": {str(x): 0 for x in LESSONS},
        "attempts": [],
        "positions": {str(x): [] for x in LESSONS},
    }
    ends = {"killed": 0, "finished": 0, "other": 0}
    for _ in range(int(rounds)):
        for _ in range(rng.randint(0, 3)):
            lesson = rng.choice(LESSONS)
            seconds = rng.randint(1, 60)
            recorder.record(m.ADD_TIME, AddTimeArgs(lesson_id=lesson, seconds=seconds))
            recorded["time"][str(lesson)] += seconds
            position = rng.randint(0, 29)
            moved = SetPositionArgs(lesson_id=lesson, position_seconds=position)
            recorder.record(m.SET_POSITION, moved)
            recorded["positions"][str(lesson)].append(position)
        if rng.random() < 0.3:
            attempt = uuid.uuid4()
            now = datetime.now(UTC)
            recorder.record(
                m.SUBMIT_ATTEMPT,
                SubmitQuizAttemptArgs(
                    attempt_id=attempt,
                    quiz_id=QUIZ,
                    started_at=now - timedelta(seconds=30),
                    submitted_at=now,
                    answers={},
                ),
            )
            recorded["attempts"].append(str(attempt))
        service.store.engine.dispose()
        pid = os.fork()
        if pid == 0:
            child(service, rng.randint(1, 25))
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            ends["killed"] += 1
        elif os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            ends["finished"] += 1
        else:
            ends["other"] += 1
    final = recorder.sync()
    again = recorder.sync()
    report = {
        "recorded": recorded,
        "ends": ends,
        "final": final.status.value,
        "pending": again.pending,
        "failed": again.failed,
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
