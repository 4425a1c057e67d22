"""Accounts: register, login, refresh, logout, me; verifying the email, resetting a forgotten
password, the profile and two-factor sign-in (DESIGN.md section 11.1)."""

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
#: A mailed code as typed ("K7Q2-9XMP-4HTR"; case, spaces and dashes do not matter).
MailedCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=64)]
#: A code from an authenticator app (6 digits) or a recovery code.
SignInCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=32)]


class RegisterRequest(WireModel):
    email: EmailStr
    password: Password
    full_name: FullName


class LoginRequest(WireModel):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]
    device_name: DeviceName = ""
    #: Asked for (401 otp_required) once the account has two-factor sign-in.
    otp: SignInCode | None = None


class VerifyEmailRequest(WireModel):
    token: MailedCode


class PasswordResetRequest(WireModel):
    email: EmailStr


class PasswordResetConfirm(WireModel):
    token: MailedCode
    new_password: Password


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
    headline: str = ""
    bio: str = ""
    timezone: str = "UTC"
    avatar_asset_id: uuid.UUID | None = None
    two_factor: bool = False


class ProfileUpdate(WireModel):
    """PATCH /me: only the fields sent change."""

    full_name: FullName | None = None
    headline: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    bio: Annotated[str, Field(max_length=5000)] | None = None
    #: An IANA name ("Europe/Berlin"); the server checks it against its zone database.
    timezone: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class PasswordChange(WireModel):
    current_password: Annotated[str, Field(min_length=1, max_length=256)]
    new_password: Password


class TotpSetup(WireModel):
    """The secret to put in an authenticator app, as text and as the otpauth:// URI its QR
    code carries. Sign-in asks for codes only after a first code is confirmed."""

    secret: str
    otpauth_uri: str


class TotpCode(WireModel):
    code: SignInCode


class RecoveryCodes(WireModel):
    """Shown once, when two-factor sign-in is confirmed: each signs in once without the app."""

    recovery_codes: list[str]
