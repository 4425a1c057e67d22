"""A round-robin HTTP reverse proxy on 127.0.0.1 for the scale-out tests: each *request* goes to
the next server in turn (not each connection, so a client's keep-alive connection cannot pin it
to one server), with X-Forwarded-For as a real load balancer sends it."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tests.support.live_server import free_port

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host"}


class RoundRobinProxy:
    def __init__(self) -> None:
        self.backends: list[str] = []
        self._next = itertools.count()
        self._lock = threading.Lock()
        #: Requests each backend served, by path prefix: tests check the spread.
        self.served: Counter[tuple[int, str]] = Counter()
        self._client = httpx.AsyncClient(timeout=60)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self._app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            interface="asgi3",
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self, backends: list[str]) -> None:
        self.backends = backends
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("the proxy did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def pick(self, path: str) -> str:
        with self._lock:
            index = next(self._next) % len(self.backends)
            self.served[(index, path)] += 1
        return self.backends[index]

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            # The connections to the servers close on the proxy's own loop when it stops.
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self._client.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        backend = self.pick(request.url.path)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        client = request.client.host if request.client else "unknown"
        headers["x-forwarded-for"] = headers.get("x-forwarded-for", client)
        upstream = self._client.build_request(
            request.method,
            backend + request.url.path,
            params=request.url.query,
            headers=headers,
            content=await request.body(),
        )
        answer = await self._client.send(upstream, stream=True)
        kept = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in _HOP_BY_HOP]
        response: Response = StreamingResponse(
            answer.aiter_raw(), status_code=answer.status_code, background=None
        )
        response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kept]
        try:
            await response(scope, receive, send)
        finally:
            await answer.aclose()
