"""Moderation over REST (DESIGN.md section 5a): the queue, decisions and their history.

A decision runs the `moderation.decide` handler through services.mutation_door, the same rule
as an admin's offline decision: 403 for non-admins, 422 for a rejection without feedback, 409
when the course changed since the version reviewed or is no longer waiting.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.moderation import (
    DecideArgs,
    DecisionBody,
    HistoryEntry,
    HistoryResponse,
    QueueResponse,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.deps import CurrentActor, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.moderation import service as moderation
from lmsdesk_server.sync.service import door as mutation_door

router = APIRouter(prefix="/moderation", tags=["moderation"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}


def _admin(actor: CurrentActor) -> Actor:
    """Checked before the body: a non-admin learns nothing from validation errors."""
    if not actor.has_admin():
        raise ApiError(403, "forbidden", "Only admins can review courses.")
    return actor


AdminActor = Annotated[Actor, Depends(_admin)]


@router.get("/queue", responses=_errors)
def review_queue(
    actor: AdminActor,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> QueueResponse:
    return moderation.queue(session, actor, q=q, category=category, offset=offset, limit=limit)


@router.post("/courses/{course_id}/decision", responses=_errors)
def decide(
    course_id: uuid.UUID, body: DecisionBody, actor: AdminActor, session: SessionDep
) -> HistoryEntry:
    args = DecideArgs(course_id=course_id, review_id=uuid.uuid4(), **body.model_dump())
    row = mutation_door.run(session, actor, m.DECIDE, args)
    return HistoryEntry.model_validate(row)


@router.get("/courses/{course_id}/history", responses=_errors)
def review_history(
    course_id: uuid.UUID, actor: CurrentActor, session: SessionDep
) -> HistoryResponse:
    return moderation.history(session, actor, course_id)
