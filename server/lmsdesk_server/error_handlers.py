"""How every failure becomes the one error shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from lmsdesk.contracts.common import ErrorDetail, ErrorResponse
from lmsdesk_server.errors import ApiError
from lmsdesk_server.mutation import MutationRejected

_log = logging.getLogger(__name__)


def _render(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(mode="json"), status_code=status_code, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo the submitted value back: it may be a password.
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _render(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(MutationRejected)
    async def _refused(_: Request, exc: MutationRejected) -> JSONResponse:
        # A business rule said no outside the mutation door (a repository's get_or_refuse).
        return _render(exc.status, exc.code, exc.reason)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        return _render(422, "validation_error", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        headers = dict(exc.headers) if exc.headers else None
        return _render(exc.status_code, code, str(exc.detail), headers=headers)

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError) -> JSONResponse:
        # A value PostgreSQL cannot hold (a NUL character in a query, a number out of range)
        # that validation let through: the request's fault, not the server's.
        _log.info("unstorable value on %s: %s", request.url.path, exc.orig)
        return _render(
            422,
            "invalid_value",
            "A value in the request is out of range or "
            "contains characters the server cannot store.",
        )

    @app.exception_handler(OperationalError)
    async def _transient(request: Request, exc: OperationalError) -> JSONResponse:
        # The database went away or timed out: a bad moment, not bad input. Clients retry.
        _log.warning("database unavailable on %s: %s", request.url.path, exc.orig)
        return _render(
            503,
            "database_unavailable",
            "The server's database is not available. Try again.",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(PoolTimeout)
    async def _no_connection(request: Request, exc: PoolTimeout) -> JSONResponse:
        _log.warning("no database connection free for %s: %s", request.url.path, exc)
        return _render(
            503,
            "server_busy",
            "The server is busy. Try again in a few seconds.",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _render(500, "internal_error", "The server hit an unexpected error.")
