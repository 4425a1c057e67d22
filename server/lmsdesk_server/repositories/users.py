"""All SQL about users and their roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User, UserRole


def normalise_email(email: str) -> str:
    return email.strip().lower()


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_email(self, email: str) -> User | None:
        stmt = select(User).where(func.lower(User.email) == normalise_email(email))
        return self._session.scalars(stmt).one_or_none()

    def by_id(self, user_id: uuid.UUID) -> User | None:
        return self._session.get(User, user_id)

    def add(self, user: User) -> User:
        self._session.add(user)
        self._session.flush()
        return user

    def roles_of(self, user_id: uuid.UUID) -> list[Role]:
        stmt = select(UserRole.role).where(UserRole.user_id == user_id).order_by(UserRole.role)
        return list(self._session.scalars(stmt))

    def grant_roles(self, user_id: uuid.UUID, roles: Iterable[Role]) -> None:
        rows = [{"user_id": user_id, "role": role} for role in roles]
        if rows:
            stmt = insert(UserRole).values(rows).on_conflict_do_nothing()
            self._session.execute(stmt)
