"""Sync endpoints: thin; the protocol lives in services/sync_push.py and sync_pull.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.sync import PullRequest, PullResponse, PushRequest, PushResponse
from lmsdesk_server.deps import ContextDep, CurrentActor, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.observability import SYNC_PULLS, SYNC_PUSHED
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


@router.post("/sync/push", response_model=PushResponse, responses=_errors)
def push(
    body: PushRequest, actor: CurrentActor, session: SessionDep, context: ContextDep
) -> PushResponse:
    _check_protocol(body.protocol)
    answer = sync_push.push(session, actor, body, payments=context.payments)
    for result in answer.results:
        SYNC_PUSHED.labels(result.status.value).inc()
    return answer


@router.post("/sync/pull", response_model=PullResponse, responses=_errors)
def pull(
    body: PullRequest, actor: CurrentActor, session: SessionDep, context: ContextDep
) -> Response:
    _check_protocol(body.protocol)
    page = sync_pull.pull(session, actor, body, context.cursor_codec)
    SYNC_PULLS.labels("more" if page.envelope and page.envelope.has_more else "last").inc()
    # The rows are JSON already (built by PostgreSQL); re-validating them would undo that.
    return Response(page.to_json(), media_type="application/json")
