"""`lmsdesk-server serve` as a user runs it: embedded PostgreSQL, migrate, serve, stop cleanly,
and come back after being killed."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import psutil
import pytest

from lmsdesk_server.demo.seed import demo_id
from tests.e2e.server_process import ServerProcess

pytestmark = pytest.mark.e2e


def _postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "pgdata" / "postmaster.pid"
    if not pid_file.exists():
        return None
    return int(pid_file.read_text().splitlines()[0])


def _postgres_running(pid: int | None) -> bool:
    return pid is not None and psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"


def test_serve_on_embedded_postgres_survives_sigkill_and_stops_cleanly(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data")
    server.start()
    body = httpx.get(f"{server.url}/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"

    # Seeding while the server runs attaches to the same database and leaves it running.
    seeded = server.cli("seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "student@example.com" in seeded.stdout
    login = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": "student@example.com", "password": "lmsdesk-demo"},
    )
    assert login.status_code == 200

    # Killed without a chance to clean up: PostgreSQL is left behind...
    server.stop(signal.SIGKILL)
    stale = _postmaster_pid(server.data_dir)
    assert _postgres_running(stale)

    # ...and the next start takes it over instead of failing.
    server.start()
    assert httpx.get(f"{server.url}/api/v1/health").json()["database"] == "ok"
    assert server.stop(signal.SIGTERM) == 0
    assert not _postgres_running(_postmaster_pid(server.data_dir) or stale)


def test_the_test_provider_delivers_to_the_port_it_serves_on(tmp_path: Path) -> None:
    """`serve` on an arbitrary port, no LMSDESK_PUBLIC_URL: Pay on the test checkout page reaches
    this server's own webhook, signed with the secret it generated, and completes the order."""
    server = ServerProcess(tmp_path / "data")
    server.start()
    try:
        assert server.cli("seed-demo").returncode == 0
        # (The demo student is in the paid course's cohort already: a new buyer.)
        buyer = {"email": "buyer@example.com", "password": "a long buyer passphrase"}
        made = server.cli(
            "create-user", "--email", buyer["email"], "--role", "student", stdin=buyer["password"]
        )
        assert made.returncode == 0, made.stderr
        login = httpx.post(f"{server.url}/api/v1/auth/login", json=buyer)
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        course = {"course_id": str(demo_id("course:practical-sqlite"))}
        checkout = httpx.post(
            f"{server.url}/api/v1/checkout/sessions", headers=headers, json=course
        ).json()
        assert checkout["url"].startswith(f"{server.url}/checkout/test/")
        paid = httpx.post(f"{checkout['url']}/pay", timeout=30)
        assert paid.status_code == 303
        order = httpx.get(f"{server.url}/api/v1/orders/{checkout['order_id']}", headers=headers)
        assert order.json()["status"] == "completed"
        assert order.json()["enrollment_active"] is True
    finally:
        server.stop()
