"""Access tokens (short-lived JWT) and opaque refresh tokens (only their hash is stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"
ISSUER = "lmsdesk"


class InvalidAccessToken(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    #: The sign-in (refresh token family) the token was issued to: checked on every request,
    #: so signing out, everywhere or of this session, stops the token at once.
    session_id: uuid.UUID
    expires_at: datetime


class AccessTokens:
    def __init__(self, secret: str, lifetime: timedelta) -> None:
        self._secret = secret
        self.lifetime = lifetime
        self._rotation_key = hmac.new(
            secret.encode(), b"lmsdesk refresh rotation", hashlib.sha256
        ).digest()

    def successor_of(self, refresh_token: str) -> str:
        """The refresh token that replaces this one at rotation. Derived, not random, so a client
        whose answer to a refresh was lost can present the old token again and receive the very
        same successor (within the grace period) without the server ever storing a token."""
        digest = hmac.new(self._rotation_key, refresh_token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(
        self, user_id: uuid.UUID, session_id: uuid.UUID, *, now: datetime | None = None
    ) -> str:
        issued = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "iss": ISSUER,
            "typ": "access",
            "iat": issued,
            "exp": issued + self.lifetime,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["sub", "sid", "exp", "iat", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidAccessToken("token_expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken("token_invalid") from exc
        if claims.get("typ") != "access":
            raise InvalidAccessToken("token_invalid")
        try:
            user_id = uuid.UUID(claims["sub"])
            session_id = uuid.UUID(claims["sid"])
            # A well-signed token can still carry an `exp` no calendar holds (year 33658).
            expires_at = datetime.fromtimestamp(claims["exp"], UTC)
        except (ValueError, TypeError, AttributeError, OverflowError, OSError) as exc:
            raise InvalidAccessToken("token_invalid") from exc
        return AccessClaims(user_id=user_id, session_id=session_id, expires_at=expires_at)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> str:
    # A fast hash is right here: the token has 256 bits of entropy, unlike a password.
    return hashlib.sha256(token.encode()).hexdigest()
