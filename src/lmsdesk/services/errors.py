"""The one shape of a refusal the user reads."""

from __future__ import annotations


class UserFacingError(Exception):
    """A step the user asked for cannot happen; `message` is written for them, saying why and,
    where there is one, what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
