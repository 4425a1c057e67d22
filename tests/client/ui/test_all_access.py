"""The all-access plan from the Purchases page: Subscribe opens the payment page, the paid plan
arrives with the next sync (every paid course in My learning, the renewal date on the card),
Manage opens the provider's portal, and a cancellation ends access after the sync."""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, signed_in_student


def test_subscribe_manage_and_cancel_the_plan(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:  # the system browser, recorded
        opened.append(url.toString())
        return True

    app.plan.open_url = open_url
    window = app.window
    window.go_to_page("Purchases")
    card = window.purchases_page.plan
    qtbot.waitUntil(lambda: "every course in the catalog" in card.text.text(), timeout=10_000)
    assert card.monthly.isVisible()
    assert card.monthly.text() == "Subscribe, 12.00 USD a month"
    assert not card.manage.isVisible()
    card.monthly.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    assert "/checkout/test/cs_test_" in opened[0]
    live_server.pay(opened[0])
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    qtbot.waitUntil(lambda: "Renews on" in card.text.text(), timeout=10_000)
    assert not card.monthly.isVisible()
    assert card.manage.isVisible()
    learning = window.my_learning_page
    qtbot.waitUntil(
        lambda: {"Practical SQLite", "Sync Engines in Practice"} <= set(learning.course_titles()),
        timeout=10_000,
    )
    for size in ((760, 480), (1100, 720)):
        window.resize(*size)
        qtbot.wait(50)
        save_png(window, shots / f"purchases-all-access-{size[0]}x{size[1]}.png")

    card.manage.click()
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    assert "/checkout/test/portal/sub_test_" in opened[1]
    done = httpx.post(f"{opened[1]}/cancel_now", timeout=30)
    assert done.status_code == 200, done.text
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    qtbot.waitUntil(lambda: "has ended" in card.text.text(), timeout=10_000)
    assert card.monthly.isVisible()  # subscribe again
    qtbot.waitUntil(lambda: "Practical SQLite" not in learning.course_titles(), timeout=10_000)
