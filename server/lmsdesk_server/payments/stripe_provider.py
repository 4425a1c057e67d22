"""Stripe Checkout through the official library (DESIGN.md section 6)."""

from __future__ import annotations

import logging
from typing import Any

import stripe

from lmsdesk.contracts.enums import PaymentProvider as ProviderName
from lmsdesk_server.payments.provider import (
    CheckoutLine,
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


class StripeProvider:
    name = ProviderName.STRIPE

    def __init__(self, secret_key: str, *, api_base: str | None = None) -> None:
        # Live keys start sk_live_ (or rk_live_ when restricted); events must then be live too.
        self.livemode = "_live_" in secret_key
        self._client = stripe.StripeClient(
            secret_key,
            # The library's own default client (requests, a dependency of stripe). Its httpx
            # client uploads with httpx's deprecated `data=<bytes>`.
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=2,
        )

    def create_session(self, request: CheckoutRequest) -> CreatedSession:
        metadata = {
            "order_id": str(request.order_id),
            "student_id": str(request.student_id),
            "course_id": str(request.course_id),
            "course_version": str(request.course_version),
        }
        params: dict[str, Any] = {
            "mode": "payment",
            # One line per course at what it is charged: the coupon's share is already taken
            # off each, so Stripe's total is the order's total to the cent.
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": line.amount_cents,
                        "product_data": {"name": line.title},
                    },
                }
                for line in request.lines
                or (CheckoutLine(request.course_title, request.amount_cents),)
            ],
            "client_reference_id": str(request.student_id),
            "customer_email": request.student_email,
            "metadata": metadata,
            # Charge and dispute events then name the order too (their object is the charge).
            "payment_intent_data": {"metadata": metadata},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
        }
        try:
            session = self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]  # a plain dict of the documented params
                # One key per order: a retried request cannot create a second session.
                options={"idempotency_key": f"lmsdesk-checkout-{request.order_id}"},
            )
        except stripe.StripeError as exc:
            _log.warning("Stripe refused to create a checkout session: %s", exc.user_message)
            raise ProviderUnavailable("Stripe could not start the checkout.") from exc
        if not session.url:
            raise ProviderUnavailable("Stripe returned a checkout session without a URL.")
        return CreatedSession(session_id=session.id, url=session.url)

    def retrieve_session(self, session_id: str) -> SessionSnapshot:
        try:
            session = self._client.v1.checkout.sessions.retrieve(session_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404 or exc.code == "resource_missing":
                raise UnknownSession(f"Stripe has no checkout session {session_id}.") from exc
            raise ProviderUnavailable("Stripe could not be asked about the checkout.") from exc
        except stripe.StripeError as exc:
            raise ProviderUnavailable("Stripe could not be asked about the checkout.") from exc
        return SessionSnapshot.from_stripe(session.to_dict())

    def expire_session(self, session_id: str) -> SessionSnapshot:
        try:
            session = self._client.v1.checkout.sessions.expire(session_id)
        except stripe.InvalidRequestError:
            # Only an open session can be expired: it was paid or expired meanwhile.
            return self.retrieve_session(session_id)
        except stripe.StripeError as exc:
            raise ProviderUnavailable("Stripe could not cancel the checkout.") from exc
        return SessionSnapshot.from_stripe(session.to_dict())

    def create_subscription_session(self, request: SubscriptionRequest) -> CreatedSession:
        metadata = {
            "lmsdesk_subscription_id": str(request.subscription_id),
            "student_id": str(request.student_id),
            "plan": request.plan,
        }
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount_cents,
                        "recurring": {"interval": request.interval},
                        "product_data": {"name": f"LMSDesk all-access ({request.plan})"},
                    },
                }
            ],
            "client_reference_id": str(request.student_id),
            "customer_email": request.student_email,
            "metadata": metadata,
            # The subscription's own events name it too.
            "subscription_data": {"metadata": metadata},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
        }
        try:
            session = self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]  # a plain dict of the documented params
                options={"idempotency_key": f"lmsdesk-subscribe-{request.subscription_id}"},
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable("Stripe could not start the subscription.") from exc
        if not session.url:
            raise ProviderUnavailable("Stripe returned a checkout session without a URL.")
        return CreatedSession(session_id=session.id, url=session.url)

    def portal_url(self, customer_id: str, subscription_id: str, return_url: str) -> str:  # noqa: ARG002 - Stripe's portal is per customer
        try:
            portal = self._client.v1.billing_portal.sessions.create(
                {"customer": customer_id, "return_url": return_url}
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable("Stripe's customer portal could not be opened.") from exc
        return str(portal.url)

    def refund(
        self,
        payment_intent: str,
        amount_cents: int | None,
        *,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> RefundResult:
        params: dict[str, Any] = {
            "payment_intent": payment_intent,
            "reason": "requested_by_customer",
            "metadata": metadata or {},
        }
        if amount_cents is not None:
            params["amount"] = amount_cents
        try:
            refund = self._client.v1.refunds.create(
                params,  # type: ignore[arg-type]  # a plain dict of the documented params
                options={"idempotency_key": f"lmsdesk-refund-{idempotency_key}"},
            )
        except stripe.InvalidRequestError as exc:
            # Over the amount left, already fully refunded, no such payment intent: final.
            raise RefundRefused(exc.user_message or "Stripe refused the refund.") from exc
        except stripe.StripeError as exc:
            raise ProviderUnavailable("Stripe could not be reached for the refund.") from exc
        return RefundResult(
            refund_id=refund.id, amount_cents=int(refund.amount), status=str(refund.status)
        )
