"""The cart through the client's services on a real SQLite store and the real server: changes
made offline show at once and reach the server (and the student's other computer) at the next
sync; a sale ends on time on this computer without a sync; a coupon needs the network and says
so; a two-course order's items and discount are kept for Purchases offline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lmsdesk.local_db.models.mirror import Course
from lmsdesk.services.cart import CartService
from lmsdesk.services.purchases import PurchaseError, PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import CartItem
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

PAID = demo_id("course:practical-sqlite")
SALE = demo_id("course:sync-engines")


def _server_cart(live_server: LiveServer, student: SessionService) -> set[uuid.UUID]:
    assert student.current is not None
    user = student.current.profile.user_id
    with transaction(live_server.context.session_factory) as db:
        return set(db.scalars(select(CartItem.course_id).where(CartItem.student_id == user)))


def test_the_cart_works_offline_and_syncs(
    student: SessionService, live_server: LiveServer, link: CuttableLink
) -> None:
    cart, sync = CartService(student), SyncService(student)
    sync.sync()
    link.cut()
    cart.add(SALE)
    cart.add(PAID)
    totals = cart.totals()
    assert [e.title for e in totals.entries] == ["Sync Engines in Practice", "Practical SQLite"]
    sale = totals.entries[0]
    assert (sale.list_price_cents, sale.price_cents, sale.on_sale) == (2999, 1499, True)
    assert totals.subtotal_cents == 3498
    with pytest.raises(PurchaseError, match="connect to apply one"):
        cart.quote("WELCOME20", [PAID, SALE])
    with pytest.raises(PurchaseError, match="Paying needs a connection"):
        PurchaseService(student).start([PAID, SALE], "two", "34.98 USD")

    assert student.store is not None
    with student.store.transaction() as session:  # the sale ended while the laptop was away
        course = session.get(Course, SALE)
        assert course is not None
        course.sale_ends_at = datetime.now(UTC) - timedelta(minutes=1)
    assert cart.totals().entries[0].price_cents == 2999

    link.restore()
    sync.sync()
    assert _server_cart(live_server, student) == {PAID, SALE}
    quote = cart.quote("welcome20", [PAID, SALE])
    assert (quote.subtotal_cents, quote.discount_cents) == (3498, 700)  # the server's sale
    cart.remove(SALE)
    sync.sync()
    assert _server_cart(live_server, student) == {PAID}


def test_a_paid_cart_keeps_its_items_for_purchases_offline(
    student: SessionService, live_server: LiveServer, link: CuttableLink
) -> None:
    cart, sync, purchases = CartService(student), SyncService(student), PurchaseService(student)
    for course in (PAID, SALE):
        cart.add(course)
    sync.sync()
    pending = purchases.start(
        [PAID, SALE], "Practical SQLite and 1 more", "27.98 USD", None, "WELCOME20"
    )
    live_server.pay(pending.url)
    sync.sync()
    assert cart.totals().entries == []  # paid: the server took them out of the cart
    link.cut()
    [line] = purchases.history()  # offline: from the last sync
    assert line.course_title == "Practical SQLite and 1 more"
    assert line.amount_cents == 2798
    assert [(i.title, i.price_cents, i.discount_cents) for i in line.lines] == [
        ("Practical SQLite", 1999, 400),
        ("Sync Engines in Practice", 1499, 300),
    ]
    assert line.discount_cents == 700
