"""Paystack (DESIGN.md section 11.5) behind the one provider interface, over its REST API with
httpx (Paystack keeps no maintained Python library; its API is three calls we need).

- A checkout is a transaction *initialized* with our reference (the "session id"); the student
  pays on Paystack's `authorization_url`.
- Before anything is fulfilled the transaction is *verified* by reference (GET
  /transaction/verify): the webhook's payload is never trusted for the amount or the state.
- Paystack has no way to cancel an initialized transaction: cancelling is ours alone (a payment
  made after it still wins, as for Stripe).
- A refund names the order item in its `merchant_note` (Paystack refunds carry no metadata);
  Paystack has no idempotency keys, so the key goes in the note too and a retry finds the
  refund made before instead of refunding twice.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from lmsdesk.contracts.enums import PaymentProvider as ProviderName
from lmsdesk_server.payments.provider import (
    CheckoutRequest,
    CreatedSession,
    ProviderUnavailable,
    RefundRefused,
    RefundResult,
    SessionSnapshot,
    SubscriptionRequest,
    UnknownSession,
)

_log = logging.getLogger(__name__)
NOTE_PREFIX = "lmsdesk"
#: A refund's note for the whole order (no single item).
WHOLE_ORDER = "*"


def refund_note(idempotency_key: str, item: str | None) -> str:
    return f"{NOTE_PREFIX}:{idempotency_key}:{item or WHOLE_ORDER}"


def item_of_note(note: object) -> str | None:
    """The order item a refund's note names (WHOLE_ORDER for all), or None when the refund was
    not made by us (the Paystack dashboard)."""
    if not isinstance(note, str) or not note.startswith(f"{NOTE_PREFIX}:"):
        return None
    return note.rsplit(":", 1)[-1]


class PaystackProvider:
    name = ProviderName.PAYSTACK

    def __init__(
        self, secret_key: str, *, api_base: str = "https://api.paystack.co", timeout: float = 20
    ) -> None:
        self.livemode = secret_key.startswith("sk_live_")
        self.secret_key = secret_key  # also the webhook's HMAC key (Paystack signs with it)
        self._http = httpx.Client(
            base_url=api_base.rstrip("/"),
            headers={"Authorization": f"Bearer {secret_key}"},
            timeout=timeout,
        )

    def create_session(self, request: CheckoutRequest) -> CreatedSession:
        reference = f"lmsdesk-{request.order_id}"
        body = {
            "email": request.student_email,
            "amount": request.amount_cents,  # the currency's subunit, as Paystack counts
            "currency": request.currency,
            "reference": reference,
            "callback_url": request.success_url,
            "metadata": {
                "order_id": str(request.order_id),
                "student_id": str(request.student_id),
                "course_id": str(request.course_id),
                "cancel_action": request.cancel_url,
            },
        }
        data = self._call("POST", "/transaction/initialize", json=body, doing="start the checkout")
        url = data.get("authorization_url")
        if not isinstance(url, str) or not url:
            raise ProviderUnavailable("Paystack returned a transaction without a payment page.")
        return CreatedSession(session_id=reference, url=url)

    def retrieve_session(self, session_id: str) -> SessionSnapshot:
        try:
            data = self._call(
                "GET", f"/transaction/verify/{session_id}", doing="verify the payment"
            )
        except _NotFound as exc:
            raise UnknownSession(f"Paystack has no transaction {session_id}.") from exc
        return snapshot_of(data)

    def expire_session(self, session_id: str) -> SessionSnapshot:
        # Nothing to expire at Paystack: the state it reports is the answer.
        return self.retrieve_session(session_id)

    def create_subscription_session(self, request: SubscriptionRequest) -> CreatedSession:  # noqa: ARG002
        raise ProviderUnavailable("The all-access plan is sold through Stripe Billing.")

    def portal_url(self, customer_id: str, subscription_id: str, return_url: str) -> str:  # noqa: ARG002
        raise ProviderUnavailable("The all-access plan is sold through Stripe Billing.")

    def refund(
        self,
        payment_intent: str,
        amount_cents: int | None,
        *,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> RefundResult:
        note = refund_note(idempotency_key, (metadata or {}).get("order_item_id"))
        try:
            listed = self._call_list("/refund", params={"transaction": payment_intent})
        except _NotFound:
            listed = []
        before = next((r for r in listed if r.get("merchant_note") == note), None)
        if before is not None:  # a retry: the refund made the first time
            return _refund_result(before)
        body: dict[str, Any] = {"transaction": payment_intent, "merchant_note": note}
        if amount_cents is not None:
            body["amount"] = amount_cents
        try:
            data = self._call("POST", "/refund", json=body, doing="refund")
        except _Refused as exc:
            raise RefundRefused(str(exc)) from exc
        return _refund_result(data)

    # ------------------------------------------------------------ HTTP

    def _call(self, method: str, path: str, *, doing: str, json: Any = None) -> dict[str, Any]:
        body = self._send(method, path, doing=doing, json=json)
        data = body.get("data")
        if not isinstance(data, dict):
            raise ProviderUnavailable(f"Paystack answered without data when asked to {doing}.")
        return data

    def _call_list(self, path: str, *, params: dict[str, str]) -> list[dict[str, Any]]:
        body = self._send("GET", path, doing="list refunds", params=params)
        data = body.get("data")
        return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []

    def _send(
        self,
        method: str,
        path: str,
        *,
        doing: str,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, json=json, params=params)
        except httpx.HTTPError as exc:
            _log.warning("Paystack could not be reached to %s: %s", doing, exc)
            raise ProviderUnavailable(f"Paystack could not be reached to {doing}.") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        message = str(body.get("message") or f"HTTP {response.status_code}")
        if response.status_code == 404:
            raise _NotFound(message)
        if 400 <= response.status_code < 500:
            raise _Refused(message)
        if response.status_code >= 500 or body.get("status") is not True:
            raise ProviderUnavailable(f"Paystack could not {doing}: {message}")
        return body if isinstance(body, dict) else {}


def snapshot_of(data: dict[str, Any]) -> SessionSnapshot:
    """A verified Paystack transaction as the one shape fulfilment reads."""
    status = str(data.get("status") or "")
    found = data.get("metadata")
    metadata: dict[str, Any] = found if isinstance(found, dict) else {}
    currency = data.get("currency")
    reference = str(data.get("reference") or "")
    paid = status == "success"
    return SessionSnapshot(
        session_id=reference,
        status="complete" if paid else ("expired" if status == "abandoned" else "open"),
        payment_status="paid" if paid else "unpaid",
        amount_total=data.get("amount") if isinstance(data.get("amount"), int) else None,
        currency=currency.upper() if isinstance(currency, str) else None,
        # The transaction's reference is the payment every refund and event names.
        payment_intent=reference or None,
        client_reference_id=str(metadata.get("student_id") or "") or None,
        metadata={str(k): str(v) for k, v in metadata.items()},
        livemode=data.get("domain") == "live",
    )


def _refund_result(data: dict[str, Any]) -> RefundResult:
    return RefundResult(
        refund_id=str(data.get("id") or ""),
        amount_cents=int(data.get("amount") or 0),
        status=str(data.get("status") or "pending"),
    )


class _NotFound(Exception):
    pass


class _Refused(Exception):
    pass
