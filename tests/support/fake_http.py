"""The part every fake of a payment provider's HTTP API shares: a threaded server on
127.0.0.1 (with a backlog that takes a storm of connections at once), each request recorded
and answered with JSON by the fake's `answer`."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class FakeHttpApi:
    """Mixed into a fake: it sets `url` on start; subclasses make their request records and
    answer them."""

    url: str

    def record(
        self, method: str, path: str, headers: dict[str, str], query: dict[str, str], raw: bytes
    ) -> Any:
        raise NotImplementedError

    def answer(self, request: Any) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                query = dict(parse_qsl(split.query))
                request = fake.record(method, split.path, dict(self.headers), query, raw)
                status, body = fake.answer(request)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_" + secrets.token_hex(6))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            # A storm of calls at once: the default backlog of 5 drops connections, and the
            # TCP retry a second later would be measured as the server's.
            request_queue_size = 128

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
