"""The server is killed in the middle of a push and started again: the client retries and every
effect happens exactly once."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.sync import AddTimeArgs
from lmsdesk.local_db import outbox
from lmsdesk.local_db.models.mirror import LessonProgress
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.engine import SyncEngine, SyncStatus
from lmsdesk.sync.token_store import PrivateFileTokenStore
from lmsdesk_server.demo.seed import demo_id
from tests.e2e.server_process import ServerProcess

pytestmark = pytest.mark.e2e
PREVIEW_VIDEO = demo_id("offline-first-basics:video")  # learnable without an enrollment
TOTAL = 3000


def test_server_killed_mid_push_then_restarted(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "server")
    server.start()
    assert server.cli("seed-demo").returncode == 0
    with httpx.Client(timeout=10) as http:
        service = SessionService(
            data_dir=tmp_path / "client",
            api_for=lambda url: ApiClient(url, http),
            token_store=lambda: PrivateFileTokenStore(tmp_path / "tokens"),
        )
        service.sign_in(server.url, "student@example.com", "lmsdesk-demo")
        assert service.store is not None
        assert service._auth is not None
        assert service.current is not None
        engine = SyncEngine(
            service.store, service._auth, service.current.profile.user_id, push_batch=20
        )
        # TOTAL separate one-second changes (queued without a coalescing key), so a batch
        # applied twice would show in the total.
        with service.store.transaction() as session:
            for _ in range(TOTAL):
                outbox.enqueue(
                    session,
                    name=m.ADD_TIME.name,
                    hlc=outbox.next_hlc(session),
                    args=AddTimeArgs(lesson_id=PREVIEW_VIDEO, seconds=1).model_dump(mode="json"),
                    description="Time spent",
                )
        killers: list[threading.Timer] = []

        def kill_soon(phase: str, done: int, _total: int | None) -> None:
            # After 200 are through, kill the server a moment later: mid-batch or between.
            if phase == "push" and done >= 200 and not killers:
                killers.append(threading.Timer(0.005, server.stop, args=(signal.SIGKILL,)))
                killers[0].start()

        outcome = engine.sync(kill_soon)
        assert killers
        killers[0].join(30)  # the server is gone before it is started again
        assert outcome.status is SyncStatus.OFFLINE
        assert 0 < outcome.pending < TOTAL  # part went through before the server died

        server.start()
        final = engine.sync()
        assert final.status is SyncStatus.IDLE
        assert final.pending == 0
        with service.store.reading() as session:
            row = session.scalars(
                select(LessonProgress).where(LessonProgress.lesson_id == PREVIEW_VIDEO)
            ).one()
        assert row.time_spent_seconds == TOTAL  # every second exactly once
        service.sign_out()
    server.stop()
