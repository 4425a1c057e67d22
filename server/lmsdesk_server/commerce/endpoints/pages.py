"""The pages a student's browser sees: the test provider's checkout page, and the success and
cancel pages both providers return to (plain pages on our server, never a custom URL scheme)."""

from __future__ import annotations

import uuid
from html import escape
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from lmsdesk.contracts.enums import OrderStatus
from lmsdesk_server.commerce.endpoints.orders import CheckoutDep
from lmsdesk_server.deps import ContextDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.html_pages import page as _page
from lmsdesk_server.payments.provider import UnknownSession
from lmsdesk_server.payments.test_provider import TestProvider

router = APIRouter(include_in_schema=False)


def _money(cents: int, currency: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency.upper())
    amount = f"{cents / 100:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"


def _test_provider(context: ContextDep) -> TestProvider:
    if not isinstance(context.payments, TestProvider):
        raise HTTPException(404)
    return context.payments


@router.get("/checkout/test/{session_id}", response_class=HTMLResponse)
def test_checkout_page(session_id: str, context: ContextDep) -> HTMLResponse:
    view = _test_provider(context).page(session_id)
    if view is None:
        return _page("Checkout", "<h1>No such checkout</h1><p>This link is not valid.</p>", 404)
    if view.status == "complete":
        return _page("Checkout", "<h1>Already paid</h1><p>Return to LMSDesk.</p>")
    if view.status == "expired":
        return _page(
            "Checkout",
            "<h1>This checkout has closed</h1><p>It was cancelled or timed out; nothing was "
            "charged. Start again from LMSDesk.</p>",
        )
    sid = escape(session_id)
    return _page(
        "Checkout",
        f"<span class='badge'>Test payment: no real money moves</span>"
        f"<h1>{escape(view.course_title)}</h1>"
        f"<div class='price' id='price'>{escape(_money(view.amount_cents, view.currency))}</div>"
        f"<form method='post' action='/checkout/test/{sid}/pay'>"
        f"<button class='pay' id='pay' type='submit'>Pay</button></form>"
        f"<form method='post' action='/checkout/test/{sid}/cancel'>"
        f"<button class='cancel' id='cancel' type='submit'>Cancel</button></form>",
    )


@router.post("/checkout/test/{session_id}/pay")
def test_checkout_pay(session_id: str, context: ContextDep) -> RedirectResponse:
    provider = _test_provider(context)
    view = provider.page(session_id)
    if view is None:
        raise HTTPException(404)
    provider.pay(session_id)
    if not view.order_id:  # the all-access plan's checkout
        return RedirectResponse("/subscriptions/welcome", status_code=303)
    success = context.return_links.success_url("", uuid.UUID(view.order_id))
    return RedirectResponse(success, status_code=303)


@router.post("/checkout/test/{session_id}/cancel")
def test_checkout_cancel(session_id: str, context: ContextDep) -> RedirectResponse:
    view = _test_provider(context).page(session_id)
    if view is None:
        raise HTTPException(404)
    if not view.order_id:
        return RedirectResponse("/subscriptions/welcome?cancelled=1", status_code=303)
    cancel = context.return_links.cancel_url("", uuid.UUID(view.order_id))
    return RedirectResponse(cancel, status_code=303)


_Signature = Annotated[str | None, Query(max_length=100)]
_NOT_VALID = "<h1>This link is not valid</h1><p>Return to LMSDesk: your purchases are there.</p>"


@router.get("/checkout/success", response_class=HTMLResponse)
def success_page(
    order: uuid.UUID, checkout: CheckoutDep, context: ContextDep, sig: _Signature = None
) -> HTMLResponse:
    # Without the signature of the link the provider returned to, a page shows and changes
    # nothing: a bare order id is not a capability.
    if not context.return_links.verify(order, sig):
        return _page("Payment", _NOT_VALID, 404)
    try:
        view = checkout.order(order)
    except ApiError:
        return _page("Payment", "<h1>No such order</h1>", 404)
    if view.status is OrderStatus.COMPLETED:
        return _page(
            "Payment received",
            f"<h1>Payment received</h1><p>Thank you. <b>{escape(view.course_title)}</b> is "
            "yours: return to LMSDesk, where it is waiting in My learning.</p>",
        )
    return _page(
        "Payment",
        "<h1>Confirming your payment</h1><p>Return to LMSDesk: the course appears there as "
        "soon as the payment is confirmed, usually within seconds.</p>",
    )


@router.get("/checkout/cancel", response_class=HTMLResponse)
def cancel_page(
    order: uuid.UUID, checkout: CheckoutDep, context: ContextDep, sig: _Signature = None
) -> HTMLResponse:
    # Stripe returns here by GET when the student leaves its page; cancelling is idempotent and
    # only ever closes a still-open checkout, and only through the signed link.
    if not context.return_links.verify(order, sig):
        return _page("Checkout", _NOT_VALID, 404)
    try:
        view = checkout.cancel(order)
    except ApiError:
        return _page("Checkout", "<h1>No such order</h1>", 404)
    if view.status is OrderStatus.COMPLETED:
        return _page("Checkout", "<h1>Already paid</h1><p>Return to LMSDesk.</p>")
    return _page(
        "Checkout cancelled",
        "<h1>Checkout cancelled</h1><p>Nothing was charged. Return to LMSDesk.</p>",
    )


# ---------------------------------------------------------------- the all-access plan

_PORTAL_ACTIONS = {
    "cancel_at_period_end": "Cancel at the end of the period",
    "resume": "Keep my plan",
    "cancel_now": "Cancel now",
    "fail_renewal": "Simulate a failed renewal",
}


@router.get("/subscriptions/welcome", response_class=HTMLResponse)
def subscription_welcome(
    cancelled: Annotated[str | None, Query(max_length=4)] = None,
) -> HTMLResponse:
    if cancelled:
        return _page("All-access", "<h1>No plan was bought</h1><p>Return to LMSDesk.</p>")
    return _page(
        "All-access",
        "<h1>Welcome to all-access</h1><p>Return to LMSDesk: every course arrives in My "
        "learning with the next sync.</p>",
    )


@router.get("/checkout/test/portal/{subscription_id}", response_class=HTMLResponse)
def test_portal(subscription_id: str, context: ContextDep) -> HTMLResponse:
    _test_provider(context)
    sid = escape(subscription_id)
    buttons = "".join(
        f"<form method='post' action='/checkout/test/portal/{sid}/{action}'>"
        f"<button class='cancel' id='{action}' type='submit'>{label}</button></form>"
        for action, label in _PORTAL_ACTIONS.items()
    )
    return _page(
        "Manage subscription",
        "<span class='badge'>Test billing portal: no real money moves</span>"
        f"<h1>Your all-access plan</h1>{buttons}",
    )


@router.post("/checkout/test/portal/{subscription_id}/{action}", response_class=HTMLResponse)
def test_portal_action(subscription_id: str, action: str, context: ContextDep) -> HTMLResponse:
    if action not in _PORTAL_ACTIONS:
        raise HTTPException(404)
    try:
        state = _test_provider(context).subscription_action(subscription_id, action)
    except UnknownSession:
        raise HTTPException(404) from None
    return _page(
        "Manage subscription",
        f"<h1>Done</h1><p>The plan is {escape(state)}. Return to LMSDesk.</p>",
    )
