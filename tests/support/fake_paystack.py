"""A stand-in for Paystack on 127.0.0.1, shaped as Paystack's API and webhooks are: initialize
and verify a transaction, create and list refunds, each answered in Paystack's envelope
(`{"status": true, "message": ..., "data": ...}`); every request is recorded. Its webhook
events are signed as Paystack signs them (`x-paystack-signature`: HMAC-SHA512 of the raw body
under the secret key)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support.fake_http import FakeHttpApi

SECRET_KEY = "sk_test_" + "0" * 40


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    query: dict[str, str]


@dataclass
class FakePaystack(FakeHttpApi):
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(4099260516))

    def record(
        self, method: str, path: str, headers: dict[str, str], query: dict[str, str], raw: bytes
    ) -> Request:
        request = Request(method, path, headers, json.loads(raw) if raw else {}, query)
        self.requests.append(request)
        return request

    # ------------------------------------------------------------------ the API

    def answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return 401, {"status": False, "message": "Invalid key"}
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and parts == ["transaction", "initialize"]:
            return self._initialize(request.body)
        if request.method == "GET" and parts[:2] == ["transaction", "verify"] and len(parts) == 3:
            found = self.transactions.get(parts[2])
            if found is None:
                return 404, {"status": False, "message": "Transaction reference not found"}
            return 200, {"status": True, "message": "Verification successful", "data": found}
        if parts == ["refund"] and request.method == "POST":
            return self._refund(request.body)
        if parts == ["refund"] and request.method == "GET":
            reference = request.query.get("transaction")
            listed = [r for r in self.refunds if r["transaction_reference"] == reference]
            return 200, {"status": True, "message": "Refunds retrieved", "data": listed}
        return 404, {"status": False, "message": "Route not found"}

    def _initialize(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        reference = str(body.get("reference") or "T" + secrets.token_hex(6))
        if reference in self.transactions:
            return 400, {"status": False, "message": "Duplicate Transaction Reference"}
        code = secrets.token_hex(7)
        self.transactions[reference] = {
            "id": next(self._ids),
            "domain": "test",
            "status": "abandoned",  # Paystack's word for "not paid (yet)"
            "reference": reference,
            "amount": int(body["amount"]),
            "currency": str(body.get("currency") or "NGN"),
            "paid_at": None,
            "created_at": _now(),
            "metadata": body.get("metadata") or {},
            "customer": {"email": body.get("email")},
            "gateway_response": "The transaction was not completed",
        }
        return 200, {
            "status": True,
            "message": "Authorization URL created",
            "data": {
                "authorization_url": f"https://checkout.paystack.com/{code}",
                "access_code": code,
                "reference": reference,
            },
        }

    def _refund(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        transaction = self.transactions.get(str(body.get("transaction")))
        if transaction is None or transaction["status"] != "success":
            return 404, {"status": False, "message": "Transaction not found"}
        reference = transaction["reference"]
        done = sum(
            r["amount"]
            for r in self.refunds
            if r["transaction_reference"] == reference and r["status"] != "failed"
        )
        left = transaction["amount"] - done
        amount = int(body.get("amount") or left)
        if amount <= 0 or amount > left:
            return 400, {
                "status": False,
                "message": "Refund amount cannot be greater than transaction amount",
            }
        refund = {
            "id": next(self._ids),
            "integration": 463433,
            "domain": "test",
            "transaction": transaction["id"],
            "transaction_reference": transaction["reference"],
            "amount": amount,
            "currency": transaction["currency"],
            "status": "pending",
            "merchant_note": body.get("merchant_note"),
            "customer_note": body.get("customer_note"),
            "refunded_at": None,
            "createdAt": _now(),
        }
        self.refunds.append(refund)
        return 200, {
            "status": True,
            "message": "Refund has been queued for processing",
            "data": refund,
        }

    # ------------------------------------------------------------------ what happens there

    def pay(self, reference: str, status: str = "success") -> tuple[bytes, str]:
        """The customer pays (or the payment fails): the transaction changes, and the
        charge.success event Paystack would send (signed) is returned."""
        transaction = self.transactions[reference]
        transaction["status"] = status
        transaction["paid_at"] = _now()
        return event("charge.success", transaction)

    def process_refund(self, refund_id: int, status: str = "processed") -> tuple[bytes, str]:
        refund = next(r for r in self.refunds if r["id"] == refund_id)
        refund["status"] = status
        refund["refunded_at"] = _now()
        return event(f"refund.{status}", refund)


def event(name: str, data: dict[str, Any], *, key: str = SECRET_KEY) -> tuple[bytes, str]:
    body = json.dumps({"event": name, "data": data}, separators=(",", ":")).encode()
    return body, hmac.new(key.encode(), body, hashlib.sha512).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
