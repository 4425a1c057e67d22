"""Checkout, orders and enrollments (DESIGN.md sections 5a and 6)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from lmsdesk.contracts.commerce import CheckoutSession, EnrollmentView, JoinRef, OrderView
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.pricing import CheckoutBody
from lmsdesk_server.commerce.service import receipts
from lmsdesk_server.commerce.service.checkout import CheckoutService
from lmsdesk_server.deps import ContextDep, CurrentActor, SessionDep

router = APIRouter(tags=["commerce"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 402, 403, 404, 409, 422, 502)
}


def get_checkout(context: ContextDep) -> CheckoutService:
    return CheckoutService(
        context.session_factory,
        context.payments,
        context.settings.public_url,
        context.return_links,
    )


CheckoutDep = Annotated[CheckoutService, Depends(get_checkout)]


@router.post("/checkout/sessions", status_code=status.HTTP_201_CREATED, responses=_errors)
def create_checkout_session(
    body: CheckoutBody, actor: CurrentActor, checkout: CheckoutDep
) -> CheckoutSession:
    return checkout.start(actor, body)


@router.get("/orders", responses=_errors)
def list_orders(actor: CurrentActor, checkout: CheckoutDep) -> list[OrderView]:
    return checkout.orders(actor)


@router.get("/orders/{order_id}", responses=_errors)
def get_order(order_id: uuid.UUID, actor: CurrentActor, checkout: CheckoutDep) -> OrderView:
    return checkout.order(order_id, actor)


@router.get(
    "/orders/{order_id}/receipt.pdf",
    responses={**_errors, 200: {"content": {"application/pdf": {}}}},
    response_class=Response,
)
def order_receipt(order_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    """The buyer's PDF receipt of a paid order (a refund is stated on it)."""
    receipt = receipts.receipt_of(session, order_id, actor)
    return Response(
        receipts.render(receipt),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{receipt.number}.pdf"'},
    )


@router.post("/orders/{order_id}/cancel", responses=_errors)
def cancel_order(order_id: uuid.UUID, actor: CurrentActor, checkout: CheckoutDep) -> OrderView:
    return checkout.cancel(order_id, actor)


@router.post("/enrollments/free", status_code=status.HTTP_201_CREATED, responses=_errors)
def enroll_free(body: JoinRef, actor: CurrentActor, checkout: CheckoutDep) -> EnrollmentView:
    return checkout.enroll_free(actor, body.course_id, body.cohort_id)


@router.get("/enrollments", responses=_errors)
def list_enrollments(actor: CurrentActor, checkout: CheckoutDep) -> list[EnrollmentView]:
    return checkout.enrollments(actor)
