"""One error shape for every failure: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from lmsdesk.contracts.common import ErrorDetail, ErrorResponse


class ApiError(Exception):
    """A failure the caller can act on. Services raise it; the handler renders it."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(message)
        # True when the refusal itself must be recorded (e.g. a reused refresh token revokes its
        # family): the request scope then commits instead of rolling back.
        self.keep_changes = keep_changes
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_body(code: str, message: str) -> bytes:
    """The error document as bytes, for answers sent below FastAPI (body_limits)."""
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, details=None))
    return body.model_dump_json().encode()
