"""Refunding an order from the console, through the payment provider's refund API (the test
provider included). The action's id is the provider's idempotency key: a retried or replayed
refund refunds nothing twice. Access changes when the provider's charge.refunded event
arrives, as for a refund made in the provider's dashboard."""

from __future__ import annotations

import uuid

from lmsdesk.contracts.admin import RefundArgs
from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.enums import OrderStatus
from lmsdesk_server.admin.repository import AdminRepository
from lmsdesk_server.admin.service.audit import record, require_admin
from lmsdesk_server.db.models import Order, OrderItem, User
from lmsdesk_server.mutation import MutationContext, MutationRejected
from lmsdesk_server.payments.provider import ProviderUnavailable, RefundRefused


def refund(ctx: MutationContext, args: RefundArgs) -> dict[str, object]:
    require_admin(ctx.actor)
    if ctx.payments is None:
        raise MutationRejected("No payment provider is configured.", status=503, code="no_provider")
    repo = AdminRepository(ctx.session)
    order = repo.get_or_refuse(
        Order, args.order_id, "No such order.", lock=True, status=404, code="not_found"
    )
    if order.status not in (OrderStatus.COMPLETED, OrderStatus.REFUNDED):
        raise MutationRejected("Only a paid order can be refunded.", status=409, code="not_paid")
    if order.provider_payment_intent_id is None:
        raise MutationRejected(
            "The provider has not named this order's payment yet; try again in a minute.",
            status=409,
            code="payment_unknown",
        )
    amount, metadata = args.amount_cents, {"order_id": str(order.id)}
    if args.course_id is not None:
        item = _item(repo, order, args.course_id)
        if amount is not None and amount != item.amount_cents:
            raise MutationRejected(
                f"“{item.course_title}” was {money_text(item.amount_cents, order.currency)}: "
                "a course's refund is what was paid for it.",
                status=422,
                code="not_the_item_amount",
            )
        amount = item.amount_cents
        metadata["order_item_id"] = str(item.id)
    if amount is not None and amount > order.amount_cents:
        raise MutationRejected(
            f"The order was {money_text(order.amount_cents, order.currency)}: "
            "a refund cannot be more.",
            status=422,
            code="too_much",
        )
    try:
        result = ctx.payments.refund(
            order.provider_payment_intent_id,
            amount,
            idempotency_key=str(args.action_id),
            metadata=metadata,
        )
    except RefundRefused as exc:
        raise MutationRejected(str(exc), status=409, code="refund_refused") from exc
    except ProviderUnavailable as exc:
        raise MutationRejected(
            f"{exc} Nothing was refunded; try again later.", status=502, code="provider_unavailable"
        ) from exc
    student = ctx.session.get(User, order.student_id)
    refunded = money_text(result.amount_cents, order.currency)
    record(
        ctx,
        action="order.refund",
        target_kind="order",
        target_id=order.id,
        summary=f"Refunded {refunded} of order {order.id} ({student.email if student else '?'})",
        reason=args.reason,
        details={
            "refund_id": result.refund_id,
            "amount_cents": result.amount_cents,
            "course_id": str(args.course_id) if args.course_id else None,
        },
    )
    return {
        "order_id": str(order.id),
        "refund_id": result.refund_id,
        "amount_cents": result.amount_cents,
        "status": result.status,
    }


def _item(repo: AdminRepository, order: Order, course_id: uuid.UUID) -> OrderItem:
    item = repo.order_item(order.id, course_id)
    if item is None:
        raise MutationRejected(
            "That course is not part of this order.", status=404, code="not_in_order"
        )
    if item.refunded_at is not None:
        raise MutationRejected(
            f"“{item.course_title}” is refunded already.", status=409, code="already_refunded"
        )
    asked = repo.item_refund_asked(order.id, course_id)
    if asked is not None:
        # Not refunded yet: the provider has not confirmed it. Asking again would refund twice.
        raise MutationRejected(
            f"A refund of “{item.course_title}” was asked for on {asked:%d %b %Y %H:%M} UTC; "
            "it takes effect when the payment provider confirms it.",
            status=409,
            code="refund_pending",
        )
    if item.amount_cents == 0:
        raise MutationRejected(
            f"Nothing was paid for “{item.course_title}”.", status=409, code="nothing_paid"
        )
    return item
