"""The per-account SQLite store: WAL, synchronous=NORMAL, foreign keys on every connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def _configure_connection(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a power cut may lose the last transactions but never corrupts the file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Checkpoint every 32 MB of WAL instead of every 4 MB: a pull commits one page per
    # transaction, and at the default the copying back into the database file took a quarter
    # of an initial pull. The file is cut back to 8 MB after each checkpoint.
    cursor.execute("PRAGMA wal_autocheckpoint=8192")
    cursor.execute("PRAGMA journal_size_limit=8388608")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def open_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _configure_connection)
    return engine


class LocalStore:
    """One account's SQLite file. Sessions are opened per operation, on the worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = open_engine(path)
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: a local change and its outbox row commit together or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
