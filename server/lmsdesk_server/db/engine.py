"""Engine and session factory for the authoritative database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    # pool_pre_ping: after a database restart the first request must not fail on a dead socket.
    # Sized above what the requests admission control lets in can hold (two each; see
    # admission.py), so a request never waits for a connection held by one waiting for it; the
    # timeout turns anything unforeseen into a 503 within seconds instead of a hung server.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30, pool_timeout=10)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with factory() as session, session.begin():
        yield session
