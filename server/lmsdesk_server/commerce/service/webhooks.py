"""POST /webhooks/stripe: verify, record, apply (DESIGN.md section 6).

Order of work: the signature is checked on the raw bytes; the event's livemode is checked; a
paid session is re-read from the provider (outside any transaction: it is a network call); then
one transaction records the event in the ledger and applies its effect, so a duplicate finds
the ledger row and changes nothing, and a failure leaves neither. Every request, valid or not,
leaves a row in webhook_deliveries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import stripe
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts.common import has_nul
from lmsdesk.contracts.enums import OrderStatus as O
from lmsdesk.contracts.enums import PaymentProvider as ProviderName
from lmsdesk_server.commerce.repository import CommerceRepository
from lmsdesk_server.commerce.service.fulfilment import Fulfilment, FulfilmentProblem
from lmsdesk_server.commerce.service.states import can_move_order, move_order
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import WebhookDelivery
from lmsdesk_server.db.models.commerce import DeliveryOutcome
from lmsdesk_server.payments import stripe_events as ev
from lmsdesk_server.payments.provider import (
    PaymentProvider,
    ProviderUnavailable,
    SessionSnapshot,
    UnknownSession,
)
from lmsdesk_server.storefront.service import subscriptions

_log = logging.getLogger(__name__)

# Stripe's own default; the library refuses older timestamps (replays).
SIGNATURE_TOLERANCE_SECONDS = 300
MAX_BODY_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    status_code: int
    outcome: DeliveryOutcome
    detail: str


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    id: str
    type: str
    created: int
    livemode: bool
    obj: dict[str, Any]
    payload: dict[str, Any]

    @property
    def payment_intent(self) -> str | None:
        if self.type in ev.CHARGE_EVENTS or self.type in ev.SESSION_EVENTS:
            value = self.obj.get("payment_intent")
            return value if isinstance(value, str) else None
        return None


class PaymentWebhooks:
    def __init__(
        self, session_factory: sessionmaker[Session], provider: PaymentProvider, secret: str
    ) -> None:
        self._sessions = session_factory
        self._provider = provider
        self._secret = secret

    def receive(self, body: bytes, signature: str | None) -> WebhookAnswer:
        audit = _Audit(body, self._provider.name)
        event, refusal = self._verify(body, signature)
        if event is None:
            return self._answer(audit, 400, DeliveryOutcome.REJECTED, refusal, valid=False)
        audit.event = event
        if event.livemode != self._provider.livemode:
            mode = "live" if event.livemode else "test"
            return self._answer(
                audit, 400, DeliveryOutcome.REJECTED, f"A {mode}-mode event reached this server."
            )
        if event.type not in ev.HANDLED_EVENTS:
            return self._answer(audit, 200, DeliveryOutcome.IGNORED, "Event type not handled.")
        snapshot = None
        if event.type in (ev.SESSION_COMPLETED, ev.SESSION_ASYNC_SUCCEEDED):
            session_id = event.obj.get("id")
            if not isinstance(session_id, str) or not session_id:
                return self._answer(
                    audit, 400, DeliveryOutcome.REJECTED, "The event names no checkout session."
                )
            try:
                snapshot = self._provider.retrieve_session(session_id)
            except UnknownSession as exc:
                # Asking again cannot help: acknowledged (no retry storm) and kept on record.
                return self._answer(audit, 200, DeliveryOutcome.IGNORED, str(exc))
            except ProviderUnavailable as exc:
                # 503: Stripe delivers again later, when the session can be read.
                return self._answer(audit, 503, DeliveryOutcome.FAILED, str(exc))
        try:
            with transaction(self._sessions) as db:
                answer = self._apply(db, event, snapshot)
                db.add(audit.row(answer, valid=True))
        except Exception:
            _log.exception(
                "Webhook %s (%s) failed; the provider will deliver it again", event.id, event.type
            )
            return self._answer(audit, 500, DeliveryOutcome.FAILED, "Processing failed.")
        return answer

    # ------------------------------------------------------------ steps

    def _verify(self, body: bytes, signature: str | None) -> tuple[WebhookEvent | None, str]:
        if len(body) > MAX_BODY_BYTES:
            return None, "Body too large."
        if not signature:
            return None, "Missing Stripe-Signature header."
        try:
            stripe.WebhookSignature.verify_header(
                body, signature, self._secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as exc:
            return None, f"Signature verification failed: {exc.user_message or exc}"
        except ValueError:  # not UTF-8
            return None, "Body is not JSON."
        # Signed is not well-formed: the body is checked as strictly as any request before a
        # byte of it reaches the database.
        try:
            envelope = _Envelope.model_validate_json(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return None, f"Body is not a Stripe event ({where}: {first['msg']})."
        payload = json.loads(body)
        return WebhookEvent(
            id=envelope.id,
            type=envelope.type,
            created=envelope.created,
            livemode=envelope.livemode,
            obj=envelope.data.object,
            payload=payload,
        ), ""

    def _apply(
        self, db: Session, event: WebhookEvent, snapshot: SessionSnapshot | None
    ) -> WebhookAnswer:
        repo = CommerceRepository(db)
        payment = snapshot.payment_intent if snapshot is not None else event.payment_intent
        if payment:
            repo.lock_payment(payment)
        ledger = repo.record_event(
            provider=self._provider.name,
            event_id=event.id,
            event_type=event.type,
            event_created=event.created,
            payment_intent_id=event.payment_intent,
            payload=event.payload,
        )
        if ledger is None:
            return WebhookAnswer(200, DeliveryOutcome.DUPLICATE, "Already recorded.")
        try:
            # A savepoint: a refused effect is undone, its ledger row and its reason are kept.
            with db.begin_nested():
                detail = self._effect(db, repo, event, snapshot)
        except FulfilmentProblem as exc:
            _log.warning("Payment event %s not applied: %s", event.id, exc)
            ledger.processing_error = str(exc)
            detail = str(exc)
        ledger.processed_at = datetime.now(UTC)
        return WebhookAnswer(200, DeliveryOutcome.PROCESSED, detail)

    def _effect(
        self,
        db: Session,
        repo: CommerceRepository,
        event: WebhookEvent,
        snapshot: SessionSnapshot | None,
    ) -> str:
        fulfilment = Fulfilment(db)
        if event.type in ev.SUBSCRIPTION_EVENTS:
            return subscriptions.apply_event(db, event.type, event.obj, event.created)
        if snapshot is not None:
            if subscriptions.KEY in snapshot.metadata:
                # A subscription's checkout: its own events (created, invoice paid) grant.
                return "Subscription checkout complete."
            return fulfilment.fulfil(snapshot)
        if event.type in (ev.SESSION_ASYNC_FAILED, ev.SESSION_EXPIRED):
            target = O.FAILED if event.type == ev.SESSION_ASYNC_FAILED else O.EXPIRED
            order = _order_named_by(repo, event.obj)
            if order is None or order.provider_session_id != event.obj.get("id"):
                raise FulfilmentProblem("The session does not match an order.")
            if not can_move_order(order.status, target):
                return f"Order already {order.status}; left as it is."
            move_order(order, target)
            return f"Order {target}."
        # A refund or dispute: applied now if its order is known, else when the order is
        # fulfilled (Fulfilment.settle reads the ledger row written above).
        payment_intent = event.payment_intent
        order = repo.order_by_payment_intent(payment_intent, lock=True) if payment_intent else None
        if order is None:
            return "Recorded; no fulfilled order for this payment yet."
        db.flush()
        fulfilment.settle(order)
        return f"Order {order.status}."

    # ------------------------------------------------------------ audit

    def _answer(
        self,
        audit: _Audit,
        status_code: int,
        outcome: DeliveryOutcome,
        detail: str,
        *,
        valid: bool = True,
    ) -> WebhookAnswer:
        answer = WebhookAnswer(status_code, outcome, detail)
        if outcome is DeliveryOutcome.REJECTED:
            _log.warning("Webhook refused: %s", detail)
        with transaction(self._sessions) as db:
            db.add(audit.row(answer, valid=valid))
        return answer


class _Data(BaseModel):
    model_config = ConfigDict(strict=True)
    object: dict[str, Any]


class _Envelope(BaseModel):
    """The fields of a Stripe event the server relies on, with the bounds the ledger can hold."""

    model_config = ConfigDict(strict=True)
    id: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\x00]+$")]
    type: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\x00]+$")]
    created: Annotated[int, Field(ge=0, le=2**53)]
    livemode: bool
    data: _Data

    @field_validator("data")
    @classmethod
    def _storable(cls, value: _Data) -> _Data:
        if has_nul(value.object):
            raise ValueError("text must not contain NUL characters")
        return value


def _order_named_by(repo: CommerceRepository, obj: dict[str, Any]) -> Any:
    metadata = obj.get("metadata") or {}
    try:
        order_id = uuid.UUID(str(metadata.get("order_id", "")))
    except ValueError:
        return None
    return repo.order(order_id, lock=True)


class _Audit:
    def __init__(self, body: bytes, provider: ProviderName) -> None:
        self.provider = provider
        self.size = len(body)
        self.sha256 = hashlib.sha256(body).hexdigest()
        self.event: WebhookEvent | None = None

    def row(self, answer: WebhookAnswer, *, valid: bool) -> WebhookDelivery:
        return WebhookDelivery(
            provider=self.provider,
            signature_valid=valid,
            event_id=self.event.id if self.event else None,
            event_type=self.event.type if self.event else None,
            outcome=answer.outcome,
            detail=answer.detail[:2000],
            body_size=self.size,
            body_sha256=self.sha256,
        )
