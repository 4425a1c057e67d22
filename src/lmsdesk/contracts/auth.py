"""Accounts: register, login, refresh, logout, me."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from lmsdesk.contracts.common import Role, WireModel

Password = Annotated[str, Field(min_length=8, max_length=256)]
FullName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
DeviceName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
OpaqueToken = Annotated[str, Field(min_length=16, max_length=512)]


class RegisterRequest(WireModel):
    email: EmailStr
    password: Password
    full_name: FullName


class LoginRequest(WireModel):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]
    device_name: DeviceName = ""


class RefreshRequest(WireModel):
    refresh_token: OpaqueToken


class LogoutRequest(WireModel):
    refresh_token: OpaqueToken
    #: End every sign-in of the account (all devices), not only this one.
    everywhere: bool = False


class TokenPair(WireModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")


class Me(WireModel):
    id: uuid.UUID
    email: str
    full_name: str
    roles: list[Role]
    email_verified_at: datetime | None = None
