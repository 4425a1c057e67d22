"""Background jobs in the PostgreSQL queue: with three workers (three server processes, or
`lmsdesk-server worker` on three hosts) each periodic job runs once per due time, and each mail
goes out once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from lmsdesk_server.config import ServerSettings
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.migrate import upgrade_to_head
from lmsdesk_server.jobs import BackgroundWorker, job_app
from lmsdesk_server.mail.messages import password_reset_mail
from lmsdesk_server.mail.outbox import enqueue
from tests.support.postgres import PostgresForTests


@pytest.fixture
def three_hosts(postgres: PostgresForTests, tmp_path: Path) -> Iterator[list[ServerContext]]:
    url = postgres.fresh_database("jobs_once")
    upgrade_to_head(url)
    contexts = [
        ServerContext.build(
            ServerSettings(
                database_url=url,
                server_data_dir=tmp_path / f"host{i}",
                jwt_secret=SecretStr("jobs-test-secret-0123456789abcdef0123"),
            ),
            url,
        )
        for i in range(3)
    ]
    yield contexts
    for context in contexts:
        context.engine.dispose()


def test_each_due_time_of_a_periodic_job_runs_once_across_three_workers(
    three_hosts: list[ServerContext],
) -> None:
    ran: Counter[int] = Counter()
    lock = threading.Lock()
    workers = []
    for i, context in enumerate(three_hosts):
        app = job_app(context)

        @app.periodic(cron="* * * * * *", periodic_id="tick")  # every second
        @app.task(name="test.tick", queue="maintenance")
        def tick(timestamp: int) -> None:
            with lock:
                ran[timestamp] += 1

        del tick
        workers.append(BackgroundWorker(context, name=f"host{i}", app=app))
    for worker in workers:
        worker.start()
    time.sleep(4.5)
    for worker in workers:
        worker.stop()
    assert len(ran) >= 3, f"the job ran at {sorted(ran)}"
    assert set(ran.values()) == {1}, f"a due time ran more than once: {ran}"


def test_mail_queued_while_three_workers_run_goes_out_once(
    three_hosts: list[ServerContext],
) -> None:
    workers = [BackgroundWorker(c, name=f"host{i}") for i, c in enumerate(three_hosts)]
    for worker in workers:
        worker.start()
    try:
        with transaction(three_hosts[0].session_factory) as session:
            for n in range(12):
                enqueue(
                    session,
                    password_reset_mail(
                        to=f"reader{n}@example.com", name="R", code=f"ABCD-EFGH-{n:04d}", minutes=30
                    ),
                )
        outboxes = [c.settings.mail_outbox_dir for c in three_hosts]
        deadline = time.monotonic() + 20
        sent: list[Path] = []
        while time.monotonic() < deadline:
            sent = [eml for box in outboxes if box.exists() for eml in box.glob("*.eml")]
            if len(sent) >= 12:
                break
            time.sleep(0.2)
        time.sleep(3.5)  # one more round of every worker: nothing is sent twice
        sent = [eml for box in outboxes if box.exists() for eml in box.glob("*.eml")]
    finally:
        for worker in workers:
            worker.stop()
    recipients = Counter(
        line.split(":", 1)[1].strip()
        for eml in sent
        for line in eml.read_text().splitlines()
        if line.startswith("To:")
    )
    assert recipients == Counter({f"reader{n}@example.com": 1 for n in range(12)})
