"""Stripe-shaped events and Stripe's webhook signature, for the test provider (and the tests).

The shapes follow Stripe's API objects (an `event` whose `data.object` is a `checkout.session`,
a `charge` or a `dispute`), so the one webhook path handles the test provider exactly as it
handles Stripe. The signature is Stripe's scheme: header `t=<unix>,v1=<hex>` where the hex is
HMAC-SHA256 of "<t>.<raw body>" under the endpoint secret; verification is left to the stripe
library itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

API_VERSION = "2025-10-29.clover"

SESSION_COMPLETED = "checkout.session.completed"
SESSION_ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded"
SESSION_ASYNC_FAILED = "checkout.session.async_payment_failed"
SESSION_EXPIRED = "checkout.session.expired"
CHARGE_REFUNDED = "charge.refunded"
DISPUTE_CREATED = "charge.dispute.created"
DISPUTE_CLOSED = "charge.dispute.closed"
# A refund's own events (sent for every refund since API version 2024-10-28): they carry the
# refund's metadata, which names the order item a partial refund is for.
REFUND_CREATED = "refund.created"
REFUND_UPDATED = "refund.updated"
REFUND_FAILED = "refund.failed"

SUBSCRIPTION_CREATED = "customer.subscription.created"
SUBSCRIPTION_UPDATED = "customer.subscription.updated"
SUBSCRIPTION_DELETED = "customer.subscription.deleted"
INVOICE_PAID = "invoice.paid"
INVOICE_FAILED = "invoice.payment_failed"
SUBSCRIPTION_EVENTS = frozenset(
    {SUBSCRIPTION_CREATED, SUBSCRIPTION_UPDATED, SUBSCRIPTION_DELETED, INVOICE_PAID, INVOICE_FAILED}
)

SESSION_EVENTS = frozenset(
    {SESSION_COMPLETED, SESSION_ASYNC_SUCCEEDED, SESSION_ASYNC_FAILED, SESSION_EXPIRED}
)
REFUND_EVENTS = frozenset({REFUND_CREATED, REFUND_UPDATED, REFUND_FAILED})
CHARGE_EVENTS = frozenset({CHARGE_REFUNDED, DISPUTE_CREATED, DISPUTE_CLOSED}) | REFUND_EVENTS
HANDLED_EVENTS = SESSION_EVENTS | CHARGE_EVENTS | SUBSCRIPTION_EVENTS


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def event(
    event_type: str, obj: dict[str, Any], *, livemode: bool = False, created: int | None = None
) -> dict[str, Any]:
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()) if created is None else created,
        "data": {"object": obj},
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def checkout_session(
    *,
    session_id: str,
    amount_total: int,
    currency: str,
    status: str,
    payment_status: str,
    payment_intent: str | None,
    client_reference_id: str,
    metadata: dict[str, str],
    expires_at: int,
    livemode: bool = False,
) -> dict[str, Any]:
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "client_reference_id": client_reference_id,
        "currency": currency.lower(),
        "expires_at": expires_at,
        "livemode": livemode,
        "metadata": metadata,
        "mode": "payment",
        "payment_intent": payment_intent,
        "payment_status": payment_status,
        "status": status,
    }


def charge(
    *,
    payment_intent: str,
    amount: int,
    currency: str,
    amount_refunded: int = 0,
    livemode: bool = False,
) -> dict[str, Any]:
    return {
        "id": new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "currency": currency.lower(),
        "livemode": livemode,
        "paid": True,
        "payment_intent": payment_intent,
        # Stripe sets `refunded` only when the whole amount has been refunded.
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
    }


def refund(
    *,
    refund_id: str,
    payment_intent: str,
    amount: int,
    currency: str,
    status: str = "succeeded",
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "charge": new_id("ch"),
        "created": int(time.time()),
        "currency": currency.lower(),
        "metadata": metadata or {},
        "payment_intent": payment_intent,
        "reason": "requested_by_customer",
        "status": status,
    }


def dispute(
    *,
    payment_intent: str,
    amount: int,
    currency: str,
    status: str,
    dispute_id: str | None = None,
    livemode: bool = False,
) -> dict[str, Any]:
    return {
        "id": dispute_id or new_id("dp"),
        "object": "dispute",
        "amount": amount,
        "charge": new_id("ch"),
        "currency": currency.lower(),
        "livemode": livemode,
        "payment_intent": payment_intent,
        "reason": "fraudulent",
        "status": status,
    }


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def signature_header(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header Stripe would send with this body."""
    t = int(time.time()) if timestamp is None else timestamp
    signed = f"{t}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def subscription(
    *,
    subscription_id: str,
    customer: str,
    status: str,
    period_end: int,
    metadata: dict[str, str],
    cancel_at_period_end: bool = False,
    livemode: bool = False,
) -> dict[str, Any]:
    """A Stripe subscription (API 2025: the period lives on its items)."""
    return {
        "id": subscription_id,
        "object": "subscription",
        "cancel_at_period_end": cancel_at_period_end,
        "customer": customer,
        "items": {"object": "list", "data": [{"current_period_end": period_end}]},
        "livemode": livemode,
        "metadata": metadata,
        "status": status,
    }


def invoice(
    *,
    subscription_id: str,
    customer: str,
    amount: int,
    currency: str,
    period_end: int,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "id": new_id("in"),
        "object": "invoice",
        "amount_paid": amount,
        "currency": currency.lower(),
        "customer": customer,
        "lines": {"object": "list", "data": [{"period": {"end": period_end}}]},
        "parent": {
            "subscription_details": {"subscription": subscription_id, "metadata": metadata or {}}
        },
        "period_end": period_end,
    }
