"""Buying a course (DESIGN.md section 6) from the client's side: start a checkout, remember the
pending order on this computer (it survives quitting the app), ask the server how it went, and
read the purchase history. Blocking: call on a background lane.

The enrollment itself only ever arrives through sync, after the server verified the payment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from lmsdesk.contracts.commerce import OPEN_ORDER_STATUSES, OrderView, money_text
from lmsdesk.contracts.enums import OrderStatus
from lmsdesk.local_db.models.client import Setting
from lmsdesk.local_db.models.mirror import Course, Order, OrderItem
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import NotSignedIn, SessionService
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded

_PENDING_KEY = "pending_checkouts"

T = TypeVar("T")


class PurchaseError(UserFacingError):
    """A purchase step did not work; `message` is written for the user."""


@dataclass(frozen=True)
class PendingCheckout:
    order_id: uuid.UUID
    #: The first course of the order, and words for them all ("SQL and 1 more").
    course_id: uuid.UUID
    course_title: str
    price_text: str
    url: str
    started_at: datetime
    #: Every course of the order (one, unless bought from the cart).
    course_ids: tuple[uuid.UUID, ...] = ()

    @property
    def courses(self) -> tuple[uuid.UUID, ...]:
        return self.course_ids or (self.course_id,)


@dataclass(frozen=True)
class ItemLine:
    """One course of an order: what it sold at, the coupon's share, whether it was refunded."""

    title: str
    price_cents: int
    discount_cents: int
    refunded: bool = False

    @property
    def amount_cents(self) -> int:
        return self.price_cents - self.discount_cents


@dataclass(frozen=True)
class OrderLine:
    """One row of the purchase history."""

    order_id: uuid.UUID
    created_at: datetime
    course_title: str
    amount_cents: int
    currency: str
    status: OrderStatus
    items: tuple[ItemLine, ...] = ()
    discount_cents: int = 0
    coupon_code: str | None = None

    @property
    def amount_text(self) -> str:
        return money_text(self.amount_cents, self.currency)

    @property
    def lines(self) -> tuple[ItemLine, ...]:
        """Its courses (an order from before items were kept: the one course it bought)."""
        return self.items or (ItemLine(self.course_title, self.amount_cents, 0),)

    @property
    def partly_refunded(self) -> bool:
        return self.status is OrderStatus.COMPLETED and any(i.refunded for i in self.lines)


# What each final order status means to the student.
STATUS_TEXT = {
    OrderStatus.PENDING: "Waiting for payment",
    OrderStatus.COMPLETED: "Paid",
    OrderStatus.FAILED: "Payment failed",
    OrderStatus.EXPIRED: "Checkout timed out",
    OrderStatus.CANCELLED: "Cancelled",
    OrderStatus.REFUNDED: "Refunded",
}


