"""`lmsdesk-server serve --workers N`: N processes on one port, one set of metrics, and a clean
stop; `lmsdesk-server worker` runs the background jobs a `--no-jobs` server leaves."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import httpx
import psutil

from lmsdesk_server.db.migrate import upgrade_to_head
from tests.e2e.server_process import ServerProcess
from tests.support.postgres import PostgresForTests


def test_two_worker_processes_answer_on_one_port_and_report_one_set_of_metrics(
    postgres: PostgresForTests, tmp_path: Path
) -> None:
    url = postgres.fresh_database("serve_workers")
    upgrade_to_head(url)
    server = ServerProcess(tmp_path / "data", env={"LMSDESK_DATABASE_URL": url})
    server.start("--workers", "2")
    try:
        assert server.process is not None
        supervisor = psutil.Process(server.process.pid)
        deadline = time.monotonic() + 30
        while len(supervisor.children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(supervisor.children()) >= 2, "two worker processes"
        with httpx.Client(base_url=server.url) as client:
            for _ in range(40):
                assert client.get("/api/v1/health").status_code == 200
            # A fresh connection per scrape: whichever worker answers reports both.
            metrics = httpx.get(f"{server.url}/metrics").text
        counted = sum(
            float(m.group(1))
            for m in re.finditer(
                r'^lmsdesk_http_requests_total\{[^}]*route="/health"[^}]*\} (\S+)$', metrics, re.M
            )
        )
        assert counted >= 40
    finally:
        assert server.stop(signal.SIGTERM) == 0


def test_a_no_jobs_server_leaves_mail_to_a_worker_process(
    postgres: PostgresForTests, tmp_path: Path
) -> None:
    url = postgres.fresh_database("serve_no_jobs")
    upgrade_to_head(url)
    env = {"LMSDESK_DATABASE_URL": url}
    server = ServerProcess(tmp_path / "data", env=env)
    server.start("--no-jobs")
    try:
        made = httpx.post(
            f"{server.url}/api/v1/auth/register",
            json={"email": "late@example.com", "password": "long enough pw", "full_name": "L"},
        )
        assert made.status_code == 201
        outbox = tmp_path / "data" / "outbox"
        time.sleep(4)
        assert not list(outbox.glob("*.eml")), "no jobs run in a --no-jobs server"
        worker = server.spawn("worker")
        try:
            deadline = time.monotonic() + 30
            while not list(outbox.glob("*.eml")) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(list(outbox.glob("*.eml"))) == 1
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(30) == 0
    finally:
        server.stop()
