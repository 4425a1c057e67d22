"""The one interface both payment providers implement (DESIGN.md section 6)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from lmsdesk.contracts.enums import PaymentProvider as ProviderName

# Stripe keeps a session open for 24 h by default; a desktop purchase is done in minutes.
CHECKOUT_MINUTES = 30


class ProviderUnavailable(Exception):
    """The provider could not be reached or refused the request; the caller answers 502/503."""


class UnknownSession(Exception):
    """The provider answered that it has no such checkout session: asking again cannot help, so
    a webhook naming it is acknowledged and ignored, never answered with a retry."""


class RefundRefused(Exception):
    """The provider said no to a refund (more than is left to refund, no such payment): asking
    again cannot help, unlike ProviderUnavailable."""


@dataclass(frozen=True, slots=True)
class RefundResult:
    refund_id: str
    amount_cents: int
    status: str  # succeeded, pending (Stripe's words)


@dataclass(frozen=True, slots=True)
class CheckoutLine:
    """One course of the order, at what it is charged (its coupon share already taken off)."""

    title: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    order_id: uuid.UUID
    student_id: uuid.UUID
    student_email: str
    #: The first course, and words for them all ("SQL and 2 more").
    course_id: uuid.UUID
    course_title: str
    course_version: int
    amount_cents: int
    currency: str
    success_url: str
    cancel_url: str
    expires_at: datetime
    lines: tuple[CheckoutLine, ...] = ()


@dataclass(frozen=True, slots=True)
class SubscriptionRequest:
    """A checkout of the all-access plan (Stripe Checkout in `subscription` mode)."""

    subscription_id: uuid.UUID
    student_id: uuid.UUID
    student_email: str
    plan: str
    amount_cents: int
    currency: str
    interval: str  # month, year
    success_url: str
    cancel_url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CreatedSession:
    session_id: str
    url: str


@dataclass(frozen=True, slots=True)
class SessionSnapshot:
    """What the provider says about a checkout session now (re-read on fulfilment: the webhook
    payload is never trusted for the amount or the payment state)."""

    session_id: str
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    amount_total: int | None
    currency: str | None  # upper case, as orders store it
    payment_intent: str | None
    client_reference_id: str | None
    metadata: dict[str, str]
    livemode: bool

    @property
    def paid(self) -> bool:
        return self.payment_status in ("paid", "no_payment_required")

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> SessionSnapshot:
        payment_intent = obj.get("payment_intent")
        if isinstance(payment_intent, dict):  # expanded
            payment_intent = payment_intent.get("id")
        currency = obj.get("currency")
        return cls(
            session_id=str(obj["id"]),
            status=str(obj.get("status") or ""),
            payment_status=str(obj.get("payment_status") or ""),
            amount_total=obj.get("amount_total"),
            currency=currency.upper() if isinstance(currency, str) else None,
            payment_intent=payment_intent,
            client_reference_id=obj.get("client_reference_id"),
            metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
            livemode=bool(obj.get("livemode")),
        )


class PaymentProvider(Protocol):
    name: ProviderName
    # Events are accepted only when their `livemode` equals this.
    livemode: bool

    def create_session(self, request: CheckoutRequest) -> CreatedSession: ...

    def retrieve_session(self, session_id: str) -> SessionSnapshot:
        """Raises UnknownSession when the provider has none by that id, ProviderUnavailable when
        it cannot be asked."""
        ...

    def expire_session(self, session_id: str) -> SessionSnapshot:
        """Close an open session so it can no longer be paid. Returns the session's state after
        the attempt: `complete` means the payment won the race and the order must be fulfilled."""
        ...

    def create_subscription_session(self, request: SubscriptionRequest) -> CreatedSession:
        """Its metadata (and the subscription's) carries `lmsdesk_subscription_id`. Raises
        ProviderUnavailable, also when the provider sells no subscriptions."""
        ...

    def portal_url(self, customer_id: str, subscription_id: str, return_url: str) -> str:
        """The customer portal, where the student changes or cancels the plan."""
        ...

    def refund(
        self,
        payment_intent: str,
        amount_cents: int | None,
        *,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> RefundResult:
        """Refund a payment (all that is left when `amount_cents` is None). `metadata` travels
        on the refund (its `refund.*` events name the order item). The same key again
        refunds nothing more and answers the first refund. Access changes when the provider's
        charge.refunded event arrives, never here. Raises RefundRefused or ProviderUnavailable."""
        ...
