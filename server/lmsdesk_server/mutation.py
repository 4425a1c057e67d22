"""What every sync mutation handler receives, and how it says no."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from lmsdesk_server.actor import Actor
from lmsdesk_server.payments.provider import PaymentProvider


class MutationRejected(Exception):
    """A business rule said no. Stored as the mutation's result; the queue moves on. Over REST
    it answers `status` (403 unless the rule says otherwise: 404 nothing there, 409 stale)."""

    def __init__(self, reason: str, *, status: int = 403, code: str = "refused") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.code = code


class MutationMerged(Exception):
    """The change was folded into newer state and had no effect of its own (e.g. a completion
    made before a reset). Stored as `merged` with the current row."""

    def __init__(self, reason: str, row: dict[str, object] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row


class MutationConflict(Exception):
    """The change collided with another device's and was recorded as a conflict instead of
    applied. Unlike the two above, what the handler wrote (the conflict record) is kept."""

    def __init__(self, reason: str, row: dict[str, object]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row


@dataclass(frozen=True)
class MutationContext:
    session: Session
    actor: Actor
    device_id: uuid.UUID
    #: The mutation's hybrid logical clock, already clamped to the server's clock.
    hlc: int
    now: datetime
    #: The payment provider, for the one handler that calls it (an admin's refund).
    payments: PaymentProvider | None = None
