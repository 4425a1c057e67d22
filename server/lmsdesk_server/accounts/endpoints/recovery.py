"""Verifying an email address and resetting a forgotten password (DESIGN.md section 11.1)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from lmsdesk.contracts.auth import PasswordResetConfirm, PasswordResetRequest, VerifyEmailRequest
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk_server.accounts.service.codes import MailedCodes
from lmsdesk_server.deps import ContextDep, CurrentActor, SessionDep

router = APIRouter(tags=["accounts"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 409, 422, 429)
}


def get_codes(context: ContextDep, session: SessionDep) -> MailedCodes:
    return MailedCodes(session, public_url=context.settings.public_url, throttle=context.throttle)


CodesDep = Annotated[MailedCodes, Depends(get_codes)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/verify-email", status_code=204, responses=_errors)
def verify_email(body: VerifyEmailRequest, request: Request, codes: CodesDep) -> Response:
    codes.verify_email(body.token, client_address=_address(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/me/verify-email/resend", status_code=202, response_class=Response, responses=_errors)
def resend_verification(actor: CurrentActor, codes: CodesDep) -> Response:
    codes.resend_verification(actor.id)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/auth/password-reset/request", status_code=202, response_class=Response, responses=_errors
)
def request_password_reset(body: PasswordResetRequest, codes: CodesDep) -> Response:
    """Always 202: whether the address has an account is not told."""
    codes.request_reset(body.email)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post("/auth/password-reset/confirm", status_code=204, responses=_errors)
def confirm_password_reset(
    body: PasswordResetConfirm, request: Request, codes: CodesDep
) -> Response:
    codes.reset_password(body.token, body.new_password, client_address=_address(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
