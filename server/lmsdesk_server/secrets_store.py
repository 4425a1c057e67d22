"""Secrets the operator did not configure: generated once and kept in PostgreSQL, so every
server process on every host signs and verifies with the same keys (DESIGN.md section 12).

The first process to start generates a value; `INSERT ... ON CONFLICT DO NOTHING` makes every
racing process read the winner's. A secret an older version kept in the data dir is adopted
instead of a new one, so tokens, signed links and certificates issued before the upgrade stay
valid.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import ServerSecret


def _random() -> str:
    return secrets.token_urlsafe(48)


class SecretStore:
    def __init__(self, session_factory: sessionmaker[Session], legacy_dir: Path | None) -> None:
        self._factory = session_factory
        self._legacy_dir = legacy_dir

    def get(self, name: str, generate: Callable[[], str] = _random) -> str:
        with transaction(self._factory) as session:
            found = session.scalar(select(ServerSecret.value).where(ServerSecret.name == name))
            if found is not None:
                return found
            session.execute(
                insert(ServerSecret)
                .values(name=name, value=self._legacy(name) or generate())
                .on_conflict_do_nothing(index_elements=["name"])
            )
            value = session.scalar(select(ServerSecret.value).where(ServerSecret.name == name))
            assert value is not None
            return value

    def _legacy(self, name: str) -> str | None:
        """The file a version before 0.2 kept this secret in, if this data dir has one."""
        if self._legacy_dir is None:
            return None
        path = self._legacy_dir / "secrets" / name
        return path.read_text().strip() if path.is_file() else None
