"""`GET /media/{asset_id}`: byte ranges of an asset, for downloads that resume and for players.

Served from whichever store holds the bytes (a folder, or S3 proxied through the server, so
clients need no access to the bucket): Range gets 206 with Content-Range, 416 past the end, and
If-Range; the ETag is the file's sha256, so a resumed download whose file changed on the server
gets the whole new file instead of a splice of two.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.media import MAX_CHUNK_BYTES, MediaLink, UploadStart, UploadState
from lmsdesk_server.deps import (
    AccountServiceDep,
    BearerDep,
    ContextDep,
    CurrentActor,
    SessionDep,
    actor_from_bearer,
)
from lmsdesk_server.errors import ApiError
from lmsdesk_server.media.ranges import stored_response
from lmsdesk_server.media.service.access import MediaAccess
from lmsdesk_server.media.service.upload import MediaUploads

router = APIRouter(tags=["media"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404)
}
_upload_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 422)
}


@router.get(
    "/media/{asset_id}",
    response_class=StreamingResponse,
    responses=_errors
    | {206: {"description": "the range asked for"}, 416: {"description": "a range past the end"}},
)
def media(
    asset_id: uuid.UUID,
    request: Request,
    context: ContextDep,
    accounts: AccountServiceDep,
    session: SessionDep,
    credentials: BearerDep,
    u: Annotated[uuid.UUID | None, Query(description="signed link: user")] = None,
    f: Annotated[uuid.UUID | None, Query(description="signed link: sign-in")] = None,
    e: Annotated[int | None, Query(description="signed link: expiry (Unix time)")] = None,
    s: Annotated[str | None, Query(max_length=100, description="signed link: signature")] = None,
) -> Response:
    if s is not None:
        if u is None or e is None or not context.media_links.verify(asset_id, u, f, e, s):
            raise ApiError(
                403, "link_expired", "This media link has expired; open the lesson again."
            )
        actor = accounts.actor_for(u, f)
    else:
        actor = actor_from_bearer(context, accounts, credentials)
    asset = MediaAccess(session, context.media).readable(actor, asset_id)
    # Only what a browser shows safely opens in it; anything else (text, archives) downloads,
    # never rendered as the browser guesses (nosniff is on every response: security_headers).
    inline = asset.mime_type.startswith(("video/", "audio/")) or asset.mime_type in _SHOWN_INLINE
    return stored_response(
        context.media,
        asset.key,
        size=asset.size,
        etag=f'"{asset.sha256}"',
        media_type=asset.mime_type,
        request_headers=request.headers,
        headers={
            "content-disposition": content_disposition(
                "inline" if inline else "attachment", asset.filename
            ),
            "cache-control": "private, max-age=3600",
        },
    )


def content_disposition(kind: str, filename: str) -> str:
    quoted = quote(filename)
    if quoted != filename:
        return f"{kind}; filename*=utf-8''{quoted}"
    return f'{kind}; filename="{filename}"'


_SHOWN_INLINE = frozenset({"image/png", "image/jpeg", "application/pdf"})


@router.post("/media/{asset_id}/link", responses=_errors)
def media_link(
    asset_id: uuid.UUID, actor: CurrentActor, context: ContextDep, session: SessionDep
) -> MediaLink:
    access = MediaAccess(session, context.media)
    return access.link(
        actor, asset_id, signer=context.media_links, public_url=context.settings.public_url
    )


def _uploads(context: ContextDep, session: SessionDep) -> MediaUploads:
    return MediaUploads(session, context.media, max_bytes=context.settings.media_max_bytes)


@router.post("/media", status_code=status.HTTP_201_CREATED, responses=_upload_errors)
def start_upload(
    body: UploadStart, actor: CurrentActor, context: ContextDep, session: SessionDep
) -> UploadState:
    """Announce a file; again after an interruption, to learn how much the server has."""
    return _uploads(context, session).start(actor, body)


@router.get("/media/{asset_id}/upload", responses=_upload_errors)
def upload_state(
    asset_id: uuid.UUID, actor: CurrentActor, context: ContextDep, session: SessionDep
) -> UploadState:
    return _uploads(context, session).state(actor, asset_id)


@router.put("/media/{asset_id}/content", responses=_upload_errors)
async def upload_chunk(
    asset_id: uuid.UUID,
    request: Request,
    actor: CurrentActor,
    context: ContextDep,
    session: SessionDep,
    upload_offset: Annotated[int, Header(ge=0, description="where this chunk starts")],
    content_length: Annotated[int, Header(ge=1, le=MAX_CHUNK_BYTES)],
) -> UploadState:
    """One chunk (at most 16 MiB) at the offset the server has; 409 with the right offset
    otherwise."""
    data = await request.body()
    if len(data) != content_length:
        raise ApiError(400, "incomplete_chunk", "The chunk arrived incomplete; send it again.")
    uploads = _uploads(context, session)
    return await run_in_threadpool(uploads.receive, actor, asset_id, upload_offset, data)
