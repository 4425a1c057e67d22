"""Request body limits, checked before any handler reads a byte (DESIGN.md section 7).

A JSON request is small; a sync push of a thousand mutations is a few hundred KB; an upload
chunk is at most MAX_CHUNK_BYTES. Anything larger is refused with a 413 that says the limit,
from the Content-Length header, so a huge body is never read into memory. A body without a
length (chunked transfer) is refused with a 411: every client we ship sends the length.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from lmsdesk.contracts.media import MAX_CHUNK_BYTES
from lmsdesk_server.errors import error_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_LIMIT = 1024 * 1024
#: (method, path pattern, limit): the routes that take more than a small JSON document.
LIMITS: list[tuple[str, re.Pattern[str], int]] = [
    ("PUT", re.compile(r"^/api/v1/media/[^/]+/content$"), MAX_CHUNK_BYTES + 64 * 1024),
    ("POST", re.compile(r"^/api/v1/sync/push$"), 16 * 1024 * 1024),
]
_WITH_BODY = {"POST", "PUT", "PATCH"}


def limit_for(method: str, path: str) -> int:
    for wanted, pattern, limit in LIMITS:
        if method == wanted and pattern.match(path):
            return limit
    return DEFAULT_LIMIT


class BodyLimits:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        length = headers.get("content-length")
        limit = limit_for(scope["method"], scope["path"])
        if length is None and "chunked" in headers.get("transfer-encoding", ""):
            await _refuse(
                send, 411, "length_required", "Send the body with a Content-Length header."
            )
            return
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _refuse(
                send,
                413,
                "payload_too_large",
                f"The request body is larger than this endpoint takes ({limit // 1024} KB).",
            )
            return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    body = error_body(code, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
