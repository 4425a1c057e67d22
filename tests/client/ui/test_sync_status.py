"""The status bar and the sync panel tell the truth about sync: synced, offline with changes
waiting, refused changes with their reasons."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.sync import SetPositionArgs, SetRatingArgs
from lmsdesk.sync.engine import SyncOutcome, SyncStatus
from lmsdesk.ui.sync_panel import SyncPanel
from lmsdesk.ui.sync_presenter import describe
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, signed_in_student

FREE = demo_id("course:offline-first-basics")
PAID = demo_id("course:practical-sqlite")
VIDEO = demo_id("offline-first-basics:video")


@pytest.mark.parametrize(
    ("outcome", "text", "warning"),
    [
        (SyncOutcome(SyncStatus.IDLE), "✓ Synced 14:05", False),
        (SyncOutcome(SyncStatus.IDLE, pending=1), "✓ Synced 14:05 · 1 change waiting", False),
        (SyncOutcome(SyncStatus.IDLE, failed=2), "✓ Synced 14:05 · 2 changes refused", True),
        (SyncOutcome(SyncStatus.OFFLINE, pending=3), "3 changes waiting", False),
        (SyncOutcome(SyncStatus.OFFLINE), "Nothing waiting", False),
        (SyncOutcome(SyncStatus.ERROR, message="boom"), "Sync failed: boom", True),
        (SyncOutcome(SyncStatus.UPGRADE_REQUIRED), "Update LMSDesk to sync", True),
    ],
)
def test_each_sync_state_reads_plainly(outcome: SyncOutcome, text: str, warning: bool) -> None:
    assert describe(outcome, at=datetime(2026, 1, 1, 14, 5)) == (text, warning)


def _synced(qtbot: QtBot, app: Application) -> SyncOutcome:
    with qtbot.waitSignal(app.sync.finished, timeout=20_000) as finished:
        app.sync.sync_now()
    outcome: SyncOutcome = finished.args[0]
    return outcome


def test_offline_changes_wait_and_go_out_on_reconnect(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    assert app.window.sync_button.text().startswith("✓ Synced")
    engine = app.session.sync_engine
    assert engine is not None

    link.cut()
    engine.record(m.SET_POSITION, SetPositionArgs(lesson_id=VIDEO, position_seconds=8))
    outcome = _synced(qtbot, app)
    assert outcome.status is SyncStatus.OFFLINE
    assert app.window.sync_button.text() == "1 change waiting"
    assert "Offline" in app.window.connection_label.text()

    app.window.sync_panel_requested.emit()
    presenter_panel = _panel(qtbot, app)
    items = [presenter_panel.pending.item(i).text() for i in range(presenter_panel.pending.count())]
    assert items == ["Position in 'Welcome (video)' in 'Offline-First Apps: The Basics'"]

    link.restore()
    assert _synced(qtbot, app).status is SyncStatus.IDLE
    assert app.window.sync_button.text().startswith("✓ Synced")
    qtbot.waitUntil(lambda: presenter_panel.pending.item(0).text().startswith("Nothing waiting"))
    assert "Online" in app.window.connection_label.text()


def _panel(qtbot: QtBot, app: Application) -> SyncPanel:
    qtbot.waitUntil(lambda: app.window.findChild(SyncPanel) is not None)
    panel = app.window.findChild(SyncPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: panel.pending_title.text() != "", timeout=10_000)
    return panel


def test_a_refused_change_is_shown_with_its_reason(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    engine = app.session.sync_engine
    assert engine is not None
    engine.record(m.SET_RATING, SetRatingArgs(course_id=PAID, rating=4))
    _synced(qtbot, app)
    assert app.window.sync_button.text().endswith("· 1 change refused")

    app.window.sync_panel_requested.emit()
    panel = _panel(qtbot, app)
    qtbot.waitUntil(lambda: panel.failed.count() == 1, timeout=10_000)
    assert panel.failed.item(0).text() == (
        "Rating of 'Practical SQLite': Only students enrolled in a course can rate it."
    )
    panel.dismiss_button.click()
    qtbot.waitUntil(lambda: panel.failed.count() == 0, timeout=10_000)


def test_a_local_change_is_synced_shortly_after_without_asking(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    engine = app.session.sync_engine
    assert engine is not None
    with qtbot.waitSignal(app.sync.finished, timeout=10_000) as finished:
        engine.record(m.SET_POSITION, SetPositionArgs(lesson_id=VIDEO, position_seconds=3))
    assert finished.args[0].pushed == 1


def _lines(page: object) -> list[str]:
    items = page.items  # type: ignore[attr-defined]
    return [items.item(i).text().splitlines()[0] for i in range(items.count())]


def test_synced_courses_are_listed_and_stay_listed_offline(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)  # enrolled in the free course
    qtbot.waitUntil(lambda: app.window.catalog_page.items.count() == 3, timeout=10_000)
    assert _lines(app.window.catalog_page) == [
        "Offline-First Apps: The Basics  ✓ Enrolled",
        "Practical SQLite",
        "Sync Engines in Practice",
    ]
    qtbot.waitUntil(lambda: bool(app.window.my_learning_page.cards), timeout=10_000)
    assert app.window.my_learning_page.course_titles() == ["Offline-First Apps: The Basics"]
    app.window.close()
    app.shutdown()

    link.cut()
    offline = start_app(link.url)
    qtbot.waitUntil(lambda: offline.window.catalog_page.items.count() == 3, timeout=15_000)
    assert not offline.window.catalog_page.empty_state.isVisible()
