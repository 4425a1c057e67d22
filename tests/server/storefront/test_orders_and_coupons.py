"""Orders of several courses, sale prices and coupons (DESIGN.md 11.5): the server computes what
is charged, a coupon's discount is shared over the items it applies to, and every refusal is
a clear error that writes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk_server.db.models import (
    Coupon,
    CouponRedemption,
    Course,
    Order,
    OrderItem,
    RedemptionStatus,
    User,
)
from tests.server.payments.helpers import API, enrollments, login, order
from tests.server.storefront.helpers import SALE, checkout, error, pay
from tests.server.sync.helpers import FREE, PAID

pytestmark = pytest.mark.usefixtures("seeded")


def _items(session: Session, order_id: uuid.UUID) -> list[tuple[uuid.UUID, int, int, int, int]]:
    session.expire_all()
    rows = session.scalars(
        select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.position)
    )
    return [
        (i.course_id, i.list_price_cents, i.price_cents, i.discount_cents, i.amount_cents)
        for i in rows
    ]


def _orders(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Order)) or 0)


def test_two_courses_with_a_coupon_are_one_order_priced_by_the_server(
    client: TestClient, session: Session, student: User, headers: dict[str, str]
) -> None:
    quote = client.get(
        f"{API}/coupons/welcome20/quote",
        params=[("course_ids", str(PAID)), ("course_ids", str(SALE))],
        headers=headers,
    )
    assert quote.status_code == 200, quote.text
    priced = quote.json()
    # 19.99 at full price and 29.99 on sale at 14.99; 20 % off each, half a cent rounded up.
    assert (priced["subtotal_cents"], priced["discount_cents"], priced["total_cents"]) == (
        3498,
        700,
        2798,
    )
    assert priced["coupon_code"] == "WELCOME20"
    assert [(i["price_cents"], i["discount_cents"]) for i in priced["items"]] == [
        (1999, 400),
        (1499, 300),
    ]
    assert priced["items"][1]["list_price_cents"] == 2999
    assert priced["items"][1]["sale_ends_at"] is not None

    started = checkout(client, headers, [PAID, SALE], "Welcome20")
    assert started.status_code == 201, started.text
    order_id = uuid.UUID(started.json()["order_id"])
    placed = order(session, order_id)
    assert (placed.subtotal_cents, placed.discount_cents, placed.amount_cents) == (3498, 700, 2798)
    assert _items(session, order_id) == [
        (PAID, 1999, 1999, 400, 1599),
        (SALE, 2999, 1499, 300, 1199),
    ]
    redemption = session.scalars(
        select(CouponRedemption).where(CouponRedemption.order_id == order_id)
    ).one()
    assert redemption.status is RedemptionStatus.HELD

    pay(client, started.json()["session_id"])
    assert order(session, order_id).status is OrderStatus.COMPLETED
    granted = {e.course_id: e for e in enrollments(session, student.id)}
    assert {c: (e.status, e.price_paid_cents) for c, e in granted.items()} == {
        PAID: (EnrollmentStatus.ACTIVE, 1599),
        SALE: (EnrollmentStatus.ACTIVE, 1199),
    }
    session.refresh(redemption)
    assert redemption.status is RedemptionStatus.REDEEMED
    view = client.get(f"{API}/orders/{order_id}", headers=headers).json()
    assert view["enrollment_active"] is True
    assert view["course_title"] == "Practical SQLite and 1 more"
    assert (view["subtotal_cents"], view["discount_cents"], view["coupon_code"]) == (
        3498,
        700,
        "WELCOME20",
    )
    assert [i["amount_cents"] for i in view["items"]] == [1599, 1199]


def test_a_sale_ends_on_time_and_the_old_body_still_buys_one_course(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    on_sale = client.post(
        f"{API}/checkout/sessions", json={"course_id": str(SALE)}, headers=headers
    )
    assert on_sale.status_code == 201, on_sale.text
    assert order(session, uuid.UUID(on_sale.json()["order_id"])).amount_cents == 1499
    cancelled = client.post(f"{API}/orders/{on_sale.json()['order_id']}/cancel", headers=headers)
    assert cancelled.json()["status"] == "cancelled"

    course = session.get(Course, SALE)
    assert course is not None
    course.sale_ends_at = datetime.now(UTC) - timedelta(seconds=1)
    session.flush()
    ended = checkout(client, headers, [SALE])
    assert ended.status_code == 201, ended.text
    assert _items(session, uuid.UUID(ended.json()["order_id"])) == [(SALE, 2999, 2999, 0, 2999)]


def test_a_coupon_applies_only_where_its_issuer_may_discount(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    # SQLITE5 is the instructor's 5.00 off Practical SQLite only.
    both = client.get(
        f"{API}/coupons/SQLITE5/quote",
        params=[("course_ids", str(PAID)), ("course_ids", str(SALE))],
        headers=headers,
    ).json()
    assert [i["discount_cents"] for i in both["items"]] == [500, 0]
    assert both["coupon_note"] == "SQLITE5 does not apply to: Sync Engines in Practice."
    before = _orders(session)
    alone = checkout(client, headers, [SALE], "SQLITE5")
    assert error(alone) == (409, "coupon_not_applicable")
    assert error(checkout(client, headers, [PAID], "NOPE-NOPE")) == (404, "coupon_not_found")
    assert error(checkout(client, headers, [PAID, FREE])) == (409, "free_course")
    assert error(checkout(client, headers, [PAID, uuid.uuid4()])) == (404, "course_not_found")
    repeated = client.post(
        f"{API}/checkout/sessions",
        json={"course_ids": [str(PAID), str(PAID)]},
        headers=headers,
    )
    assert repeated.status_code == 422
    neither = client.post(f"{API}/checkout/sessions", json={}, headers=headers)
    assert neither.status_code == 422
    assert _orders(session) == before  # nothing written by any refusal


def test_a_coupon_window_cap_and_once_per_student_hold(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    coupon = session.scalars(select(Coupon).where(Coupon.code == "WELCOME20")).one()
    coupon.starts_at = datetime.now(UTC) + timedelta(days=1)
    session.flush()
    assert error(checkout(client, headers, [PAID], "WELCOME20")) == (409, "coupon_not_started")
    coupon.starts_at, coupon.ends_at = None, datetime.now(UTC) - timedelta(minutes=1)
    session.flush()
    assert error(checkout(client, headers, [PAID], "WELCOME20")) == (409, "coupon_expired")
    coupon.ends_at = None
    session.flush()

    first = checkout(client, headers, [PAID], "WELCOME20")
    assert first.status_code == 201, first.text
    # Held by the open checkout: the same student cannot use it twice.
    assert error(checkout(client, headers, [SALE], "WELCOME20")) == (409, "coupon_already_used")
    client.post(f"{API}/orders/{first.json()['order_id']}/cancel", headers=headers)
    again = checkout(client, headers, [SALE], "WELCOME20")
    assert again.status_code == 201, again.text  # the cancelled order gave it back
    released = session.scalars(
        select(CouponRedemption.status).where(
            CouponRedemption.order_id == uuid.UUID(first.json()["order_id"])
        )
    ).one()
    assert released is RedemptionStatus.RELEASED

    coupon.max_redemptions = 1
    session.flush()
    other = login(client, _another_student(session).email)
    assert error(checkout(client, other, [PAID], "WELCOME20")) == (409, "coupon_used_up")


def test_a_hundred_percent_coupon_enrolls_without_a_payment(
    client: TestClient,
    session: Session,
    student: User,
    headers: dict[str, str],
    admin_headers: dict[str, str],
) -> None:
    made = client.post(
        f"{API}/admin/coupons",
        json={"code": "scholar", "kind": "percent", "percent_off": 100, "course_ids": [str(SALE)]},
        headers=admin_headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["code"] == "SCHOLAR"
    started = checkout(client, headers, [SALE], "scholar")
    assert started.status_code == 201, started.text
    assert started.json()["session_id"] == ""
    done = order(session, uuid.UUID(started.json()["order_id"]))
    assert (done.status, done.amount_cents, done.provider_session_id) == (
        OrderStatus.COMPLETED,
        0,
        None,
    )
    assert [(e.course_id, e.status) for e in enrollments(session, student.id)] == [
        (SALE, EnrollmentStatus.ACTIVE)
    ]


def _another_student(session: Session) -> User:
    from lmsdesk.contracts.common import Role
    from tests.factories import make_user

    return make_user(session, roles=(Role.STUDENT,))
