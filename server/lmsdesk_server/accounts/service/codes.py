"""Mailed codes: verifying an email address, and resetting a forgotten password.

A code is single use, valid for a while (verify: 7 days; reset: 30 minutes), stored only as
its hash, and replaces any code of the same kind mailed before. Asking for a reset answers the
same whether the address has an account or not (no account enumeration); trying codes is
throttled per client address like sign-in. A reset ends every session of the account.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy.orm import Session

from lmsdesk.contracts.common import AccountCodePurpose
from lmsdesk_server.accounts.repository.codes import CodeRepository
from lmsdesk_server.accounts.repository.refresh_tokens import RefreshTokenRepository
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.models import AccountCode, User
from lmsdesk_server.errors import ApiError
from lmsdesk_server.mail.messages import password_reset_mail, verification_mail
from lmsdesk_server.mail.outbox import enqueue
from lmsdesk_server.security.codes import code_hash, new_code
from lmsdesk_server.security.passwords import hash_password
from lmsdesk_server.security.rate_limit import LoginThrottle

VERIFY_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(minutes=30)
#: One verification or reset mail per address per this long (a button pressed twice, a script).
MAIL_INTERVAL = timedelta(seconds=60)


def _invalid_code() -> ApiError:
    return ApiError(
        400, "code_invalid", "This code is not valid, was used already, or has expired."
    )


class MailedCodes:
    def __init__(self, session: Session, *, public_url: str, throttle: LoginThrottle) -> None:
        self._session = session
        self._users = UserRepository(session)
        self._codes = CodeRepository(session)
        self._tokens = RefreshTokenRepository(session)
        self._public_url = public_url.rstrip("/")
        self._throttle = throttle

    # ------------------------------------------------------------------ verify
    def send_verification(self, user: User, *, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        if user.email_verified_at is not None:
            return
        code = self._new(user.id, AccountCodePurpose.VERIFY_EMAIL, VERIFY_LIFETIME, now)
        link = f"{self._public_url}/account/verify-email?token={quote(code)}"
        enqueue(
            self._session,
            verification_mail(
                to=user.email, name=user.full_name, code=code, link=link, days=VERIFY_LIFETIME.days
            ),
        )

    def resend_verification(self, user_id: uuid.UUID) -> None:
        user = self._users.find(User, user_id, lock=True)
        if user is None:
            raise ApiError(404, "not_found", "No such user.")
        if user.email_verified_at is not None:
            raise ApiError(409, "already_verified", "This email address is verified already.")
        self._wait_between_mails(user.id, AccountCodePurpose.VERIFY_EMAIL)
        self.send_verification(user)

    def verify_email(self, token: str, *, client_address: str) -> None:
        now = datetime.now(UTC)
        row = self._use(token, AccountCodePurpose.VERIFY_EMAIL, client_address, now)
        user = self._users.find(User, row.user_id, lock=True)
        if user is None:
            raise _invalid_code()
        if user.email_verified_at is None:
            user.email_verified_at = now

    # ------------------------------------------------------------------ reset
    def request_reset(self, email: str) -> None:
        """Always the same answer. A suspended account gets no mail: it cannot sign in anyway."""
        found = self._users.by_email(email)
        # Locked: two requests at once send one mail between them.
        user = self._users.find(User, found.id, lock=True) if found is not None else None
        if user is None or not user.is_active:
            return
        try:
            self._wait_between_mails(user.id, AccountCodePurpose.PASSWORD_RESET)
        except ApiError:
            return  # asked again within the minute: the first mail is on its way
        code = self._new(
            user.id, AccountCodePurpose.PASSWORD_RESET, RESET_LIFETIME, datetime.now(UTC)
        )
        enqueue(
            self._session,
            password_reset_mail(
                to=user.email,
                name=user.full_name,
                code=code,
                minutes=int(RESET_LIFETIME.total_seconds() // 60),
            ),
        )

    def reset_password(self, token: str, new_password: str, *, client_address: str) -> None:
        now = datetime.now(UTC)
        row = self._use(token, AccountCodePurpose.PASSWORD_RESET, client_address, now)
        user = self._users.find(User, row.user_id, lock=True)
        if user is None or not user.is_active:
            raise _invalid_code()
        user.password_hash = hash_password(new_password)
        # The mailbox answered: the address is the owner's.
        user.email_verified_at = user.email_verified_at or now
        # Whoever knew the old password is out, on every device, from the next request on.
        self._tokens.revoke_user(user.id, now)

    # ------------------------------------------------------------------ pieces
    def _new(
        self, user_id: uuid.UUID, purpose: AccountCodePurpose, lifetime: timedelta, now: datetime
    ) -> str:
        self._codes.end_unused(user_id, purpose, now)
        code = new_code()
        self._session.add(
            AccountCode(
                user_id=user_id,
                purpose=purpose,
                code_hash=code_hash(code),
                expires_at=now + lifetime,
            )
        )
        self._session.flush()
        return code

    def _use(
        self, token: str, purpose: AccountCodePurpose, client_address: str, now: datetime
    ) -> AccountCode:
        key = f"code-addr:{client_address}"
        claim = self._throttle.claim(key)
        if claim.retry_after is not None:
            wait = claim.retry_after
            raise ApiError(
                429,
                "too_many_attempts",
                f"Too many wrong codes. Try again in {wait} seconds.",
                details={"retry_after_seconds": wait},
                headers={"Retry-After": str(wait)},
            )
        row = self._codes.usable_for_update(code_hash(token), purpose, now)
        if row is None:
            raise _invalid_code()  # the claim stays: a wrong code counts
        self._throttle.forgive(claim)
        row.used_at = now
        return row

    def _wait_between_mails(self, user_id: uuid.UUID, purpose: AccountCodePurpose) -> None:
        """At most one mail of a kind per account per minute, whichever server process is
        asked: the last code's creation time, in the database, is the clock."""
        last = self._codes.latest_created(user_id, purpose)
        if last is None:
            return
        wait = int((last + MAIL_INTERVAL - datetime.now(UTC)).total_seconds()) + 1
        if wait > 0:
            raise ApiError(
                429,
                "mail_recently_sent",
                f"A mail was sent a moment ago. Check your inbox, or ask again in {wait} seconds.",
                details={"retry_after_seconds": wait},
                headers={"Retry-After": str(wait)},
            )
