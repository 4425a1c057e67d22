"""Sync endpoints: thin; the protocol lives in services/sync_push.py and sync_pull.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.sync import PullRequest, PullResponse, PushRequest, PushResponse
from lmsdesk_server.context import ServerContext
from lmsdesk_server.deps import ClaimsDep, ContextDep, signed_in, unit_of_work
from lmsdesk_server.errors import ApiError
from lmsdesk_server.observability import SYNC_PULLS, SYNC_PUSHED
from lmsdesk_server.security.tokens import AccessClaims
from lmsdesk_server.sync.service import after_push
from lmsdesk_server.sync.service import pull as sync_pull
from lmsdesk_server.sync.service import push as sync_push

router = APIRouter(tags=["sync"])

#: The oldest client protocol this server still serves.
MIN_PROTOCOL = 1

_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 422, 426, 503)
}


def _check_protocol(protocol: int) -> None:
    if protocol < MIN_PROTOCOL:
        raise ApiError(
            426,
            "upgrade_required",
            "This version of LMSDesk is too old for the server. Please update the app; "
            "your unsynced changes are kept and will sync after the update.",
            details={"min_protocol": MIN_PROTOCOL},
        )


# Sync is most of the server's traffic, so these two run their whole unit of work (the sign-in,
# the work, the commit) in one thread hop; every `def` dependency would be a hop of its own.


@router.post("/sync/push", response_model=PushResponse, responses=_errors)
async def push(body: PushRequest, claims: ClaimsDep, context: ContextDep) -> Response:
    _check_protocol(body.protocol)
    answer = await run_in_threadpool(_push, context, claims, body)
    for result in answer.results:
        SYNC_PUSHED.labels(result.status.value).inc()
    # Without `pulled` when there is none: a client from before it refuses unknown fields.
    exclude = {"pulled"} if answer.pulled is None else None
    return Response(answer.model_dump_json(exclude=exclude), media_type="application/json")


def _push(context: ServerContext, claims: AccessClaims, body: PushRequest) -> PushResponse:
    with unit_of_work(context) as session:
        actor = signed_in(context, session, claims)
        answer = sync_push.push(session, actor, body, payments=context.payments)
        now = datetime.now(UTC)
        pulled = after_push.page_after_push(session, actor, body.cursor, context.cursor_codec, now)
        return answer if pulled is None else answer.model_copy(update={"pulled": pulled})


@router.post("/sync/pull", response_model=PullResponse, responses=_errors)
async def pull(body: PullRequest, claims: ClaimsDep, context: ContextDep) -> Response:
    _check_protocol(body.protocol)
    page = await run_in_threadpool(_pull, context, claims, body)
    SYNC_PULLS.labels("more" if page.envelope and page.envelope.has_more else "last").inc()
    # The rows are JSON already (built by PostgreSQL); re-validating them would undo that.
    return Response(page.to_json(), media_type="application/json")


def _pull(context: ServerContext, claims: AccessClaims, body: PullRequest) -> sync_pull.PulledPage:
    with unit_of_work(context) as session:
        actor = signed_in(context, session, claims)
        return sync_pull.pull(session, actor, body, context.cursor_codec)
