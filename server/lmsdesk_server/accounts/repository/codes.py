"""All SQL about mailed codes and recovery codes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update

from lmsdesk.contracts.common import AccountCodePurpose
from lmsdesk_server.db.models import AccountCode, RecoveryCode
from lmsdesk_server.db.repository import Repository


class CodeRepository(Repository):
    def usable_for_update(
        self, code_hash: str, purpose: AccountCodePurpose, now: datetime
    ) -> AccountCode | None:
        """The unused, unexpired code with this hash, locked: two confirmations at once get
        one success between them."""
        stmt = (
            select(AccountCode)
            .where(
                AccountCode.code_hash == code_hash,
                AccountCode.purpose == purpose,
                AccountCode.used_at.is_(None),
                AccountCode.expires_at > now,
            )
            .with_for_update()
        )
        return self.session.scalars(stmt).one_or_none()

    def end_unused(self, user_id: uuid.UUID, purpose: AccountCodePurpose, now: datetime) -> None:
        """A new code replaces the ones mailed before: only the latest works."""
        self.session.execute(
            update(AccountCode)
            .where(
                AccountCode.user_id == user_id,
                AccountCode.purpose == purpose,
                AccountCode.used_at.is_(None),
            )
            .values(used_at=now)
        )

    def latest_created(self, user_id: uuid.UUID, purpose: AccountCodePurpose) -> datetime | None:
        stmt = select(func.max(AccountCode.created_at)).where(
            AccountCode.user_id == user_id, AccountCode.purpose == purpose
        )
        return self.session.scalar(stmt)

    def recovery_code_for_update(self, user_id: uuid.UUID, code_hash: str) -> RecoveryCode | None:
        stmt = (
            select(RecoveryCode)
            .where(
                RecoveryCode.user_id == user_id,
                RecoveryCode.code_hash == code_hash,
                RecoveryCode.used_at.is_(None),
            )
            .with_for_update()
        )
        return self.session.scalars(stmt).one_or_none()

    def replace_recovery_codes(self, user_id: uuid.UUID, hashes: list[str]) -> None:
        self.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        self.session.add_all(RecoveryCode(user_id=user_id, code_hash=h) for h in hashes)
        self.session.flush()
