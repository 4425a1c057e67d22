"""Accounts: registration, sign-in (with its second factor), token rotation, sign-out
(DESIGN.md sections 7 and 11.1).

Services flush; the request scope commits. Every failure is an ApiError with a stable code.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lmsdesk.contracts.auth import LoginRequest, Me, RegisterRequest, TokenPair
from lmsdesk.contracts.common import Role
from lmsdesk_server.accounts.repository.refresh_tokens import RefreshTokenRepository
from lmsdesk_server.accounts.repository.users import UserRepository, normalise_email
from lmsdesk_server.accounts.service.codes import MailedCodes
from lmsdesk_server.accounts.service.mfa import TwoFactor
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import RefreshToken, User
from lmsdesk_server.errors import ApiError
from lmsdesk_server.security.emails import email_skeleton
from lmsdesk_server.security.passwords import hash_password, needs_rehash, verify_password
from lmsdesk_server.security.rate_limit import Claim, LoginThrottle
from lmsdesk_server.security.secret_box import SecretBox
from lmsdesk_server.security.tokens import AccessTokens, new_refresh_token, refresh_token_hash

#: A rotated refresh token presented again this soon after its rotation gets the same successor
#: back: the answer to the first refresh was lost (a dropped connection, a kill), nothing was
#: stolen. Later, the same presentation means two holders, and the whole family is revoked.
REUSE_GRACE = timedelta(seconds=30)


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
        secret_box: SecretBox | None = None,
        public_url: str = "http://127.0.0.1:8765",
    ) -> None:
        self._session = session
        self._two_factor = TwoFactor(session, secret_box or SecretBox("unused"))
        self._codes = MailedCodes(session, public_url=public_url, throttle=throttle)
        self._users = UserRepository(session)
        self._tokens = RefreshTokenRepository(session)
        self._access = access_tokens
        self._refresh_lifetime = refresh_lifetime
        self._throttle = throttle

    # ------------------------------------------------------------------ accounts
    def create_user(
        self,
        *,
        email: str,
        password: str,
        full_name: str,
        roles: set[Role],
        verified: bool = False,
    ) -> User:
        """A new account. `verified`: made by an admin (the CLI, the demo), who vouches for the
        address; a registration proves it by the mailed code."""
        skeleton = email_skeleton(email)
        self._users.lock_email_key(skeleton)
        if self._users.by_email(email) is not None:
            raise ApiError(409, "email_taken", "An account with this email already exists.")
        if self._users.has_look_alike(skeleton):
            raise ApiError(
                409,
                "email_look_alike",
                "An account with an address that looks the same as this one already exists. "
                "If it is yours, sign in with it; otherwise use another address.",
            )
        user = User(
            email=normalise_email(email),
            email_skeleton=skeleton,
            password_hash=hash_password(password),
            full_name=full_name,
            email_verified_at=datetime.now(UTC) if verified else None,
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
        self._codes.send_verification(user)
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
            headline=user.headline,
            bio=user.bio,
            timezone=user.timezone,
            avatar_asset_id=user.avatar_asset_id,
            two_factor=self._two_factor.enabled(user),
        )

    def actor_for(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> Actor:
        """The request's user, refused from the first request after a suspension or a sign-out
        (of this session, or everywhere): never 15 minutes later, when the token expires."""
        user = self._users.request_user(user_id, session_id)
        if user is None or not user.is_active or not user.session_open:
            raise _unauthorized(
                "not_authenticated", "Your session is no longer valid. Sign in again."
            )
        return Actor(
            id=user.id, email=user.email, roles=frozenset(user.roles), session_id=session_id
        )

    # ------------------------------------------------------------------ sessions
    def login(self, request: LoginRequest, *, client_address: str) -> TokenPair:
        keys = (f"email:{normalise_email(request.email)}", f"addr:{client_address}")
        claim = self._throttle.claim(*keys)
        if claim.retry_after is not None:
            wait = claim.retry_after
            raise ApiError(
                429,
                "too_many_attempts",
                f"Too many failed sign-in attempts. Try again in {wait} seconds.",
                details={"retry_after_seconds": wait},
                headers={"Retry-After": str(wait)},
            )
        # From here the attempt counts as a failure unless it is forgiven below.
        user = self._users.by_email(request.email)
        if not verify_password(user.password_hash if user else None, request.password):
            raise _unauthorized("invalid_credentials", "The email or password is not correct.")
        assert user is not None
        if not user.is_active:
            raise ApiError(403, "account_disabled", "This account is disabled. Contact an admin.")
        if self._two_factor.enabled(user):
            self._second_factor(user, request.otp, claim)
        self._throttle.reset(keys[0])
        self._throttle.forgive(claim)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(request.password)
        now = datetime.now(UTC)
        user.last_login_at = now
        return self._issue(
            user.id, family_id=uuid.uuid4(), device_name=request.device_name, now=now
        )

    def _second_factor(self, user: User, otp: str | None, claim: Claim) -> None:
        """Asked only after the password was right: nobody learns whether an account has
        two-factor sign-in without its password."""
        self._users.find(User, user.id, lock=True)  # one code, one sign-in
        if otp is None:
            self._throttle.forgive(claim)  # the right password, asked for its second step
            raise _unauthorized(
                "otp_required", "Enter the code from your authenticator app (or a recovery code)."
            )
        if not self._two_factor.check(user, otp):
            raise _unauthorized("otp_invalid", "That code is not valid. Type the newest one.")

    def refresh(self, presented: str) -> TokenPair:
        now = datetime.now(UTC)
        row = self._tokens.by_hash_for_update(refresh_token_hash(presented))
        if row is None:
            raise _unauthorized("refresh_invalid", "Your session has ended. Sign in again.")
        if row.revoked_at is not None:
            if row.replaced_by is not None:
                again = self._successor_again(row, presented, now)
                if again is not None:
                    return again
                # A rotated token came back: someone holds a copy. End every session of the family.
                self._tokens.revoke_family(row.family_id, now)
                raise _unauthorized(
                    "refresh_reused", "Your session has ended. Sign in again.", keep_changes=True
                )
            raise _unauthorized("refresh_revoked", "Your session has ended. Sign in again.")
        if row.expires_at <= now:
            raise _unauthorized("refresh_expired", "Your session has expired. Sign in again.")
        self._require_active(row, now)
        pair, new_row = self._issue_with_row(
            row.user_id,
            family_id=row.family_id,
            device_name=row.device_name,
            now=now,
            refresh=self._access.successor_of(presented),
        )
        row.revoked_at = now
        row.replaced_by = new_row.id
        return pair

    def _successor_again(
        self, row: RefreshToken, presented: str, now: datetime
    ) -> TokenPair | None:
        """The pair a rotation already answered, when its answer was evidently lost: the same
        token again within the grace period, and its successor never used."""
        if row.revoked_at is None or row.replaced_by is None or now - row.revoked_at > REUSE_GRACE:
            return None
        successor = self._tokens.by_id_for_update(row.replaced_by)
        token = self._access.successor_of(presented)
        if successor is None or successor.revoked_at is not None:
            return None
        if successor.token_hash != refresh_token_hash(token):
            return None
        self._require_active(row, now)
        return self._pair(row.user_id, row.family_id, token, now)

    def _require_active(self, row: RefreshToken, now: datetime) -> None:
        user = self._users.by_id(row.user_id)
        if user is None or not user.is_active:
            self._tokens.revoke_family(row.family_id, now)
            raise _unauthorized(
                "refresh_invalid", "Your session has ended. Sign in again.", keep_changes=True
            )

    def logout(self, presented: str, *, everywhere: bool = False) -> None:
        """Ends this sign-in (the token's family), or every sign-in of its user. Unknown tokens
        are ignored: idempotent. Access tokens of an ended sign-in stop at the next request."""
        row = self._tokens.by_hash_for_update(refresh_token_hash(presented))
        if row is None:
            return
        now = datetime.now(UTC)
        if everywhere:
            self._tokens.revoke_user(row.user_id, now)
        else:
            self._tokens.revoke_family(row.family_id, now)

    def _issue(
        self, user_id: uuid.UUID, *, family_id: uuid.UUID, device_name: str, now: datetime
    ) -> TokenPair:
        return self._issue_with_row(
            user_id,
            family_id=family_id,
            device_name=device_name,
            now=now,
            refresh=new_refresh_token(),
        )[0]

    def _issue_with_row(
        self,
        user_id: uuid.UUID,
        *,
        family_id: uuid.UUID,
        device_name: str,
        now: datetime,
        refresh: str,
    ) -> tuple[TokenPair, RefreshToken]:
        row = self._tokens.add(
            RefreshToken(
                token_hash=refresh_token_hash(refresh),
                family_id=family_id,
                user_id=user_id,
                device_name=device_name,
                expires_at=now + self._refresh_lifetime,
            )
        )
        return self._pair(user_id, family_id, refresh, now), row

    def _pair(
        self, user_id: uuid.UUID, family_id: uuid.UUID, refresh: str, now: datetime
    ) -> TokenPair:
        return TokenPair(
            access_token=self._access.issue(user_id, family_id, now=now),
            refresh_token=refresh,
            expires_in=int(self._access.lifetime.total_seconds()),
        )
