"""Two-factor sign-in with TOTP (RFC 6238, by PyOTP): set up (a secret, shown as text and as
the otpauth:// URI its QR code carries), confirmed by a first code (then ten recovery codes,
shown once), checked at sign-in, and turned off with a code.

Each code signs in once: the step of the last accepted code is kept, and a code from that step
or an earlier one is refused (RFC 6238 section 5.2). One step of clock drift either way is
allowed. The secret is sealed with the server's key (security.secret_box)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pyotp
from sqlalchemy.orm import Session

from lmsdesk.contracts.auth import RecoveryCodes, TotpSetup
from lmsdesk_server.accounts.repository.codes import CodeRepository
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.models import User
from lmsdesk_server.errors import ApiError
from lmsdesk_server.security.codes import code_hash, new_code, normalise_code
from lmsdesk_server.security.secret_box import SecretBox

ISSUER = "LMSDesk"
RECOVERY_CODES = 10
STEP_SECONDS = 30


class TwoFactor:
    def __init__(self, session: Session, box: SecretBox) -> None:
        self._users = UserRepository(session)
        self._codes = CodeRepository(session)
        self._box = box

    def enabled(self, user: User) -> bool:
        return user.totp_confirmed_at is not None and user.totp_secret is not None

    def start(self, user_id: uuid.UUID) -> TotpSetup:
        user = self._user(user_id)
        if self.enabled(user):
            raise ApiError(
                409, "two_factor_on", "Two-factor sign-in is on already. Turn it off first."
            )
        secret = pyotp.random_base32()
        user.totp_secret = self._box.seal(secret)
        user.totp_confirmed_at = None
        user.totp_last_step = None
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
        return TotpSetup(secret=secret, otpauth_uri=uri)

    def confirm(self, user_id: uuid.UUID, code: str) -> RecoveryCodes:
        user = self._user(user_id)
        if self.enabled(user):
            raise ApiError(409, "two_factor_on", "Two-factor sign-in is on already.")
        if user.totp_secret is None:
            raise ApiError(409, "no_setup", "Start the two-factor set-up first.")
        if not self._totp_ok(user, code):
            raise ApiError(
                400,
                "otp_invalid",
                "That code is not the one the app shows now. Check the phone's clock, and type "
                "the newest code.",
            )
        user.totp_confirmed_at = datetime.now(UTC)
        codes = [new_code(groups=2, size=5) for _ in range(RECOVERY_CODES)]
        self._codes.replace_recovery_codes(user.id, [code_hash(c) for c in codes])
        return RecoveryCodes(recovery_codes=codes)

    def disable(self, user_id: uuid.UUID, code: str) -> None:
        user = self._user(user_id)
        if not self.enabled(user):
            raise ApiError(409, "two_factor_off", "Two-factor sign-in is not on.")
        if not self.check(user, code):
            raise ApiError(400, "otp_invalid", "That code is not valid.")
        user.totp_secret = None
        user.totp_confirmed_at = None
        user.totp_last_step = None
        self._codes.replace_recovery_codes(user.id, [])

    def check(self, user: User, code: str) -> bool:
        """A code from the app, or an unused recovery code (used up by this). The caller holds
        the user's row lock (sign-in takes it), so two sign-ins cannot share one code."""
        if self._totp_ok(user, code):
            return True
        recovery = self._codes.recovery_code_for_update(user.id, code_hash(code))
        if recovery is None:
            return False
        recovery.used_at = datetime.now(UTC)
        return True

    # ------------------------------------------------------------------ pieces
    def _totp_ok(self, user: User, code: str) -> bool:
        digits = normalise_code(code)
        if user.totp_secret is None or not digits.isdigit() or len(digits) != 6:
            return False
        try:
            secret = self._box.open(user.totp_secret)
        except ValueError:
            return False  # sealed with another key: the operator changed LMSDESK_MFA_KEY
        totp = pyotp.TOTP(secret)
        step = int(time.time()) // STEP_SECONDS
        for candidate in (step - 1, step, step + 1):
            if candidate <= (user.totp_last_step or -1):
                continue  # used already: a code works once
            if totp.verify(digits, for_time=candidate * STEP_SECONDS):
                user.totp_last_step = candidate
                return True
        return False

    def _user(self, user_id: uuid.UUID) -> User:
        user = self._users.find(User, user_id, lock=True)
        if user is None:
            raise ApiError(404, "not_found", "No such user.")
        return user
