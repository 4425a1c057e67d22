"""The outbox: local changes waiting for the server, written in the same transaction as the
change itself, so a crash keeps both or neither.

Coalescing only touches rows never handed to the network: a row that may already have reached
the server is never changed, so an effect can never be counted twice.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import LargeBinary, Select, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from lmsdesk.contracts import hlc as hlc_rules
from lmsdesk.contracts.analytics import MAX_VIEWS_PER_BATCH
from lmsdesk.local_db.models.client import OutboxItem, OutboxState, Replica


class Coalesce(enum.Enum):
    NONE = "none"
    #: The newest value replaces the unsent older one (a resume position), keeping the furthest
    #: position any of them reached.
    REPLACE = "replace"
    #: The amounts add up into one mutation (time spent).
    SUM_SECONDS = "sum_seconds"
    #: The newest value replaces the unsent older one but keeps the older one's `base` (or
    #: `base_revision`): a draft field or a post edited many times offline is one edit from
    #: what the server last had.
    KEEP_BASE = "keep_base"
    #: The lists add up into one mutation (course views), up to `APPEND_LIMIT` entries; a full
    #: one is left as it is and the next starts afresh.
    APPEND = "append"


#: As many as one mutation may carry.
APPEND_LIMIT = MAX_VIEWS_PER_BATCH
#: Changes nobody made by hand (course views for the instructors' reports): pushed like the
#: others, but not "waiting to sync" to the user, who would not know what they are (and need
#: not sync before signing out for them).
BACKGROUND_KEYS = frozenset({"course-views"})


@dataclass(frozen=True)
class QueuedMutation:
    seq: int
    mutation_id: uuid.UUID
    name: str
    args: dict[str, Any]
    hlc: int
    description: str
    state: OutboxState
    attempts: int
    last_error: str | None


def _replica(session: Session) -> Replica:
    return session.scalars(select(Replica)).one()


def next_hlc(session: Session, now_ms: int | None = None) -> int:
    replica = _replica(session)
    replica.last_hlc = hlc_rules.next_hlc(replica.last_hlc, now_ms)
    return replica.last_hlc


def observe_server_hlc(session: Session, server_hlc: int) -> None:
    """Fold in the server's clock so this device's next writes order after what it has seen."""
    replica = _replica(session)
    replica.last_hlc = max(replica.last_hlc, server_hlc)


def device_identity(session: Session) -> tuple[uuid.UUID, int]:
    replica = _replica(session)
    return replica.device_id, int(replica.replica_epoch)


def enqueue(
    session: Session,
    *,
    name: str,
    args: dict[str, Any],
    hlc: int,
    description: str,
    coalesce_key: str | None = None,
    coalesce: Coalesce = Coalesce.NONE,
    partitions: Iterable[str] = (),
) -> int:
    """Queue a mutation; returns its sequence number. `partitions` are those whose mirror rows
    the change touched here (see `fail`)."""
    touched = set(partitions)
    if coalesce_key is not None and coalesce is not Coalesce.NONE:
        unsent = session.scalars(
            select(OutboxItem).where(
                OutboxItem.coalesce_key == coalesce_key,
                OutboxItem.state == OutboxState.PENDING,
                OutboxItem.attempts == 0,
            )
        ).one_or_none()
        if unsent is not None and coalesce is Coalesce.APPEND:
            merged = [*unsent.args["views"], *args["views"]]
            if len(merged) > APPEND_LIMIT:
                unsent = None  # full: this one goes on its own
            else:
                args = {**args, "views": merged}
        if unsent is not None:
            if coalesce is Coalesce.SUM_SECONDS:
                args = {**args, "seconds": args["seconds"] + unsent.args["seconds"]}
            elif coalesce is Coalesce.KEEP_BASE:
                kept: dict[str, Any] = {
                    k: unsent.args[k] for k in ("base", "base_revision") if k in unsent.args
                }
                args = {**args, **kept}
            elif "position_seconds" in args:
                old, new = unsent.args, args
                reached = max(_watched(old), _watched(new))
                args = {**args, "furthest_seconds": reached}
            touched.update(unsent.partitions or ())
            session.delete(unsent)
            session.flush()
    replica = _replica(session)
    seq = replica.next_seq
    replica.next_seq = seq + 1
    session.add(
        OutboxItem(
            seq=seq,
            mutation_id=uuid.uuid4(),
            name=name,
            args=args,
            coalesce_key=coalesce_key,
            hlc=hlc,
            description=description,
            state=OutboxState.PENDING,
            attempts=0,
            created_at=datetime.now(UTC),
            partitions=sorted(touched) or None,
        )
    )
    return seq


def _watched(args: dict[str, Any]) -> float:
    """A position save's contribution to the furthest register (SetPositionArgs.furthest)."""
    furthest = args.get("furthest_seconds")
    return float(args["position_seconds"] if furthest is None else furthest)


