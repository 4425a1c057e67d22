"""The cart from the window: Add to cart from the catalog (a sale's regular price struck
through), the Cart page offline and online, a coupon priced by the server, and one checkout
of several courses that lands both in My learning and empties the cart. Screens are saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, signed_in_student

PAID = demo_id("course:practical-sqlite")
SALE = demo_id("course:sync-engines")


def test_a_cart_of_two_courses_with_a_coupon_is_one_purchase(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:  # the system browser, recorded
        opened.append(url.toString())
        return True

    app.purchases._open_url = open_url  # type: ignore[method-assign]
    window, catalog = app.window, app.window.catalog_page
    qtbot.waitUntil(lambda: catalog.items.count() == 3, timeout=10_000)
    catalog.select(SALE)
    detail = catalog.detail
    assert "<s" in detail.price.text()  # the regular price, struck through
    assert "29.99 USD" in detail.price.text()
    assert "14.99 USD" in detail.price.text()
    assert detail.action.text() == "&Buy for 14.99 USD"
    listed = [catalog.items.item(i).text() for i in range(catalog.items.count())]
    assert any("14.99 USD, on sale (was 29.99 USD)" in text for text in listed)
    window.resize(1100, 720)
    save_png(window, shots / "catalog-sale-price.png")
    detail.cart.click()
    qtbot.waitUntil(lambda: detail.cart.text() == "In your cart ✓", timeout=10_000)
    catalog.select(PAID)
    detail.cart.click()
    qtbot.waitUntil(lambda: window.navigation.item(3).text() == "Cart (2)", timeout=10_000)

    window.go_to_page("Cart")
    cart = window.cart_page
    qtbot.waitUntil(lambda: cart.table.rowCount() == 2, timeout=10_000)
    assert cart.total.text() == "34.98 USD"

    link.cut()  # offline: the cart still changes, checkout and coupons wait for the network
    window.set_online(False)
    cart.table.selectRow(0)
    removed = cart.selected_course()
    cart.remove_button.click()
    qtbot.waitUntil(lambda: cart.table.rowCount() == 1, timeout=10_000)
    assert not cart.checkout_button.isEnabled()
    assert "offline" in cart.note.text()
    link.restore()
    window.set_online(True)
    app.sync.sync_now()
    assert removed is not None
    app.cart.add(removed)
    qtbot.waitUntil(lambda: cart.table.rowCount() == 2, timeout=10_000)

    cart.coupon.setText("nope-nope")
    cart.apply_button.click()
    qtbot.waitUntil(lambda: "no coupon NOPE-NOPE" in cart.coupon_note.text(), timeout=10_000)
    cart.coupon.setText("welcome20")
    cart.apply_button.click()
    qtbot.waitUntil(lambda: cart.total.text() == "27.98 USD", timeout=10_000)
    assert cart.discount.text() == "-7.00 USD"
    assert "WELCOME20" in cart.coupon_note.text()
    for size in ((760, 480), (1100, 720)):
        window.resize(*size)
        qtbot.wait(50)
        save_png(window, shots / f"cart-{size[0]}x{size[1]}.png")

    cart.checkout_button.click()
    panel = app.purchases.panel
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    assert panel.pending is not None
    assert panel.pending.price_text == "27.98 USD"
    live_server.pay(opened[0])
    app.purchases.poll_all()
    qtbot.waitUntil(lambda: cart.table.rowCount() == 0, timeout=20_000)  # paid: out of the cart
    assert cart.empty_state.isVisible()
    learning = window.my_learning_page
    qtbot.waitUntil(
        lambda: {"Practical SQLite", "Sync Engines in Practice"} <= set(learning.course_titles()),
        timeout=20_000,
    )

    window.go_to_page("Purchases")
    purchases = window.purchases_page
    qtbot.waitUntil(lambda: purchases.status_of(0) == "Paid", timeout=10_000)
    assert purchases.table.item(0, 2).text() == "27.98 USD"
    purchases.table.selectRow(0)
    details = purchases.details.text()
    assert "Discount (WELCOME20): −7.00 USD" in details
    assert "Sync Engines in Practice: 14.99 USD − 3.00 USD" in details
    save_png(window, shots / "purchases-items.png")
    # The add made after the offline removal may arrive after the payment: nothing refused.
    app.sync.sync_now()
    qtbot.waitUntil(lambda: "Synced" in window.sync_button.text(), timeout=10_000)
    assert "refused" not in window.sync_button.text()
