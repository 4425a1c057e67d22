"""Registering, signing in and out, refreshing, and who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from lmsdesk.contracts.auth import (
    LoginRequest,
    LogoutRequest,
    Me,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
)
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk_server.deps import AccountServiceDep, CurrentActor

router = APIRouter(tags=["accounts"])

_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 409, 422, 429)
}


@router.post("/auth/register", response_model=Me, status_code=201, responses=_errors)
def register(body: RegisterRequest, accounts: AccountServiceDep) -> Me:
    return accounts.register(body)


@router.post("/auth/login", response_model=TokenPair, responses=_errors)
def login(body: LoginRequest, request: Request, accounts: AccountServiceDep) -> TokenPair:
    address = request.client.host if request.client else "unknown"
    return accounts.login(body, client_address=address)


@router.post("/auth/refresh", response_model=TokenPair, responses=_errors)
def refresh(body: RefreshRequest, accounts: AccountServiceDep) -> TokenPair:
    return accounts.refresh(body.refresh_token)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, responses=_errors)
def logout(body: LogoutRequest, accounts: AccountServiceDep) -> Response:
    accounts.logout(body.refresh_token, everywhere=body.everywhere)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=Me, responses=_errors)
def me(actor: CurrentActor, accounts: AccountServiceDep) -> Me:
    return accounts.me(actor.id)
