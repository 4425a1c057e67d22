"""Render the main window and the sign-in dialog to PNG, as a person would see them.

The PNGs go to $LMSDESK_SCREENSHOT_DIR when set (to look at them), else to a temporary folder.
The assertions catch a blank or collapsed render; the eyes catch the rest.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from tests.support.live_server import LiveServer, dead_url
from tests.support.network import CuttableLink
from tests.support.ui import (
    AppFactory,
    first_dialog,
    save_png,
    sign_in,
    start_offline_after_sign_in,
)


def test_render_sign_in_dialog_and_main_window(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, shots: Path
) -> None:
    app = start_app(live_server.url)
    dialog = first_dialog(qtbot, app)
    save_png(dialog, shots / "sign-in-dialog.png")
    dialog.show_error("The email or password is not correct.", "password")
    save_png(dialog, shots / "sign-in-dialog-error.png")

    email = live_server.create_user(Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN, name="Ada Admin")
    sign_in(qtbot, app, live_server.url, email)
    app.window.resize(1100, 720)
    save_png(app.window, shots / "main-window-catalog.png")
    app.window.go_to_page("Account")
    save_png(app.window, shots / "main-window-account.png")


def test_render_offline_window(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, shots: Path
) -> None:
    link = CuttableLink(int(live_server.url.rsplit(":", 1)[1]))
    try:
        second = start_offline_after_sign_in(qtbot, start_app, live_server, link)
        second.window.resize(1100, 720)
        save_png(second.window, shots / "main-window-offline.png")
    finally:
        link.close()


def test_render_signed_out_window(qtbot: QtBot, start_app: AppFactory, shots: Path) -> None:
    app = start_app(dead_url())
    dialog = first_dialog(qtbot, app)
    dialog.reject()
    app.window.resize(1100, 720)
    save_png(app.window, shots / "main-window-signed-out.png")


def test_render_sync_panel_with_waiting_and_refused_changes(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, shots: Path
) -> None:
    from lmsdesk.contracts.sync import SetPositionArgs, SetRatingArgs
    from lmsdesk.ui.sync_panel import SyncPanel
    from lmsdesk_server.demo.seed import demo_id

    link = CuttableLink(int(live_server.url.rsplit(":", 1)[1]))
    try:
        email = live_server.create_user(Role.STUDENT, name="Sam Student")
        live_server.enroll(email, demo_id("course:offline-first-basics"))
        app = start_app(link.url)
        with qtbot.waitSignal(app.sync.finished, timeout=30_000):
            sign_in(qtbot, app, link.url, email)
        engine = app.session.sync_engine
        assert engine is not None
        engine.record(
            m.SET_RATING, SetRatingArgs(course_id=demo_id("course:practical-sqlite"), rating=5)
        )
        with qtbot.waitSignal(app.sync.finished, timeout=20_000):
            app.sync.sync_now()
        link.cut()
        engine.record(
            m.SET_POSITION,
            SetPositionArgs(lesson_id=demo_id("offline-first-basics:video"), position_seconds=12),
        )
        with qtbot.waitSignal(app.sync.finished, timeout=20_000):
            app.sync.sync_now()
        app.window.resize(1100, 720)
        save_png(app.window, shots / "main-window-sync-offline.png")
        app.window.sync_panel_requested.emit()
        qtbot.waitUntil(lambda: app.window.findChild(SyncPanel) is not None)
        panel = app.window.findChild(SyncPanel)
        assert panel is not None
        qtbot.waitUntil(lambda: panel.failed.count() == 1, timeout=10_000)
        save_png(panel, shots / "sync-panel.png")
    finally:
        link.close()
