"""POST /webhooks/paystack (DESIGN.md section 11.5): Paystack's events through the one webhook
path. The signature is Paystack's (`x-paystack-signature`: HMAC-SHA512 of the raw body under
the secret key); each event is translated into the shape the ledger and fulfilment read, so
every rule of section 6 (ledger, duplicates, any order, verify before fulfilling) holds as for
Stripe.

Paystack events carry no event id: the ledger's key is the event name and its object's id
(a transaction is successful once; a refund is processed once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lmsdesk.contracts.common import has_nul
from lmsdesk_server.commerce.service.webhooks import MAX_BODY_BYTES, PaymentWebhooks, WebhookEvent
from lmsdesk_server.payments import stripe_events as ev
from lmsdesk_server.payments.paystack_provider import WHOLE_ORDER, item_of_note

CHARGE_SUCCESS = "charge.success"
_REFUNDS = {
    "refund.pending": (ev.REFUND_CREATED, "pending"),
    "refund.processing": (ev.REFUND_UPDATED, "pending"),
    "refund.processed": (ev.REFUND_UPDATED, "succeeded"),
    "refund.failed": (ev.REFUND_FAILED, "failed"),
}


def signature_of(body: bytes, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), body, hashlib.sha512).hexdigest()


class PaystackWebhooks(PaymentWebhooks):
    def _verify(self, body: bytes, signature: str | None) -> tuple[WebhookEvent | None, str]:
        if len(body) > MAX_BODY_BYTES:
            return None, "Body too large."
        if not signature:
            return None, "Missing x-paystack-signature header."
        if not hmac.compare_digest(signature_of(body, self._secret), signature.strip().lower()):
            return None, "Signature verification failed."
        try:
            envelope = _Envelope.model_validate_json(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return None, f"Body is not a Paystack event ({where}: {first['msg']})."
        if has_nul(envelope.data):
            return None, "Body is not a Paystack event (text with NUL characters)."
        return _translate(envelope.event, envelope.data, json.loads(body)), ""


class _Envelope(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    event: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9_.]+$")]
    data: dict[str, Any]


def _translate(event: str, data: dict[str, Any], original: dict[str, Any]) -> WebhookEvent:
    object_id = str(data.get("id") or data.get("reference") or "")[:120]
    livemode = data.get("domain") == "live"
    kind, obj = f"paystack.{event}", dict(data)
    if event == CHARGE_SUCCESS:
        reference = str(data.get("reference") or "")
        # The "session" is the transaction, named by our reference; it is verified by it.
        kind, obj = ev.SESSION_COMPLETED, {"id": reference, "payment_intent": reference}
    elif event in _REFUNDS:
        kind, status = _REFUNDS[event]
        reference = str(data.get("transaction_reference") or "")
        item = item_of_note(data.get("merchant_note"))
        if item == WHOLE_ORDER and status == "succeeded":
            # Our refund of the whole order: as Stripe's charge.refunded in full.
            kind = ev.CHARGE_REFUNDED
            obj = {"id": object_id, "refunded": True, "payment_intent": reference}
        else:
            obj = {
                "id": f"paystack-refund-{object_id}",
                "status": status,
                "amount": data.get("amount"),
                "payment_intent": reference,
                # A refund made in Paystack's dashboard names no item: it keeps access, as a
                # partial Stripe refund does.
                "metadata": {"order_item_id": item} if item and item != WHOLE_ORDER else {},
            }
    event_id = f"{event}:{object_id}"
    payload = {"id": event_id, "type": kind, "data": {"object": obj}, "paystack": original}
    return WebhookEvent(
        id=event_id,
        type=kind,
        created=_seconds(data.get("paid_at") or data.get("updated_at") or data.get("createdAt")),
        livemode=livemode,
        obj=obj,
        payload=payload,
    )


def _seconds(value: object) -> int:
    if not isinstance(value, str):
        return 0
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0
