"""The signed-in user a request or a mutation acts for: what every domain's rules consult."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lmsdesk.contracts.common import Role


@dataclass(frozen=True)
class Actor:
    """The signed-in user a request acts for."""

    id: uuid.UUID
    email: str
    roles: frozenset[Role]
    #: The sign-in (refresh token family) of the access token; None for signed media links.
    session_id: uuid.UUID | None = None

    def has(self, role: Role) -> bool:
        return role in self.roles

    def has_admin(self) -> bool:
        return Role.ADMIN in self.roles
