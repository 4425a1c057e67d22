"""Buying from the window: course detail, the browser, the waiting panel, the result, My
learning and the purchase history; and what Buy says offline. Screens are saved as PNGs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.common import Role
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, sign_in

PAID = demo_id("course:practical-sqlite")


def _student_at_catalog(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> tuple[Application, list[str]]:
    app = start_app(link.url)
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:  # the system browser, recorded
        opened.append(url.toString())
        return True

    app.purchases._open_url = open_url  # type: ignore[method-assign]
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, live_server.create_user(Role.STUDENT, name="Sam Student"))
    page = app.window.catalog_page
    qtbot.waitUntil(lambda: page.items.count() == 3, timeout=10_000)
    page.select(PAID)
    app.window.resize(1100, 720)
    return app, opened


def test_buy_waits_for_the_browser_then_lands_in_my_learning(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    app, opened = _student_at_catalog(qtbot, start_app, live_server, link)
    detail = app.window.catalog_page.detail
    assert detail.title.text() == "Practical SQLite"
    assert detail.price.text() == "19.99 USD"
    assert detail.action.text() == "&Buy for 19.99 USD"
    qtbot.waitUntil(lambda: detail.curriculum.topLevelItemCount() > 0, timeout=5000)
    save_png(app.window, shots / "catalog-course-detail.png")

    qtbot.mouseClick(detail.action, Qt.MouseButton.LeftButton)
    panel = app.purchases.panel
    qtbot.waitUntil(panel.isVisible, timeout=10_000)
    assert panel.heading.text() == "Finish the payment in your browser"
    assert panel.pending is not None
    assert opened == [panel.pending.url]
    assert detail.action.text() == "Waiting for payment…"
    save_png(panel, shots / "checkout-waiting.png")

    live_server.pay(opened[0])
    app.purchases.poll_all()  # what coming back from the browser does
    qtbot.waitUntil(lambda: panel.heading.text() == "Purchase complete", timeout=20_000)
    assert "Practical SQLite is in My learning" in panel.message.text()
    assert panel.my_learning_button.isVisible()
    save_png(panel, shots / "checkout-complete.png")

    qtbot.mouseClick(panel.my_learning_button, Qt.MouseButton.LeftButton)
    assert app.window.pages.currentWidget() is app.window.my_learning_page
    page = app.window.my_learning_page
    qtbot.waitUntil(lambda: "Practical SQLite" in page.course_titles(), timeout=10_000)

    app.window.go_to_page("Purchases")
    table = app.window.purchases_page
    qtbot.waitUntil(lambda: table.status_of(0) == "Paid", timeout=10_000)
    assert table.table.item(0, 1).text() == "Practical SQLite"
    assert table.table.item(0, 2).text() == "19.99 USD"
    save_png(app.window, shots / "purchases-page.png")


def test_cancel_from_the_panel_says_nothing_was_charged(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    app, opened = _student_at_catalog(qtbot, start_app, live_server, link)
    qtbot.mouseClick(app.window.catalog_page.detail.action, Qt.MouseButton.LeftButton)
    panel = app.purchases.panel
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.heading.text() == "Purchase cancelled", timeout=10_000)
    assert "Nothing was charged" in panel.message.text()
    save_png(panel, shots / "checkout-cancelled.png")
    assert app.window.catalog_page.detail.action.text() == "&Buy for 19.99 USD"


def test_offline_buy_says_a_connection_is_needed_and_opens_nothing(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    app, opened = _student_at_catalog(qtbot, start_app, live_server, link)
    link.cut()
    app.window.set_online(False)
    detail = app.window.catalog_page.detail
    assert "Paying needs a connection" in detail.note.text()
    qtbot.mouseClick(detail.action, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert opened == []
    assert not app.purchases.panel.isVisible()
    assert "nothing is queued" in detail.note.text()
    save_png(app.window, shots / "catalog-offline-buy.png")


def test_without_a_browser_the_payment_link_can_be_copied(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    app, opened = _student_at_catalog(qtbot, start_app, live_server, link)

    def no_browser(url: QUrl) -> bool:  # a machine where nothing opens web pages
        opened.append(url.toString())
        return False

    app.purchases._open_url = no_browser  # type: ignore[method-assign]
    qtbot.mouseClick(app.window.catalog_page.detail.action, Qt.MouseButton.LeftButton)
    panel = app.purchases.panel
    qtbot.waitUntil(panel.link_row.isVisible, timeout=10_000)
    assert panel.link.text() == opened[0]
    assert panel.link.isReadOnly()
    assert "No browser opened" in panel.message.text()
    save_png(panel, shots / "checkout-no-browser.png")

    QApplication.clipboard().clear()
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == opened[0]
    assert panel.copy_button.text() == "Copied"

    live_server.pay(opened[0])  # paid from a browser elsewhere
    app.purchases.poll_all()
    qtbot.waitUntil(lambda: panel.heading.text() == "Purchase complete", timeout=20_000)
    assert not panel.link_row.isVisible()
