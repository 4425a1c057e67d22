"""Accounts: registration, sign-in, token rotation, sign-out (DESIGN.md section 7).

Services flush; the request scope commits. Every failure is an ApiError with a stable code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lmsdesk.contracts.auth import LoginRequest, Me, RegisterRequest, TokenPair
from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import RefreshToken, User
from lmsdesk_server.errors import ApiError
from lmsdesk_server.repositories.refresh_tokens import RefreshTokenRepository
from lmsdesk_server.repositories.users import UserRepository, normalise_email
from lmsdesk_server.security.passwords import hash_password, needs_rehash, verify_password
from lmsdesk_server.security.rate_limit import LoginThrottle
from lmsdesk_server.security.tokens import AccessTokens, new_refresh_token, refresh_token_hash


@dataclass(frozen=True)
class Actor:
    """The signed-in user a request acts for."""

    id: uuid.UUID
    email: str
    roles: frozenset[Role]

    def has(self, role: Role) -> bool:
        return role in self.roles

    def has_admin(self) -> bool:
        return Role.ADMIN in self.roles


def _unauthorized(code: str, message: str, *, keep_changes: bool = False) -> ApiError:
    return ApiError(
        401, code, message, headers={"WWW-Authenticate": "Bearer"}, keep_changes=keep_changes
    )


class AccountService:
    def __init__(
        self,
        session: Session,
        *,
        access_tokens: AccessTokens,
        refresh_lifetime: timedelta,
        throttle: LoginThrottle,
    ) -> None:
        self._session = session
        self._users = UserRepository(session)
        self._tokens = RefreshTokenRepository(session)
        self._access = access_tokens
        self._refresh_lifetime = refresh_lifetime
        self._throttle = throttle

    # ------------------------------------------------------------------ accounts
    def create_user(self, *, email: str, password: str, full_name: str, roles: set[Role]) -> User:
        if self._users.by_email(email) is not None:
            raise ApiError(409, "email_taken", "An account with this email already exists.")
        user = User(
            email=normalise_email(email), password_hash=hash_password(password), full_name=full_name
        )
        try:
            with self._session.begin_nested():
                self._users.add(user)
        except IntegrityError as exc:  # a concurrent registration won the race
            raise ApiError(
                409, "email_taken", "An account with this email already exists."
            ) from exc
        self._users.grant_roles(user.id, roles)
        return user

    def register(self, request: RegisterRequest) -> Me:
        # Self-registration makes students only; instructors and admins are granted by an admin.
        user = self.create_user(
            email=request.email,
            password=request.password,
            full_name=request.full_name,
            roles={Role.STUDENT},
        )
        return self.me(user.id)

    def me(self, user_id: uuid.UUID) -> Me:
        user = self._users.by_id(user_id)
        if user is None:
            raise ApiError(404, "not_found", "No such user.")
        return Me(
            id=user.id,
            email=user.email,
            full_name=user.full_name,
            roles=self._users.roles_of(user.id),
            email_verified_at=user.email_verified_at,
        )

    def actor_for(self, user_id: uuid.UUID) -> Actor:
        user = self._users.by_id(user_id)
        if user is None or not user.is_active:
            raise _unauthorized(
                "not_authenticated", "Your session is no longer valid. Sign in again."
            )
        return Actor(id=user.id, email=user.email, roles=frozenset(self._users.roles_of(user.id)))

    # ------------------------------------------------------------------ sessions
    def login(self, request: LoginRequest, *, client_address: str) -> TokenPair:
        keys = (f"email:{normalise_email(request.email)}", f"addr:{client_address}")
        wait = self._throttle.retry_after(*keys)
        if wait is not None:
            raise ApiError(
                429,
                "too_many_attempts",
                f"Too many failed sign-in attempts. Try again in {wait} seconds.",
                details={"retry_after_seconds": wait},
                headers={"Retry-After": str(wait)},
            )
        user = self._users.by_email(request.email)
        if not verify_password(user.password_hash if user else None, request.password):
            self._throttle.record_failure(*keys)
            raise _unauthorized("invalid_credentials", "The email or password is not correct.")
        assert user is not None
        if not user.is_active:
            raise ApiError(403, "account_disabled", "This account is disabled. Contact an admin.")
        self._throttle.reset(keys[0])
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(request.password)
        now = datetime.now(UTC)
        user.last_login_at = now
        return self._issue(
            user.id, family_id=uuid.uuid4(), device_name=request.device_name, now=now
        )

    def refresh(self, presented: str) -> TokenPair:
        now = datetime.now(UTC)
        row = self._tokens.by_hash_for_update(refresh_token_hash(presented))
        if row is None:
            raise _unauthorized("refresh_invalid", "Your session has ended. Sign in again.")
        if row.revoked_at is not None:
            if row.replaced_by is not None:
                # A rotated token came back: someone holds a copy. End every session of the family.
                self._tokens.revoke_family(row.family_id, now)
                raise _unauthorized(
                    "refresh_reused", "Your session has ended. Sign in again.", keep_changes=True
                )
            raise _unauthorized("refresh_revoked", "Your session has ended. Sign in again.")
        if row.expires_at <= now:
            raise _unauthorized("refresh_expired", "Your session has expired. Sign in again.")
        user = self._users.by_id(row.user_id)
        if user is None or not user.is_active:
            self._tokens.revoke_family(row.family_id, now)
            raise _unauthorized(
                "refresh_invalid", "Your session has ended. Sign in again.", keep_changes=True
            )
        pair, new_row = self._issue_with_row(
            row.user_id, family_id=row.family_id, device_name=row.device_name, now=now
        )
        row.revoked_at = now
        row.replaced_by = new_row.id
        return pair

    def logout(self, presented: str) -> None:
        """Ends this sign-in (the token's family). Unknown tokens are ignored: idempotent."""
        row = self._tokens.by_hash_for_update(refresh_token_hash(presented))
        if row is not None:
            self._tokens.revoke_family(row.family_id, datetime.now(UTC))

    def _issue(
        self, user_id: uuid.UUID, *, family_id: uuid.UUID, device_name: str, now: datetime
    ) -> TokenPair:
        return self._issue_with_row(user_id, family_id=family_id, device_name=device_name, now=now)[
            0
        ]

    def _issue_with_row(
        self, user_id: uuid.UUID, *, family_id: uuid.UUID, device_name: str, now: datetime
    ) -> tuple[TokenPair, RefreshToken]:
        refresh = new_refresh_token()
        row = self._tokens.add(
            RefreshToken(
                token_hash=refresh_token_hash(refresh),
                family_id=family_id,
                user_id=user_id,
                device_name=device_name,
                expires_at=now + self._refresh_lifetime,
            )
        )
        pair = TokenPair(
            access_token=self._access.issue(user_id, now=now),
            refresh_token=refresh,
            expires_in=int(self._access.lifetime.total_seconds()),
        )
        return pair, row
