"""One embedded PostgreSQL for the whole test session; each suite takes fresh databases in it."""

from __future__ import annotations

from pathlib import Path

import psycopg

from lmsdesk_server.db.embedded import EmbeddedPostgres


class PostgresForTests:
    def __init__(self, root: Path) -> None:
        self._embedded = EmbeddedPostgres(root)
        self.url = self._embedded.start()

    def fresh_database(self, name: str) -> str:
        admin = self.url.replace("postgresql+psycopg://", "postgresql://").replace(
            "/lmsdesk?", "/postgres?"
        )
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.replace("/lmsdesk?", f"/{name}?")

    def stop(self) -> None:
        self._embedded.stop()
