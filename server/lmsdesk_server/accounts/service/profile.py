"""The profile a person edits (name, headline, bio, time zone) and their password."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.auth import PasswordChange, ProfileUpdate
from lmsdesk_server.accounts.repository.refresh_tokens import RefreshTokenRepository
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.accounts.service.avatar import restamp_public_profile
from lmsdesk_server.db.models import User
from lmsdesk_server.errors import ApiError
from lmsdesk_server.security.passwords import hash_password, verify_password


def known_timezone(name: str) -> bool:
    """An IANA zone the server's database knows ("Europe/Berlin"; not "CET+1")."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return name in zoneinfo.available_timezones() or name == "UTC"


class Profiles:
    def __init__(self, session: Session) -> None:
        self._users = UserRepository(session)
        self._tokens = RefreshTokenRepository(session)

    def update(self, user_id: uuid.UUID, change: ProfileUpdate) -> None:
        if change.timezone is not None and not known_timezone(change.timezone):
            raise ApiError(
                422,
                "timezone_unknown",
                f"“{change.timezone}” is not a time zone name such as Europe/Berlin.",
                details={"field": "timezone"},
            )
        user = self._user(user_id)
        renamed = change.full_name is not None and change.full_name != user.full_name
        for field in ("full_name", "headline", "bio", "timezone"):
            value = getattr(change, field)
            if value is not None:
                setattr(user, field, value)
        if renamed:
            restamp_public_profile(self._users.session, user.id)

    def change_password(
        self, user_id: uuid.UUID, change: PasswordChange, *, keep_session: uuid.UUID | None
    ) -> None:
        """The current password proves it is the owner; every other signed-in device is
        signed out (this one stays)."""
        user = self._user(user_id)
        if not verify_password(user.password_hash, change.current_password):
            raise ApiError(
                403,
                "wrong_password",
                "The current password is not correct.",
                details={"field": "current_password"},
            )
        user.password_hash = hash_password(change.new_password)
        self._tokens.revoke_user(user.id, datetime.now(UTC), except_family=keep_session)

    def _user(self, user_id: uuid.UUID) -> User:
        user = self._users.find(User, user_id, lock=True)
        if user is None:
            raise ApiError(404, "not_found", "No such user.")
        return user
