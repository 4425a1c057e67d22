"""Shapes shared by every endpoint: errors, health, roles."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class WireModel(BaseModel):
    """Base of every contract: unknown fields are refused so typos fail loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
