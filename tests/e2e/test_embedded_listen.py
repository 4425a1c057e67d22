"""LMSDESK_EMBEDDED_PG_LISTEN: the embedded PostgreSQL of host A serves hosts B and C over TCP,
by password only, and keeps serving them after A's server stops (DESIGN.md section 12)."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.e2e.server_process import ServerProcess, free_port

pytestmark = pytest.mark.e2e


def test_other_hosts_use_the_embedded_database_and_outlive_its_first_server(
    tmp_path: Path,
) -> None:
    pg_port = free_port()
    host_a = ServerProcess(
        tmp_path / "a", env={"LMSDESK_EMBEDDED_PG_LISTEN": f"127.0.0.1:{pg_port}"}
    )
    host_a.start()
    try:
        password = (tmp_path / "a" / "secrets" / "embedded_pg_password").read_text().strip()
        assert oct((tmp_path / "a" / "secrets" / "embedded_pg_password").stat().st_mode)[-3:] == (
            "600"
        )
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"postgresql://postgres:wrong@127.0.0.1:{pg_port}/lmsdesk").close()

        remote = f"postgresql+psycopg://postgres:{password}@127.0.0.1:{pg_port}/lmsdesk"
        host_b = ServerProcess(tmp_path / "b", env={"LMSDESK_DATABASE_URL": remote})
        host_b.start()
        try:
            made = httpx.post(
                f"{host_a.url}/api/v1/auth/register",
                json={"email": "both@example.com", "password": "long enough pw", "full_name": "B"},
            )
            assert made.status_code == 201
            login = httpx.post(
                f"{host_b.url}/api/v1/auth/login",
                json={"email": "both@example.com", "password": "long enough pw"},
            )
            assert login.status_code == 200, "B sees what A wrote: one database"

            assert host_a.stop(signal.SIGTERM) == 0
            health = httpx.get(f"{host_b.url}/api/v1/health")
            assert health.json()["database"] == "ok", "the database outlives A's server"
        finally:
            host_b.stop()
    finally:
        if host_a.process is not None:
            host_a.stop()
        stopped = host_a.cli("stop-database")
        assert stopped.returncode == 0, stopped.stderr
        assert "stopped" in stopped.stdout
