"""What UI tests share: starting the app (the type of the start_app fixture), signing in through
the dialog as a user does, and saving a widget as the PNG a person looks at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.common import Role
from lmsdesk.ui.sign_in_dialog import SignInDialog
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.network import CuttableLink

AppFactory = Callable[..., Application]
FREE = demo_id("course:offline-first-basics")


def first_dialog(qtbot: QtBot, app: Application) -> SignInDialog:
    qtbot.waitUntil(lambda: app.controller.dialog is not None, timeout=10_000)
    dialog = app.controller.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def submit(qtbot: QtBot, dialog: SignInDialog, *, server: str, email: str, password: str) -> None:
    dialog.server.setText(server)
    dialog.email.setText(email)
    dialog.password.setText(password)
    qtbot.keyClick(dialog.password, "\r")  # Enter signs in


def sign_in(
    qtbot: QtBot, app: Application, server: str, email: str, password: str = PASSWORD
) -> None:
    dialog = first_dialog(qtbot, app)
    with qtbot.waitSignal(app.controller.signed_in, timeout=15_000):
        submit(qtbot, dialog, server=server, email=email, password=password)


def start_offline_after_sign_in(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> Application:
    """Sign in once, quit, cut the network, start again: the laptop on a plane."""
    first = start_app(link.url)
    sign_in(qtbot, first, link.url, live_server.create_user(Role.STUDENT, name="Olive"))
    first.window.close()
    first.shutdown()
    link.cut()
    second = start_app(link.url)
    with qtbot.waitSignal(second.controller.signed_in, timeout=15_000) as signal:
        pass
    assert not signal.args[0].online
    return second


def signed_in_student(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> Application:
    """A student enrolled in the free demo course, signed in, the first sync done."""
    email = live_server.create_user(Role.STUDENT, name="Sam")
    live_server.enroll(email, FREE)
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):  # the first sync after sign-in
        sign_in(qtbot, app, link.url, email)
    return app


def save_png(widget: QWidget, path: Path) -> QImage:
    """The widget as a person would see it, checked not to be blank or collapsed."""
    QApplication.processEvents()  # let pending layout requests settle, as on a real screen
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= widget.width()
    # Not blank: a real render has many distinct colours (text, borders, accents).
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 8, f"{path.name} looks blank"
    return image
