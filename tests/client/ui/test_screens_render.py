"""Render the main window and the sign-in dialog to PNG, as a person would see them.

The PNGs go to $LMSDESK_SCREENSHOT_DIR when set (to look at them), else to a temporary folder.
The assertions catch a blank or collapsed render; the eyes catch the rest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from lmsdesk.contracts.common import Role
from tests.client.ui.conftest import AppFactory
from tests.client.ui.test_sign_in_flow import (
    _first_dialog,
    sign_in,
    start_offline_after_sign_in,
)
from tests.support.live_server import LiveServer, dead_url
from tests.support.network import CuttableLink


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LMSDESK_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save(widget: QWidget, path: Path) -> QImage:
    QApplication.processEvents()  # let pending layout requests settle, as on a real screen
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= widget.width()
    # Not blank: a real render has many distinct colours (text, borders, accents).
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}  # fmt: skip
    assert len(colours) > 8, f"{path.name} looks blank"
    return image


def test_render_sign_in_dialog_and_main_window(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, shots: Path
) -> None:
    app = start_app(live_server.url)
    dialog = _first_dialog(qtbot, app)
    _save(dialog, shots / "sign-in-dialog.png")
    dialog.show_error("The email or password is not correct.", "password")
    _save(dialog, shots / "sign-in-dialog-error.png")

    email = live_server.create_user(Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN, name="Ada Admin")
    sign_in(qtbot, app, live_server.url, email)
    app.window.resize(1100, 720)
    _save(app.window, shots / "main-window-catalog.png")
    app.window.go_to_page("Account")
    _save(app.window, shots / "main-window-account.png")


def test_render_offline_window(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, shots: Path
) -> None:
    link = CuttableLink(int(live_server.url.rsplit(":", 1)[1]))
    try:
        second = start_offline_after_sign_in(qtbot, start_app, live_server, link)
        second.window.resize(1100, 720)
        _save(second.window, shots / "main-window-offline.png")
    finally:
        link.close()


def test_render_signed_out_window(qtbot: QtBot, start_app: AppFactory, shots: Path) -> None:
    app = start_app(dead_url())
    dialog = _first_dialog(qtbot, app)
    dialog.reject()
    app.window.resize(1100, 720)
    _save(app.window, shots / "main-window-signed-out.png")
