"""The built-in test provider (DESIGN.md section 6): the default when no Stripe key is set.

It keeps its checkout sessions in its own table, serves a checkout page on our server, and when
the student pays or cancels it posts a Stripe-shaped event, signed exactly as Stripe signs, to our
own webhook endpoint, so the one webhook path is exercised in demos and tests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts import API_PREFIX
from lmsdesk.contracts.enums import PaymentProvider as ProviderName
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import OrderItem, TestCheckoutSession
from lmsdesk_server.payments import stripe_events
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
#: The metadata key a subscription's checkout and events name our subscription by.
SUBSCRIPTION_KEY = "lmsdesk_subscription_id"

# (raw body, Stripe-Signature header) -> None; raises when the webhook did not answer 2xx.
Deliver = Callable[[bytes, str], None]


def http_deliverer(webhook_url: str, *, attempts: int = 3) -> Deliver:
    """Post to our own webhook as Stripe would, retrying a failed delivery as Stripe does."""

    def deliver(body: bytes, signature: str) -> None:
        headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
        for attempt in range(attempts):
            try:
                response = httpx.post(webhook_url, content=body, headers=headers, timeout=30)
            except httpx.HTTPError as exc:
                _log.warning("Test webhook delivery failed: %s", exc)
            else:
                if response.is_success:
                    return
                _log.warning("Test webhook delivery answered HTTP %s", response.status_code)
            time.sleep(0.5 * 2**attempt)
        raise ProviderUnavailable("The payment confirmation could not be delivered.")

    return deliver


@dataclass(frozen=True, slots=True)
class PageView:
    """What the test checkout page shows."""

    session_id: str
    course_title: str
    amount_cents: int
    currency: str
    status: str
    order_id: str


def _in_a_thread(send: Callable[[], None]) -> None:
    threading.Thread(target=send, name="test-provider-event", daemon=True).start()


class TestProvider:
    __test__ = False  # not a pytest test class, despite the name
    name = ProviderName.TEST
    livemode = False

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        public_url: str,
        webhook_secret: str,
        deliver: Deliver | None = None,
        send_later: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self._sessions = session_factory
        # Stripe answers a refund call at once and sends charge.refunded afterwards; sending it
        # inside the call would make our webhook wait on the order row the refunding request
        # holds. Tests send inline (one connection, no waiting).
        self._send_later = send_later or _in_a_thread
        self._public_url = public_url.rstrip("/")
        self._secret = webhook_secret
        self._deliver = deliver or http_deliverer(f"{self._public_url}{API_PREFIX}/webhooks/stripe")

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self._sessions

    # ------------------------------------------------------------ the provider interface

    def create_session(self, request: CheckoutRequest) -> CreatedSession:
        session_id = stripe_events.new_id("cs")
        with transaction(self._sessions) as db:
            db.add(
                TestCheckoutSession(
                    id=session_id,
                    order_id=request.order_id,
                    client_reference_id=str(request.student_id),
                    amount_total=request.amount_cents,
                    currency=request.currency,
                    metadata_={
                        "order_id": str(request.order_id),
                        "student_id": str(request.student_id),
                        "course_id": str(request.course_id),
                        "course_version": str(request.course_version),
                        "course_title": request.course_title,
                    },
                    expires_at=request.expires_at,
                )
            )
        return CreatedSession(
            session_id=session_id, url=f"{self._public_url}/checkout/test/{session_id}"
        )

    def create_subscription_session(self, request: SubscriptionRequest) -> CreatedSession:
        session_id = stripe_events.new_id("cs")
        with transaction(self._sessions) as db:
            db.add(
                TestCheckoutSession(
                    id=session_id,
                    order_id=None,
                    client_reference_id=str(request.student_id),
                    amount_total=request.amount_cents,
                    currency=request.currency,
                    metadata_={
                        SUBSCRIPTION_KEY: str(request.subscription_id),
                        "student_id": str(request.student_id),
                        "plan": request.plan,
                        "interval": request.interval,
                        "course_title": f"LMSDesk all-access ({request.plan})",
                        "mode": "subscription",
                    },
                    expires_at=request.expires_at,
                )
            )
        return CreatedSession(
            session_id=session_id, url=f"{self._public_url}/checkout/test/{session_id}"
        )

    def portal_url(self, customer_id: str, subscription_id: str, return_url: str) -> str:  # noqa: ARG002 - its own page
        return f"{self._public_url}/checkout/test/portal/{subscription_id}"

    def subscription_action(self, subscription_id: str, action: str) -> str:
        """The portal's buttons, as Stripe's customer portal acts: cancel at the period's end
        (or take that back), cancel now, or a renewal whose payment fails. Returns the state
        in words; unknown subscriptions raise UnknownSession."""
        with transaction(self._sessions) as db:
            row = db.scalars(
                select(TestCheckoutSession)
                .where(TestCheckoutSession.metadata_["subscription"].astext == subscription_id)
                .with_for_update()
            ).one_or_none()
            if row is None:
                raise UnknownSession(f"No such test subscription: {subscription_id}")
            meta = dict(row.metadata_)
            if meta.get("status") == "canceled":
                return "canceled"
            events: list[tuple[str, dict[str, Any]]] = []
            if action in ("cancel_at_period_end", "resume"):
                meta["cancel_at_period_end"] = action == "cancel_at_period_end"
                events.append((stripe_events.SUBSCRIPTION_UPDATED, self._subscription(meta)))
            elif action == "cancel_now":
                meta["status"] = "canceled"
                events.append((stripe_events.SUBSCRIPTION_DELETED, self._subscription(meta)))
            elif action == "fail_renewal":
                meta["status"] = "past_due"
                events.append((stripe_events.INVOICE_FAILED, self._invoice(meta, row)))
                events.append((stripe_events.SUBSCRIPTION_UPDATED, self._subscription(meta)))
            else:
                raise ValueError(action)
            row.metadata_ = meta
            state = str(meta.get("status"))
        for event_type, obj in events:
            self._send(event_type, obj)
        return state

    def retrieve_session(self, session_id: str) -> SessionSnapshot:
        with transaction(self._sessions) as db:
            row = db.get(TestCheckoutSession, session_id)
            if row is None:
                raise UnknownSession(f"No such test checkout session: {session_id}")
            return SessionSnapshot.from_stripe(self._stripe_object(row))

    def expire_session(self, session_id: str) -> SessionSnapshot:
        """Cancel (or time out) an open session and tell the webhook, as Stripe does."""
        with transaction(self._sessions) as db:
            row = self._locked(db, session_id)
            changed = row.status == "open"
            if changed:
                row.status = "expired"
            obj = self._stripe_object(row)
        if changed:
            self._send(stripe_events.SESSION_EXPIRED, obj)
        return SessionSnapshot.from_stripe(obj)

    # ------------------------------------------------------------ the checkout page's actions

    def page(self, session_id: str) -> PageView | None:
        with transaction(self._sessions) as db:
            row = db.get(TestCheckoutSession, session_id)
            if row is None:
                return None
            titles = db.scalars(
                select(OrderItem.course_title)
                .where(OrderItem.order_id == row.order_id)
                .order_by(OrderItem.position)
            ).all()
            title = ", ".join(titles) or str(row.metadata_.get("course_title", ""))
            expire = row.status == "open" and row.expires_at <= datetime.now(UTC)
            view = PageView(
                session_id,
                title,
                row.amount_total,
                row.currency,
                row.status,
                str(row.order_id) if row.order_id else "",  # "": a subscription's checkout
            )
        if expire:
            self.expire_session(session_id)
            view = PageView(
                view.session_id,
                view.course_title,
                view.amount_cents,
                view.currency,
                "expired",
                view.order_id,
            )
        return view

    def pay(self, session_id: str) -> str:
        """The student pressed Pay: the session completes and the webhook hears of it. Returns the
        session's status afterwards (paying twice, or after expiry, delivers nothing)."""
        with transaction(self._sessions) as db:
            row = self._locked(db, session_id)
            if row.status != "open":
                return row.status
            if row.expires_at <= datetime.now(UTC):
                row.status = "expired"
                obj, event_type = self._stripe_object(row), stripe_events.SESSION_EXPIRED
            else:
                row.status, row.payment_status = "complete", "paid"
                row.payment_intent = stripe_events.new_id("pi")
                obj, event_type = self._stripe_object(row), stripe_events.SESSION_COMPLETED
            status = row.status
            followers: list[tuple[str, dict[str, Any]]] = []
            if status == "complete" and row.metadata_.get("mode") == "subscription":
                # As Stripe Billing: the subscription is created, and its first invoice paid.
                meta = dict(row.metadata_)
                meta["subscription"] = stripe_events.new_id("sub")
                meta["customer"] = stripe_events.new_id("cus")
                meta["status"] = "active"
                days = 366 if meta.get("interval") == "year" else 31
                meta["period_end"] = int(time.time()) + days * 86400
                row.metadata_ = meta
                followers = [
                    (stripe_events.SUBSCRIPTION_CREATED, self._subscription(meta)),
                    (stripe_events.INVOICE_PAID, self._invoice(meta, row)),
                ]
        self._send(event_type, obj)
        for follower_type, follower in followers:
            self._send(follower_type, follower)
        return status

    @staticmethod
    def _subscription(meta: dict[str, Any]) -> dict[str, Any]:
        return stripe_events.subscription(
            subscription_id=str(meta["subscription"]),
            customer=str(meta["customer"]),
            status=str(meta.get("status", "active")),
            period_end=int(meta["period_end"]),
            metadata={
                SUBSCRIPTION_KEY: str(meta[SUBSCRIPTION_KEY]),
                "student_id": str(meta.get("student_id")),
                "plan": str(meta.get("plan")),
            },
            cancel_at_period_end=bool(meta.get("cancel_at_period_end")),
        )

    @staticmethod
    def _invoice(meta: dict[str, Any], row: TestCheckoutSession) -> dict[str, Any]:
        return stripe_events.invoice(
            subscription_id=str(meta["subscription"]),
            customer=str(meta["customer"]),
            amount=row.amount_total,
            currency=row.currency,
            period_end=int(meta["period_end"]),
            metadata={SUBSCRIPTION_KEY: str(meta[SUBSCRIPTION_KEY])},
        )

    def refund(
        self,
        payment_intent: str,
        amount_cents: int | None,
        *,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> RefundResult:
        """As Stripe refunds: at most what is left, once per key, then refund.created (with the
        refund's metadata) and charge.refunded (whose `refunded` is true only once the whole
        amount is back)."""
        with transaction(self._sessions) as db:
            row = db.scalars(
                select(TestCheckoutSession)
                .where(TestCheckoutSession.payment_intent == payment_intent)
                .with_for_update()
            ).one_or_none()
            if row is None or row.payment_status != "paid":
                raise RefundRefused("The payment provider has no paid charge for this order.")
            done: list[dict[str, Any]] = list(row.refunds or [])
            again = next((r for r in done if r["key"] == idempotency_key), None)
            if again is not None:
                return RefundResult(again["id"], int(again["amount"]), "succeeded")
            left = row.amount_total - sum(int(r["amount"]) for r in done)
            amount = left if amount_cents is None else amount_cents
            if amount <= 0 or amount > left:
                raise RefundRefused(
                    f"Only {left} (in cents) of this payment is left to refund."
                    if left > 0
                    else "This payment is refunded in full already."
                )
            refund_id = stripe_events.new_id("re")
            done.append({"id": refund_id, "key": idempotency_key, "amount": amount})
            row.refunds = done
            charge = stripe_events.charge(
                payment_intent=payment_intent,
                amount=row.amount_total,
                currency=row.currency,
                amount_refunded=row.amount_total - left + amount,
            )
            charge["metadata"] = dict(row.metadata_)
            refund = stripe_events.refund(
                refund_id=refund_id,
                payment_intent=payment_intent,
                amount=amount,
                currency=row.currency,
                metadata=metadata,
            )

        def send() -> None:
            self._send_quietly(stripe_events.REFUND_CREATED, refund)
            self._send_quietly(stripe_events.CHARGE_REFUNDED, charge)

        self._send_later(send)
        return RefundResult(refund_id, amount, "succeeded")

    # ------------------------------------------------------------ helpers

    def _send_quietly(self, event_type: str, obj: dict[str, Any]) -> None:
        try:
            self._send(event_type, obj)
        except ProviderUnavailable:
            # Stripe would redeliver for three days; this stand-in only logs, and the order
            # keeps its access until a refund event arrives.
            _log.warning("A refund event could not be delivered to our webhook")

    def _send(self, event_type: str, obj: dict[str, Any]) -> None:
        body = stripe_events.encode(stripe_events.event(event_type, obj))
        self._deliver(body, stripe_events.signature_header(body, self._secret))

    @staticmethod
    def _locked(db: Session, session_id: str) -> TestCheckoutSession:
        row = db.get(TestCheckoutSession, session_id, with_for_update=True)
        if row is None:
            raise ProviderUnavailable(f"No such test checkout session: {session_id}")
        return row

    @staticmethod
    def _stripe_object(row: TestCheckoutSession) -> dict[str, Any]:
        return stripe_events.checkout_session(
            session_id=row.id,
            amount_total=row.amount_total,
            currency=row.currency,
            status=row.status,
            payment_status=row.payment_status,
            payment_intent=row.payment_intent,
            client_reference_id=row.client_reference_id,
            metadata=dict(row.metadata_),
            expires_at=int(row.expires_at.timestamp()),
        )
