"""Purchases: the selected paid order's PDF receipt, fetched off the UI thread, kept beside the
account's data and opened in the PDF viewer; offline, the kept copy opens, and a receipt never
fetched says it needs the server."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.demo.seed import demo_id
from tests.server.analytics.helpers import paid_order
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, sign_in

PAID = demo_id("course:practical-sqlite")
QT_PLUS = demo_id("course:qt-for-python")


def test_a_receipt_opens_online_and_its_copy_offline(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    email = live_server.create_user(name="Rita Receipt")
    with transaction(live_server.context.session_factory) as db:
        buyer = UserRepository(db).by_email(email)
        assert buyer is not None
        first = paid_order(db, buyer.id, PAID, 1999).id
        second = paid_order(db, buyer.id, QT_PLUS, 2900).id
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    opened: list[QUrl] = []
    app.purchases._open_url = lambda url: opened.append(url) or True  # type: ignore[method-assign]
    window = app.window
    window.go_to_page("Purchases")
    page = window.purchases_page
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
    assert not page.receipt_button.isEnabled()  # nothing selected yet
    rows = {page.table.item(r, 1).text(): r for r in range(2)}
    page.table.selectRow(rows["Practical SQLite"])
    assert page.receipt_button.isEnabled()
    page.receipt_button.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    path = opened[0].toLocalFile()
    assert path.endswith(f"receipt-{first}.pdf")
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    link.cut()
    page.receipt_button.click()  # the kept copy
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    assert opened[1].toLocalFile() == path
    page.table.selectRow(rows[next(t for t in rows if t != "Practical SQLite")])
    page.receipt_button.click()  # never fetched: needs the server
    qtbot.waitUntil(lambda: "connect once" in window.notice_text.text(), timeout=10_000)
    assert len(opened) == 2
    assert str(second) not in window.notice_text.text()
