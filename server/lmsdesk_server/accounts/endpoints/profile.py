"""The signed-in person's profile, password and two-factor sign-in (DESIGN.md section 11.1)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from lmsdesk.contracts.auth import (
    Me,
    PasswordChange,
    ProfileUpdate,
    RecoveryCodes,
    TotpCode,
    TotpSetup,
)
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk_server.accounts.service.mfa import TwoFactor
from lmsdesk_server.accounts.service.profile import Profiles
from lmsdesk_server.deps import AccountServiceDep, ContextDep, CurrentActor, SessionDep

router = APIRouter(tags=["accounts"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 409, 422)
}


def get_two_factor(context: ContextDep, session: SessionDep) -> TwoFactor:
    return TwoFactor(session, context.secret_box)


TwoFactorDep = Annotated[TwoFactor, Depends(get_two_factor)]


@router.patch("/me", response_model=Me, responses=_errors)
def update_profile(
    body: ProfileUpdate, actor: CurrentActor, session: SessionDep, accounts: AccountServiceDep
) -> Me:
    Profiles(session).update(actor.id, body)
    return accounts.me(actor.id)


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
