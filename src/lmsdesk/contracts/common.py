"""Shapes shared by every endpoint: errors, health, roles."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


def has_nul(value: Any) -> bool:
    """Whether text anywhere in a JSON-like value holds a NUL character (PostgreSQL stores none)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class Role(StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class AccountCodePurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"


class WireModel(BaseModel):
    """Base of every contract: unknown fields are refused so typos fail loudly, and so is text
    with NUL characters (PostgreSQL cannot store them; refused here, it is a clear 422 or a
    rejected mutation instead of a server error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: Fields checked by a model of their own later (a pushed mutation's args: each mutation is
    #: validated on its own, so one bad one is rejected without failing the whole push).
    unchecked_text: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name not in cls.unchecked_text and has_nul(value):
            raise ValueError("text must not contain NUL characters")
        # A time without an offset is UTC, as every time on the wire is meant to be: compared
        # with the server's aware clock it would otherwise fail instead of being refused or kept.
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ErrorDetail(WireModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(WireModel):
    """Every non-2xx answer of the API has this body."""

    error: ErrorDetail


class Health(WireModel):
    status: str
    version: str
    database: str
