"""An httpx transport that sometimes loses the answer after the server has acted on the request:
the fault that makes a client send the same mutations again."""

from __future__ import annotations

import random

import httpx


class LosingTransport(httpx.HTTPTransport):
    def __init__(self, seed: int, loss: float = 0.0) -> None:
        super().__init__()
        self.rng = random.Random(seed)
        self.loss = loss
        self.offline = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.offline:
            raise httpx.ConnectError("network unreachable", request=request)
        response = super().handle_request(request)
        if self.rng.random() < self.loss:
            response.read()
            response.close()
            raise httpx.ReadError("connection reset before the answer arrived", request=request)
        return response
