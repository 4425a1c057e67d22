"""The base of every domain repository: its session, and the one way to fetch a row or refuse.

Services never query; they ask their repository (Polar's rule: all SQL in repositories).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from lmsdesk_server.mutation import MutationRejected

Row = TypeVar("Row")


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, model: type[Row], key: Any, *, lock: bool = False) -> Row | None:
        """The row with this primary key (locked for the transaction when asked), or None."""
        if key is None:
            return None
        return self.session.get(model, key, with_for_update=lock)

    def get_or_refuse(
        self,
        model: type[Row],
        key: Any,
        refusal: str,
        *,
        lock: bool = False,
        status: int = 403,
        code: str = "refused",
    ) -> Row:
        """The row, or the business refusal the caller names: a stored result over sync, an
        HTTP status over REST. A soft-deleted row (deleted_at set) counts as absent."""
        row = self.find(model, key, lock=lock)
        if row is None or getattr(row, "deleted_at", None) is not None:
            raise MutationRejected(refusal, status=status, code=code)
        return row
