"""Prices and coupons from the Authoring page (instructors): a sale queued offline reaches the
catalog after the sync, and a coupon is made on the server and listed. Screens are saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Coupon, Course
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (sales of its own)
from tests.support.ui import AppFactory, save_png, sign_in

PAID = demo_id("course:practical-sqlite")


def test_a_sale_made_offline_reaches_the_catalog_and_a_coupon_is_made(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "instructor@example.com", password=DEMO_PASSWORD)
    window = app.window
    window.go_to_page("Authoring")
    link.cut()
    window.set_online(False)
    window.authoring_page.offers_button.click()
    dialog = app.offers.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.course.count() == 2, timeout=10_000)  # two paid, published
    qtbot.waitUntil(lambda: "connect to see or make them" in dialog.message.text(), timeout=10_000)
    dialog.course.setCurrentIndex(dialog.course.findData(str(PAID)))
    assert dialog.sale_state.text() == "Sells at 19.99 USD."
    dialog.sale_price.setValue(25)  # above the price: the spin box caps it below
    assert dialog.sale_price.value() == 19.98
    dialog.sale_price.setValue(9.99)
    dialog.put_on_sale.click()
    qtbot.waitUntil(lambda: "is on sale" in dialog.message.text(), timeout=10_000)
    qtbot.waitUntil(
        lambda: dialog.sale_state.text().startswith("On sale at 9.99 USD"), timeout=10_000
    )
    assert dialog.end_sale.isEnabled()
    dialog.resize(560, 480)
    save_png(dialog, shots / "offers-dialog-offline.png")

    link.restore()
    window.set_online(True)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    with transaction(live_server.context.session_factory) as db:
        course = db.get(Course, PAID)
        assert course is not None
        assert course.sale_price_cents == 999
        assert course.sale_ends_at is not None
        assert course.sale_ends_at > datetime.now(UTC) + timedelta(days=6)

    dialog.code.setText("ines-friends")
    dialog.kind.setCurrentIndex(1)  # amount off
    dialog.value.setValue(3)
    dialog.applies_to.setCurrentIndex(dialog.applies_to.findData(str(PAID)))
    dialog.limit.setValue(50)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)  # with SQLITE5
    codes = {dialog.table.item(r, 0).text(): r for r in range(2)}
    row = codes["INES-FRIENDS"]
    assert dialog.table.item(row, 1).text() == "3.00 USD"
    assert dialog.table.item(row, 2).text() == "Practical SQLite"
    assert dialog.table.item(row, 3).text() == "0 of 50"
    dialog.code.setText("x")
    dialog.create_button.click()
    assert "3 to 40" in dialog.message.text()
    dialog.code.setText("INES-FRIENDS")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: "already in use" in dialog.message.text(), timeout=10_000)
    save_png(dialog, shots / "offers-dialog.png")
    with transaction(live_server.context.session_factory) as db:
        assert db.query(Coupon).filter_by(code="INES-FRIENDS").count() == 1
