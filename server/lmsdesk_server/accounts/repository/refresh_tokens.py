"""All SQL about refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update

from lmsdesk_server.db.models import RefreshToken
from lmsdesk_server.db.repository import Repository


class RefreshTokenRepository(Repository):
    def add(self, token: RefreshToken) -> RefreshToken:
        self.session.add(token)
        self.session.flush()
        return token

    def by_hash_for_update(self, token_hash: str) -> RefreshToken | None:
        # FOR UPDATE: two refreshes racing with one token are serialised, so exactly one rotates
        # it and the other sees it rotated.
        stmt = select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
        return self.session.scalars(stmt).one_or_none()

    def by_id_for_update(self, token_id: uuid.UUID) -> RefreshToken | None:
        return self.session.get(RefreshToken, token_id, with_for_update=True)

    def revoke_user(
        self, user_id: uuid.UUID, at: datetime, *, except_family: uuid.UUID | None = None
    ) -> int:
        """Every sign-in of the user (but `except_family`, the one asking): sign-out
        everywhere, a password reset or change, a suspension."""
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        if except_family is not None:
            stmt = stmt.where(RefreshToken.family_id != except_family)
        return self.session.execute(stmt).rowcount  # type: ignore[attr-defined,no-any-return]

    def revoke_family(self, family_id: uuid.UUID, at: datetime) -> int:
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return self.session.execute(stmt).rowcount  # type: ignore[attr-defined,no-any-return]
