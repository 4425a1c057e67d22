"""Failed-login throttle: a sliding window per email and per client address, counted in
PostgreSQL so that every server process shares it (DESIGN.md section 12).

An attempt is *claimed* before the password is checked: under an advisory lock per key, the
failures in the window are counted and, if there is room, one more row is written and committed
at once. A right password forgives its own row (and clears the email's). So ten attempts sent at
the same moment to three servers still get exactly `max_failures` checks, and a crash halfway
through a check counts as a failure rather than as nothing.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import LoginFailure


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    """One attempt: allowed (``retry_after`` is None) and counted, or refused for that long."""

    id: uuid.UUID
    retry_after: int | None


class LoginThrottle:
    def __init__(
        self, session_factory: sessionmaker[Session], *, max_failures: int, window_seconds: float
    ) -> None:
        self._factory = session_factory
        self._max = max_failures
        self._window = timedelta(seconds=window_seconds)

    def claim(self, *keys: str) -> Claim:
        claim_id = uuid.uuid4()
        hashes = sorted({_hash(k) for k in keys})  # one lock order: no deadlock between keys
        with transaction(self._factory) as session:
            now: datetime = session.scalar(select(func.clock_timestamp()))  # type: ignore[assignment]
            waits: list[float] = []
            for key_hash in hashes:
                session.execute(
                    select(func.pg_advisory_xact_lock(func.hashtextextended(key_hash, 0)))
                )
                session.execute(
                    delete(LoginFailure).where(
                        LoginFailure.key_hash == key_hash, LoginFailure.at <= now - self._window
                    )
                )
                count, oldest = session.execute(
                    select(func.count(), func.min(LoginFailure.at)).where(
                        LoginFailure.key_hash == key_hash
                    )
                ).one()
                if count >= self._max:
                    waits.append((oldest + self._window - now).total_seconds())
            if waits:
                return Claim(claim_id, max(1, math.ceil(max(waits))))
            session.add_all(LoginFailure(key_hash=h, claim_id=claim_id, at=now) for h in hashes)
        return Claim(claim_id, None)

    def forgive(self, claim: Claim) -> None:
        """The attempt was right (or not a guess at all): it does not count."""
        with transaction(self._factory) as session:
            session.execute(delete(LoginFailure).where(LoginFailure.claim_id == claim.id))

    def reset(self, *keys: str) -> None:
        """Forget every failure of these keys (a right password clears its email's count)."""
        with transaction(self._factory) as session:
            session.execute(
                delete(LoginFailure).where(LoginFailure.key_hash.in_([_hash(k) for k in keys]))
            )

    def prune(self) -> int:
        """Rows whose window has passed, for keys never tried again (a background job)."""
        with transaction(self._factory) as session:
            cutoff = select(func.clock_timestamp()).scalar_subquery() - self._window
            result = session.execute(delete(LoginFailure).where(LoginFailure.at <= cutoff))
            return int(result.rowcount)  # type: ignore[attr-defined]
