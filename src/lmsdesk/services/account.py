"""The account from the app (DESIGN.md 11.1): signing up, confirming the email, resetting a
forgotten password, the profile, the password and two-factor sign-in.

All of it needs the server (an account lives there); each failure is a message for the user.
Blocking: call on a background lane.
"""

from __future__ import annotations

import io
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from lmsdesk.contracts.auth import Me, ProfileUpdate, RecoveryCodes
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import (
    SessionService,
    SessionSnapshot,
    SignInFailed,
    looks_like_email,
    normalise_server_url,
)
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable

T = TypeVar("T")

#: The server's own minimum (contracts.auth.Password); said before asking it.
MIN_PASSWORD = 8


class AccountProblem(UserFacingError):
    """What went wrong, for the user; `field` names the input to correct, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PasswordStrength:
    score: int  # 0 (guessed at once) to 4 (very hard to guess)
    label: str
    advice: str

    @property
    def acceptable(self) -> bool:
        return self.score >= 2


_LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")


def password_strength(password: str, *, hints: tuple[str, ...] = ()) -> PasswordStrength:
    """zxcvbn's estimate, told in words. `hints` are words the person typed elsewhere in the
    form (their name, their email), which make a password easier to guess."""
    if not password:
        return PasswordStrength(0, "", f"At least {MIN_PASSWORD} characters.")
    import zxcvbn  # 20 ms of dictionaries: loaded when someone first types a new password

    result: dict[str, Any] = zxcvbn.zxcvbn(password[:100], user_inputs=[h for h in hints if h])
    score = int(result["score"])
    feedback = result["feedback"]
    advice = " ".join(x for x in (feedback["warning"], *feedback["suggestions"]) if x)
    if len(password) < MIN_PASSWORD:
        return PasswordStrength(0, "Too short", f"At least {MIN_PASSWORD} characters.")
    return PasswordStrength(score, _LABELS[score], advice)


@dataclass(frozen=True)
class TwoFactorSetup:
    secret: str
    uri: str
    qr_png: bytes  # the URI as a QR code an authenticator app scans from the screen


@cache
def timezones() -> list[str]:
    """IANA zone names a person picks from (the server checks against the same database).
    Reads some 600 files the first time: call it on a background lane."""
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")


class AccountService:
    def __init__(self, session: SessionService, api_for: Callable[[str], ApiClient]) -> None:
        self._session = session
        self._api_for = api_for

    # ------------------------------------------------------------------ signed out
    def sign_up(
        self,
        server: str,
        *,
        full_name: str,
        email: str,
        password: str,
        accepted_terms: bool,
    ) -> SessionSnapshot:
        """Make the account, then sign in to it: the verification mail is on its way."""
        server_url = _server(server)
        if not full_name.strip():
            raise AccountProblem(
                "Enter your name as learners and teachers will see it.", field="name"
            )
        _check_email(email)
        strength = password_strength(password, hints=(full_name, email))
        if len(password) < MIN_PASSWORD:
            raise AccountProblem(
                f"Choose a password of at least {MIN_PASSWORD} characters.", field="password"
            )
        if not strength.acceptable:
            raise AccountProblem(
                f"This password is easy to guess. {strength.advice}".strip(), field="password"
            )
        if not accepted_terms:
            raise AccountProblem("Accept the terms of use to make an account.", field="terms")
        api = self._api_for(server_url)
        _ask(lambda: api.register(email.strip(), password, full_name.strip()), server_url)
        return self._session.sign_in(server_url, email, password)

    def request_reset(self, server: str, email: str) -> None:
        server_url = _server(server)
        _check_email(email)
        api = self._api_for(server_url)
        _ask(lambda: api.request_password_reset(email.strip()), server_url)

    def confirm_reset(self, server: str, code: str, new_password: str) -> None:
        server_url = _server(server)
        if not code.strip():
            raise AccountProblem("Enter the code from the email.", field="code")
        if len(new_password) < MIN_PASSWORD:
            raise AccountProblem(
                f"Choose a password of at least {MIN_PASSWORD} characters.", field="password"
            )
        api = self._api_for(server_url)
        _ask(lambda: api.confirm_password_reset(code, new_password), server_url, field="code")

    # ------------------------------------------------------------------ signed in
    def verify_email(self, code: str) -> SessionSnapshot | None:
        if not code.strip():
            raise AccountProblem("Enter the code from the email.", field="code")
        self._call(lambda api, _token: api.verify_email(code), field="code")
        return self._session.refresh_account()

    def resend_verification(self) -> None:
        self._call(lambda api, token: api.resend_verification(token))

    def save_profile(
        self, *, full_name: str, headline: str, bio: str, timezone: str
    ) -> SessionSnapshot | None:
        if not full_name.strip():
            raise AccountProblem("Your name cannot be empty.", field="name")
        if timezone not in timezones():
            raise AccountProblem(f"“{timezone}” is not a time zone.", field="timezone")
        change = ProfileUpdate(
            full_name=full_name.strip(), headline=headline.strip(), bio=bio, timezone=timezone
        )
        self._call(lambda api, token: api.update_profile(token, change))
        return self._session.refresh_account()

    def set_avatar(self, picture_png: bytes) -> Me:
        """The picture, already cropped square and scaled by the app (network only)."""
        return self._call(lambda api, token: api.set_avatar(token, picture_png, "image/png"))

    def remove_avatar(self) -> Me:
        return self._call(lambda api, token: api.remove_avatar(token))

    def change_password(self, current: str, new: str) -> None:
        if not current:
            raise AccountProblem("Enter your current password.", field="current")
        if len(new) < MIN_PASSWORD:
            raise AccountProblem(
                f"Choose a password of at least {MIN_PASSWORD} characters.", field="new"
            )
        self._call(lambda api, token: api.change_password(token, current, new), field="current")

    def start_two_factor(self) -> TwoFactorSetup:
        import segno  # only for this screen: kept out of the start-up

        setup = self._call(lambda api, token: api.start_two_factor(token))
        png = io.BytesIO()
        segno.make(setup.otpauth_uri, error="m").save(png, kind="png", scale=5, border=2)
        return TwoFactorSetup(setup.secret, setup.otpauth_uri, png.getvalue())

    def confirm_two_factor(self, code: str) -> RecoveryCodes:
        # Network only (the IO lane): the caller refreshes the account on the database lane.
        return self._call(lambda api, token: api.confirm_two_factor(token, code), field="code")

    def disable_two_factor(self, code: str) -> SessionSnapshot | None:
        self._call(lambda api, token: api.disable_two_factor(token, code), field="code")
        return self._session.refresh_account()

    def refresh(self) -> SessionSnapshot | None:
        """The account as the server says now (call on the database lane)."""
        return self._session.refresh_account()

    def me(self) -> Me | None:
        current = self._session.current
        return current.account if current is not None else None

    def _call(self, request: Callable[[ApiClient, str], T], *, field: str | None = None) -> T:
        try:
            return self._session.api_call(request)
        except ApiRejected as exc:
            raise AccountProblem(exc.message, field=field) from exc
        except ServerUnreachable as exc:
            raise AccountProblem(
                "The server cannot be reached: account changes need a connection. "
                "Try again when you are online."
            ) from exc


def _server(server: str) -> str:
    try:
        return normalise_server_url(server)
    except SignInFailed as exc:
        raise AccountProblem(exc.message, field="server") from exc


def _check_email(email: str) -> None:
    if not looks_like_email(email):
        raise AccountProblem(
            "Enter your email address: it looks like you@example.com.", field="email"
        )


def _ask(request: Callable[[], T], server_url: str, *, field: str | None = None) -> T:
    try:
        return request()
    except ApiRejected as exc:
        where = {"email_taken": "email", "email_look_alike": "email", "weak_password": "password"}
        raise AccountProblem(exc.message, field=where.get(exc.code, field)) from exc
    except ServerUnreachable as exc:
        raise AccountProblem(
            f"Cannot reach the server at {server_url}. Check your connection and try again.",
            field="server",
        ) from exc