def _as_queued(row: OutboxItem) -> QueuedMutation:
    return QueuedMutation(
        seq=row.seq,
        mutation_id=row.mutation_id,
        name=row.name,
        args=dict(row.args),
        hlc=row.hlc,
        description=row.description,
        state=row.state,
        attempts=row.attempts,
        last_error=row.last_error,
    )


_QUEUED_COLUMNS = (
    OutboxItem.seq,
    OutboxItem.mutation_id,
    OutboxItem.name,
    OutboxItem.args,
    OutboxItem.hlc,
    OutboxItem.description,
    OutboxItem.state,
    OutboxItem.attempts,
    OutboxItem.last_error,
)


def _not_background() -> Any:
    key = OutboxItem.coalesce_key
    return or_(key.is_(None), key.not_in(BACKGROUND_KEYS))


def _pending(*extra: Any, limit: int | None = None, background: bool = True) -> Select[Any]:
    # Plain rows, not ORM objects: a push reads a thousand at a time.
    stmt = (
        select(*_QUEUED_COLUMNS, *extra)
        .where(OutboxItem.state == OutboxState.PENDING)
        .order_by(OutboxItem.seq)
        .limit(limit)
    )
    return stmt if background else stmt.where(_not_background())


def pending(
    session: Session, *, limit: int | None = None, background: bool = True
) -> list[QueuedMutation]:
    """Changes waiting to be pushed (`background=False`: only those the user made)."""
    stmt = _pending(limit=limit, background=background)
    return [QueuedMutation(*row) for row in session.execute(stmt)]


def next_batch(session: Session, *, limit: int, max_bytes: int) -> list[QueuedMutation]:
    """The oldest pending changes, at most `limit` of them and about `max_bytes` of arguments
    (as stored: JSON with non-ASCII escaped, never less than on the wire), but always one: a
    course of long lessons written offline must not become one push the server refuses."""
    size = func.length(cast(OutboxItem.args, LargeBinary))
    batch: list[QueuedMutation] = []
    total = 0
    for *row, nbytes in session.execute(_pending(size, limit=limit)):
        total += int(nbytes or 0)
        if batch and total > max_bytes:
            break
        batch.append(QueuedMutation(*row))
    return batch


def failed(session: Session) -> list[QueuedMutation]:
    stmt = select(OutboxItem).where(OutboxItem.state == OutboxState.FAILED).order_by(OutboxItem.seq)
    return [_as_queued(row) for row in session.scalars(stmt)]


def mark_sending(session: Session, seqs: list[int]) -> None:
    """Before a batch goes out: from now on these rows may be on the server."""
    session.execute(
        update(OutboxItem).where(OutboxItem.seq.in_(seqs)).values(attempts=OutboxItem.attempts + 1)
    )


def settle(session: Session, seqs: list[int]) -> None:
    """The server stored results for these: they are done."""
    if seqs:
        session.execute(delete(OutboxItem).where(OutboxItem.seq.in_(seqs)))


def fail(session: Session, seq: int, reason: str) -> list[str]:
    """Refused by the server: kept (out of the queue) so the user can see why. Returns the
    partitions the change touched here, which still show its effect until received again."""
    touched = session.scalar(
        update(OutboxItem)
        .where(OutboxItem.seq == seq)
        .values(state=OutboxState.FAILED, last_error=reason)
        .returning(OutboxItem.partitions)
    )
    return list(touched or ())


def withdraw(session: Session, seq: int) -> bool:
    """Take back a change that never left this device; False once it may be on the server."""
    result = session.execute(
        delete(OutboxItem).where(
            OutboxItem.seq == seq,
            OutboxItem.state == OutboxState.PENDING,
            OutboxItem.attempts == 0,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def discard_failed(session: Session, seqs: list[int]) -> None:
    """The user has read these refusals (or acted on them)."""
    if seqs:
        session.execute(
            delete(OutboxItem).where(
                OutboxItem.seq.in_(seqs), OutboxItem.state == OutboxState.FAILED
            )
        )


def dismiss_failed(session: Session) -> None:
    session.execute(delete(OutboxItem).where(OutboxItem.state == OutboxState.FAILED))


def counts(session: Session) -> tuple[int, int]:
    """(pending, failed) of the changes the user made (background ones are not counted)."""
    rows = session.execute(
        select(OutboxItem.state, func.count()).where(_not_background()).group_by(OutboxItem.state)
    )
    by_state = {state: int(n) for state, n in rows}
    return by_state.get(OutboxState.PENDING, 0), by_state.get(OutboxState.FAILED, 0)
