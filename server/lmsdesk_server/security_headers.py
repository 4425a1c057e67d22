"""Headers every answer carries, whatever route made it (pure ASGI: streams stay streams)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: nosniff: a browser renders a file only as the type the server declares, never as what its
#: bytes look like (an HTML page uploaded as text would otherwise run as a page of our origin).
_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
