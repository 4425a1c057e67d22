"""The signed-in person's profile, password and two-factor sign-in (DESIGN.md section 11.1)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from lmsdesk.contracts.auth import (
    Me,
    PasswordChange,
    ProfileUpdate,
    RecoveryCodes,
    TotpCode,
    TotpSetup,
)
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk_server.accounts.service.avatar import Avatars
from lmsdesk_server.accounts.service.mfa import TwoFactor
from lmsdesk_server.accounts.service.profile import Profiles
from lmsdesk_server.deps import AccountServiceDep, ContextDep, CurrentActor, SessionDep

router = APIRouter(tags=["accounts"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 409, 422)
}


def get_two_factor(context: ContextDep, session: SessionDep) -> TwoFactor:
    return TwoFactor(session, context.secret_box)


_picture_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (413, 415)
}
TwoFactorDep = Annotated[TwoFactor, Depends(get_two_factor)]


@router.patch("/me", response_model=Me, responses=_errors)
def update_profile(
    body: ProfileUpdate, actor: CurrentActor, session: SessionDep, accounts: AccountServiceDep
) -> Me:
    Profiles(session).update(actor.id, body)
    return accounts.me(actor.id)


@router.put("/me/avatar", response_model=Me, responses=_errors | _picture_errors)
async def set_avatar(
    request: Request,
    actor: CurrentActor,
    session: SessionDep,
    context: ContextDep,
    accounts: AccountServiceDep,
) -> Me:
    """The picture itself as the body (image/png or image/jpeg, square, at most 1 MB): the app
    crops and scales it before sending."""
    data = await request.body()
    avatars = Avatars(session, context.media)
    mime = request.headers.get("content-type", "")
    await run_in_threadpool(avatars.set, actor.id, data, mime)
    return accounts.me(actor.id)


@router.delete("/me/avatar", response_model=Me, responses=_errors)
def remove_avatar(
    actor: CurrentActor, session: SessionDep, context: ContextDep, accounts: AccountServiceDep
) -> Me:
    Avatars(session, context.media).remove(actor.id)
    return accounts.me(actor.id)


@router.get(
    "/users/{user_id}/avatar",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}, "image/jpeg": {}}},
        404: {"model": ErrorResponse},
    },
)
def avatar(user_id: uuid.UUID, session: SessionDep, context: ContextDep) -> Response:
    """Anyone's picture, for anyone (as public as a name on a review)."""
    avatars = Avatars(session, context.media)
    asset = avatars.file_of(user_id)
    return Response(
        avatars.bytes_of(asset),
        media_type=asset.mime_type,
        headers={"etag": f'"{asset.sha256}"', "cache-control": "public, max-age=86400"},
    )


@router.post("/me/password", status_code=204, responses=_errors)
def change_password(body: PasswordChange, actor: CurrentActor, session: SessionDep) -> Response:
    Profiles(session).change_password(actor.id, body, keep_session=actor.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/me/mfa/totp", response_model=TotpSetup, responses=_errors)
def start_two_factor(actor: CurrentActor, two_factor: TwoFactorDep) -> TotpSetup:
    return two_factor.start(actor.id)


@router.post("/me/mfa/totp/confirm", response_model=RecoveryCodes, responses=_errors)
def confirm_two_factor(
    body: TotpCode, actor: CurrentActor, two_factor: TwoFactorDep
) -> RecoveryCodes:
    return two_factor.confirm(actor.id, body.code)


@router.delete("/me/mfa/totp", status_code=204, responses=_errors)
def disable_two_factor(body: TotpCode, actor: CurrentActor, two_factor: TwoFactorDep) -> Response:
    two_factor.disable(actor.id, body.code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
