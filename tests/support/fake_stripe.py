"""A small fake of Stripe's HTTP API on 127.0.0.1, for the stripe provider's tests: the real
`stripe` library talks to it. It answers the three Checkout Session calls we make, in Stripe's
shapes, and records every request so tests can assert exactly what the library sent."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tests.support.fake_http import FakeHttpApi


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class FakeStripe(FakeHttpApi):
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def record(
        self, method: str, path: str, headers: dict[str, str], query: dict[str, str], raw: bytes
    ) -> Request:
        del query  # Stripe's calls here carry everything in the form body
        form = dict(parse_qsl(raw.decode(), keep_blank_values=True))
        request = Request(method, path, headers, form)
        self.requests.append(request)
        return request

    def answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        parts = request.path.strip("/").split("/")  # v1 checkout sessions [id] [expire]
        if parts[:3] != ["v1", "checkout", "sessions"]:
            return 404, _error("invalid_request_error", "Unrecognized request URL.")
        if request.method == "POST" and len(parts) == 3:
            return 200, self._create(request.form)
        session = self.sessions.get(parts[3]) if len(parts) > 3 else None
        if session is None:
            return 404, _error("invalid_request_error", "No such checkout.session")
        if request.method == "GET" and len(parts) == 4:
            return 200, session
        if request.method == "POST" and parts[4:] == ["expire"]:
            if session["status"] != "open":
                return 400, _error("invalid_request_error", "Only open sessions can be expired.")
            session["status"] = "expired"
            return 200, session
        return 404, _error("invalid_request_error", "Unrecognized request URL.")

    def _create(self, form: dict[str, str]) -> dict[str, Any]:
        session_id = "cs_test_" + secrets.token_hex(12)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "expires_at": int(form["expires_at"]),
            "livemode": False,
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "mode": form["mode"],
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return session

    def pay(self, session_id: str) -> dict[str, Any]:
        """What happens at Stripe when the customer pays."""
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid",
            payment_intent="pi_test_" + secrets.token_hex(8),
        )
        return dict(session)


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}
