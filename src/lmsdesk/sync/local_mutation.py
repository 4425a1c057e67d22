"""The shape of a local mutation: what it does to the mirror, how the sync panel names it, and
how unsent copies of it coalesce."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic

from pydantic import BaseModel
from sqlalchemy import event
from sqlalchemy.orm import Session

from lmsdesk.contracts.mutations import Args, MutationType
from lmsdesk.contracts.partitions import community_partition, draft_partition, user_partition
from lmsdesk.local_db.outbox import Coalesce

#: Partitions a client may ask to receive again (PullRequest.resync); the catalog is too big
#: to resend for one refused change. A course's community is one course's posts: a refused
#: question (a refund arrived first) takes its local copy away with it.
RESYNCABLE = (user_partition(""), draft_partition(""), community_partition(""))


@dataclass(frozen=True)
class LocalContext:
    session: Session
    user_id: uuid.UUID
    hlc: int
    now: datetime
    #: Partitions touched in ways the session cannot see (bulk deletes of a whole draft).
    partitions: set[str] = field(default_factory=set)


def apply_tracked(
    context: LocalContext, apply: Callable[[LocalContext, Any], None], args: BaseModel
) -> list[str]:
    """Run a local mutation and flush it; returns the resyncable partitions of every mirror row
    it wrote. Watched at each flush: the applier's own queries autoflush part of its work."""
    found: set[object] = set(context.partitions)

    def collect(session: Session, _flush_context: object, _instances: object) -> None:
        rows = itertools.chain(session.new, session.dirty, session.deleted)
        found.update(getattr(row, "sync_partition", None) for row in rows)

    event.listen(context.session, "before_flush", collect)
    try:
        apply(context, args)
        context.session.flush()
    finally:
        event.remove(context.session, "before_flush", collect)
    found |= context.partitions
    return sorted(p for p in found if isinstance(p, str) and p.startswith(RESYNCABLE))


@dataclass(frozen=True)
class LocalMutation(Generic[Args]):
    """A mutation of the catalogue as this device applies it; typed by its argument model, so
    mypy checks the appliers, descriptions and coalescing keys take that mutation's arguments."""

    mutation: MutationType[Args]
    apply: Callable[[LocalContext, Args], None]
    describe: Callable[[Session, Args], str]
    coalesce_key: Callable[[Args], str | None] = lambda _args: None
    coalesce: Coalesce = Coalesce.NONE

    @property
    def name(self) -> str:
        return self.mutation.name

    @property
    def args(self) -> type[Args]:
        return self.mutation.args


def local(
    mutation: MutationType[Args],
    apply: Callable[[LocalContext, Args], None],
    describe: Callable[[Session, Args], str],
    coalesce_key: Callable[[Args], str | None] = lambda _args: None,
    coalesce: Coalesce = Coalesce.NONE,
) -> LocalMutation[Any]:
    """A LocalMutation for the catalogue lists: mypy checks each function against the
    mutation's own argument model here (a list's element type would let it pass as Any)."""
    return LocalMutation(mutation, apply, describe, coalesce_key, coalesce)


def keep_own_course_row(ctx: LocalContext, model: Any, course_id: uuid.UUID) -> None:
    """A (student, course) row of the user's own list (wishlist, cart), as the server will
    have it: added once, in the user's partition."""
    if ctx.session.get(model, (ctx.user_id, course_id)) is None:
        ctx.session.add(
            model(
                student_id=ctx.user_id,
                course_id=course_id,
                added_at=ctx.now,
                sync_partition=user_partition(ctx.user_id),
                sync_version=0,
            )
        )


def drop_own_course_row(ctx: LocalContext, model: Any, course_id: uuid.UUID) -> None:
    row = ctx.session.get(model, (ctx.user_id, course_id))
    if row is not None:
        ctx.session.delete(row)
