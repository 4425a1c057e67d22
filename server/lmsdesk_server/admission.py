"""Admission control: a bounded number of requests at work, a short queue, and a quick 503 with
Retry-After for the rest, so the server sheds load instead of seizing up.

Why: a request takes a database connection early (its session) and then hops between worker
threads (each sync dependency and the endpoint run in the thread pool). With more requests in
flight than connections, every worker thread can end up waiting for a connection held by a
request that is itself waiting for a thread: seen as a server that answered nothing, even after
the load stopped. Bounding the requests at work below the connection pool makes that
impossible (every admitted request can get its connections), and a request waits here, on the
event loop, holding nothing.

A request leaves the count when its response starts: by then the endpoint has run and its unit
of work has committed (the session dependency has function scope), so a long media download
streams without holding a place.
"""

from __future__ import annotations

import asyncio
import math
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lmsdesk_server.errors import error_body

#: Requests that may hold a database session at once. A request holds at most two connections
#: (its session and, for checkout and webhooks, a short transaction of the service's own), so
#: the pool (db.engine) is sized above twice this.
MAX_IN_FLIGHT = 16
#: Requests that may wait for a place; beyond these, the answer is an immediate 503.
MAX_WAITING = 64
#: How long a request waits for a place before it is turned away.
MAX_WAIT_SECONDS = 2.0


class AdmissionControl:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        max_waiting: int = MAX_WAITING,
        max_wait: float = MAX_WAIT_SECONDS,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.max_waiting = max_waiting
        self.max_wait = max_wait
        self.in_flight = 0
        self.waiting = 0
        #: Requests turned away since start (for /metrics and the tests).
        self.shed = 0
        self._freed: asyncio.Condition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not await self._admit():
            self.shed += 1
            await self._busy(send)
            return
        released = False

        async def release() -> None:
            nonlocal released
            if not released:
                released = True
                await self._leave()

        async def send_and_release(message: Message) -> None:
            if message["type"] == "http.response.start":
                await release()
            await send(message)

        try:
            await self.app(scope, receive, send_and_release)
        finally:
            await release()

    async def _admit(self) -> bool:
        loop = asyncio.get_running_loop()
        if self._freed is None or self._loop is not loop:
            # First use, or a test harness serving the same app from a new event loop.
            self._freed, self._loop = asyncio.Condition(), loop
        async with self._freed:
            if self.in_flight < self.max_in_flight:
                self.in_flight += 1
                return True
            if self.waiting >= self.max_waiting:
                return False
            self.waiting += 1
            deadline = time.monotonic() + self.max_wait
            try:
                while self.in_flight >= self.max_in_flight:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    try:
                        await asyncio.wait_for(self._freed.wait(), left)
                    except TimeoutError:
                        return False
                self.in_flight += 1
                return True
            finally:
                self.waiting -= 1

    async def _leave(self) -> None:
        assert self._freed is not None
        async with self._freed:
            self.in_flight -= 1
            self._freed.notify()

    def _retry_after(self) -> int:
        # Longer the deeper the queue: a full queue is about one second per place's worth.
        return max(1, math.ceil(self.max_wait * (1 + self.waiting / max(self.max_in_flight, 1))))

    async def _busy(self, send: Send) -> None:
        body = error_body("server_busy", "The server is busy. Try again in a few seconds.")
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(self._retry_after()).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