class PurchaseService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def start(
        self,
        course_ids: list[uuid.UUID],
        course_title: str,
        price_text: str,
        cohort_id: uuid.UUID | None = None,
        coupon_code: str | None = None,
    ) -> PendingCheckout:
        """Create the checkout of these courses on the server (priced there: sales, the
        coupon) and remember it here (for a course run in cohorts, the seat in the chosen one
        is held meanwhile). Offline: PurchaseError, and nothing is queued (a payment cannot
        wait for the network)."""
        created = self._call(
            lambda api, t: api.create_checkout(t, course_ids, cohort_id, coupon_code),
            offline="Paying needs a connection to the server. Nothing was charged or queued: "
            "connect and try again.",
        )
        pending = PendingCheckout(
            order_id=created.order_id,
            course_id=course_ids[0],
            course_title=course_title,
            price_text=price_text,
            # No session: nothing to pay (a 100 % coupon), the order is complete already.
            url=created.url if created.session_id else "",
            started_at=datetime.now(UTC),
            course_ids=tuple(course_ids),
        )
        self._save([*self.pending(), pending])
        return pending

    def check(self, order_id: uuid.UUID) -> OrderView:
        """Ask the server about an order; forget it locally once it is final.
        ServerUnreachable propagates (the caller retries with backoff)."""
        try:
            view = self._session.api_call(lambda api, t: api.order(t, order_id))
        except ApiRejected as exc:
            if exc.status_code == 404:  # not ours, or gone: stop waiting for it
                self._forget(order_id)
            raise PurchaseError(_message(exc)) from exc
        except (SessionEnded, NotSignedIn) as exc:
            raise PurchaseError(_message(exc)) from exc
        if view.status not in OPEN_ORDER_STATUSES:
            self._forget(order_id)
        return view

    def cancel(self, order_id: uuid.UUID) -> OrderView:
        view = self._call(
            lambda api, t: api.cancel_order(t, order_id),
            offline="Cancelling needs a connection. If you do not pay, the checkout closes by "
            "itself within 30 minutes.",
        )
        if view.status not in OPEN_ORDER_STATUSES:
            self._forget(order_id)
        return view

    def enroll_free(self, course_id: uuid.UUID, cohort_id: uuid.UUID | None = None) -> None:
        self._call(
            lambda api, t: api.enroll_free(t, course_id, cohort_id),
            offline="Enrolling needs a connection to the server.",
        )

    def pending(self) -> list[PendingCheckout]:
        store = self._session.store
        if store is None:
            return []
        with store.reading() as session:
            row = session.get(Setting, _PENDING_KEY)
            items = row.value.get("items", []) if row is not None else []
        return [_pending_from(item) for item in items]

    def history(self) -> list[OrderLine]:
        """Orders newest first: from the server when reachable, else from the last sync."""
        try:
            views = self._session.api_call(lambda api, t: api.orders(t))
        except (ServerUnreachable, SessionEnded, NotSignedIn, ApiRejected):
            return self._history_offline()
        return [
            OrderLine(
                v.id,
                v.created_at,
                v.course_title,
                v.amount_cents,
                v.currency,
                v.status,
                tuple(
                    ItemLine(
                        i.course_title, i.price_cents, i.discount_cents, i.refunded_at is not None
                    )
                    for i in v.items
                ),
                v.discount_cents,
                v.coupon_code,
            )
            for v in views
        ]

    def receipt(self, order_id: uuid.UUID) -> Path:
        """The order's PDF receipt on this computer: fetched from the server (and kept beside
        the account's data), or the copy kept from before when the server cannot be reached."""
        folder = self._session.account_dir
        if folder is None:
            raise PurchaseError("Sign in first.")
        target = folder / "receipts" / f"receipt-{order_id}.pdf"
        try:
            pdf = self._session.api_call(lambda api, t: api.order_receipt(t, order_id))
        except ServerUnreachable as exc:
            if target.exists():
                return target
            raise PurchaseError(
                "Receipts come from the server: connect once to get this one."
            ) from exc
        except ApiRejected as exc:
            raise PurchaseError(exc.message) from exc
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(pdf)
        partial.replace(target)  # never half a receipt under the real name
        return target

    # ------------------------------------------------------------------ helpers

    def _call(self, request: Callable[[ApiClient, str], T], *, offline: str) -> T:
        """An authenticated request whose every failure becomes a PurchaseError in plain words."""
        try:
            return self._session.api_call(request)
        except ServerUnreachable as exc:
            raise PurchaseError(offline) from exc
        except (ApiRejected, SessionEnded, NotSignedIn) as exc:
            raise PurchaseError(_message(exc)) from exc

    def _history_offline(self) -> list[OrderLine]:
        store = self._session.store
        if store is None:
            return []
        with store.reading() as session:
            rows = session.execute(
                select(Order, Course.title)
                .outerjoin(Course, Course.id == Order.course_id)
                .order_by(Order.created_at.desc())
            ).all()
            items: dict[uuid.UUID, list[ItemLine]] = {}
            for item in session.scalars(select(OrderItem).order_by(OrderItem.position)):
                items.setdefault(item.order_id, []).append(
                    ItemLine(
                        item.course_title,
                        item.price_cents,
                        item.discount_cents,
                        item.refunded_at is not None,
                    )
                )
        lines = []
        for o, title in rows:
            bought = tuple(items.get(o.id, ()))
            name = title or "(course no longer listed)"
            if len(bought) > 1:
                name = f"{bought[0].title} and {len(bought) - 1} more"
            lines.append(
                OrderLine(
                    o.id, o.created_at, name, o.amount_cents, o.currency, o.status,
                    bought, o.discount_cents,
                )
            )  # fmt: skip
        return lines

    def _forget(self, order_id: uuid.UUID) -> None:
        self._save([p for p in self.pending() if p.order_id != order_id])

    def _save(self, items: list[PendingCheckout]) -> None:
        store = self._session.store
        if store is None:
            return
        value = {"items": [_pending_to(p) for p in items]}
        with store.transaction() as session:
            row = session.get(Setting, _PENDING_KEY)
            if row is None:
                session.add(Setting(key=_PENDING_KEY, value=value))
            else:
                row.value = value


def _message(exc: Exception) -> str:
    if isinstance(exc, ApiRejected):
        return exc.message
    if isinstance(exc, SessionEnded):
        return "Your sign-in has ended. Sign in again, then try once more."
    return str(exc) or "Sign in first."


def _pending_to(p: PendingCheckout) -> dict[str, str]:
    data = asdict(p)
    data["course_ids"] = ",".join(str(c) for c in p.course_ids)
    return {k: (v.isoformat() if isinstance(v, datetime) else str(v)) for k, v in data.items()}


def _pending_from(item: dict[str, str]) -> PendingCheckout:
    return PendingCheckout(
        order_id=uuid.UUID(item["order_id"]),
        course_id=uuid.UUID(item["course_id"]),
        course_title=item["course_title"],
        price_text=item["price_text"],
        url=item["url"],
        started_at=datetime.fromisoformat(item["started_at"]),
        course_ids=tuple(uuid.UUID(c) for c in item.get("course_ids", "").split(",") if c),
    )
