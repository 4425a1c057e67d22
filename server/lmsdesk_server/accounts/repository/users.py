"""All SQL about users and their roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, bindparam, cast, func, select, true
from sqlalchemy.dialects.postgresql import insert

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import RefreshToken, User, UserRole
from lmsdesk_server.db.repository import Repository
from lmsdesk_server.security.emails import canonical_email


def normalise_email(email: str) -> str:
    return canonical_email(email)


@dataclass(frozen=True)
class RequestUser:
    """What every authenticated request needs to know about its user, read in one statement."""

    id: uuid.UUID
    email: str
    is_active: bool
    roles: list[Role]
    #: The sign-in the access token belongs to is still open (not signed out, not revoked).
    session_open: bool


# Every request runs one of these (built once: building and keying the statement anew cost
# more than running it).
_ROLES = (
    select(func.array_agg(cast(UserRole.role, String)))
    .where(UserRole.user_id == User.id)
    .scalar_subquery()
)
_SESSION_OPEN = (
    select(RefreshToken.id)
    .where(
        RefreshToken.family_id == bindparam("family"),
        RefreshToken.user_id == User.id,
        RefreshToken.revoked_at.is_(None),
    )
    .exists()
)
_REQUEST_USER = select(User.id, User.email, User.is_active, _ROLES, true()).where(
    User.id == bindparam("user")
)
_REQUEST_USER_IN_SESSION = select(User.id, User.email, User.is_active, _ROLES, _SESSION_OPEN).where(
    User.id == bindparam("user")
)


class UserRepository(Repository):
    def by_email(self, email: str) -> User | None:
        stmt = select(User).where(func.lower(User.email) == normalise_email(email))
        return self.session.scalars(stmt).one_or_none()

    def request_user(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> RequestUser | None:
        """The user with their roles and, when a session is named, whether it is still open:
        one statement per request (a no-op sync must stay cheap)."""
        if session_id is None:
            found = self.session.execute(_REQUEST_USER, {"user": user_id})
        else:
            params = {"user": user_id, "family": session_id}
            found = self.session.execute(_REQUEST_USER_IN_SESSION, params)
        row = found.one_or_none()
        if row is None:
            return None
        user_id, email, active, role_names, is_open = row
        return RequestUser(
            user_id, email, active, sorted(Role(r) for r in role_names or []), bool(is_open)
        )

    def lock_email_key(self, skeleton: str) -> None:
        """Serialise registrations of look-alike addresses until this transaction ends, so two
        at once cannot both find the other absent."""
        key = func.hashtextextended(f"email:{skeleton}", 0)
        self.session.execute(select(func.pg_advisory_xact_lock(key)))

    def has_look_alike(self, skeleton: str) -> bool:
        stmt = select(User.id).where(User.email_skeleton == skeleton).limit(1)
        return self.session.scalar(stmt) is not None

    def by_id(self, user_id: uuid.UUID) -> User | None:
        return self.session.get(User, user_id)

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def roles_of(self, user_id: uuid.UUID) -> list[Role]:
        stmt = select(UserRole.role).where(UserRole.user_id == user_id).order_by(UserRole.role)
        return list(self.session.scalars(stmt))

    def grant_roles(self, user_id: uuid.UUID, roles: Iterable[Role]) -> None:
        rows = [{"user_id": user_id, "role": role} for role in roles]
        if rows:
            stmt = insert(UserRole).values(rows).on_conflict_do_nothing()
            self.session.execute(stmt)
