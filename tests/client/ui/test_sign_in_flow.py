"""The main window and the sign-in dialog, driven as a user would, against the real server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lmsdesk.contracts.common import Role
from lmsdesk.services.learning import LearningService
from lmsdesk.ui.main_window import NAVIGATION
from lmsdesk.ui.session_controller import SignOutChoice
from lmsdesk_server.demo.seed import demo_id
from tests.fakes import MemoryKeyring
from tests.support.live_server import PASSWORD, LiveServer, dead_url
from tests.support.network import CuttableLink
from tests.support.ui import (
    AppFactory,
    first_dialog,
    sign_in,
    signed_in_student,
    start_offline_after_sign_in,
    submit,
)

TEXT = demo_id("offline-first-basics:text")


def test_first_start_asks_to_sign_in_then_shows_the_user(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    email = live_server.create_user(Role.STUDENT, name="Sam Student")
    app = start_app(live_server.url)
    dialog = first_dialog(qtbot, app)
    assert dialog.server.text() == live_server.url

    with qtbot.waitSignal(app.controller.signed_in, timeout=15_000):
        submit(qtbot, dialog, server=live_server.url, email=email, password=PASSWORD)

    window = app.window
    assert not dialog.isVisible()
    assert window.user_label.text() == "Sam Student (student)"
    assert "Online" in window.connection_label.text()
    assert window.server_label.text() == live_server.url
    assert window.pages.currentWidget().title == "Catalog"  # type: ignore[attr-defined]


def test_wrong_password_keeps_the_dialog_open_with_a_message(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    email = live_server.create_user(Role.STUDENT)
    app = start_app(live_server.url)
    dialog = first_dialog(qtbot, app)
    submit(qtbot, dialog, server=live_server.url, email=email, password="wrong password")

    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert "email or password is not correct" in dialog.error.text()
    assert dialog.isVisible()
    assert dialog.sign_in_button.isEnabled()  # ready for another try
    assert dialog.password.hasFocus() or dialog.password.selectedText() == "wrong password"
    assert memory_keyring.passwords == {}
    assert app.window.user_label.text() == "Not signed in"


def test_unreachable_server_is_said_plainly(qtbot: QtBot, start_app: AppFactory) -> None:
    nowhere = dead_url()
    app = start_app(nowhere)
    dialog = first_dialog(qtbot, app)
    submit(qtbot, dialog, server=nowhere, email="a@example.com", password="whatever")
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert f"Cannot reach the server at {nowhere}" in dialog.error.text()


@pytest.mark.parametrize(
    ("roles", "pages"),
    [
        (
            (Role.STUDENT,),
            ["Catalog", "My learning", "Community", "Cart", "Purchases", "Account"],
        ),
        (
            (Role.INSTRUCTOR,),
            ["Catalog", "My learning", "Community", "Authoring", "Grading", "Insights", "Account"],
        ),
        (
            (Role.ADMIN,),
            ["Catalog", "My learning", "Community", "Moderation", "Admin", "Account"],
        ),
        (
            (Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN),
            [
                "Catalog",
                "My learning",
                "Community",
                "Cart",
                "Purchases",
                "Authoring",
                "Grading",
                "Insights",
                "Moderation",
                "Admin",
                "Account",
            ],
        ),
    ],
)
def test_navigation_follows_roles(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    roles: tuple[Role, ...],
    pages: list[str],
) -> None:
    app = start_app(live_server.url)
    sign_in(qtbot, app, live_server.url, live_server.create_user(*roles))
    assert app.window.visible_pages() == pages
    # Ctrl+N opens the Nth visible page (Ctrl+0 the tenth); a page the role lacks never.
    with qtbot.waitActive(app.window):
        app.window.activateWindow()
    for position, title in enumerate(pages[:10]):  # an eleventh page has no number
        key = Qt.Key(Qt.Key.Key_0 + (position + 1) % 10)  # Ctrl+0: the tenth
        qtbot.keyClick(app.window, key, Qt.KeyboardModifier.ControlModifier)
        assert app.window.pages.currentWidget().title == title  # type: ignore[attr-defined]
    authoring = [title for title, _role in NAVIGATION].index("Authoring")
    app.window.go_to(authoring)  # by index: refused without the instructor role
    if Role.INSTRUCTOR not in roles:
        assert app.window.pages.currentWidget().title == pages[-1]  # type: ignore[attr-defined]


def test_sign_out_forgets_the_sign_in(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = start_app(live_server.url)
    sign_in(qtbot, app, live_server.url, live_server.create_user(Role.STUDENT))
    assert len(memory_keyring.passwords) == 1

    app.window.go_to_page("Account")
    with qtbot.waitSignal(app.controller.signed_out, timeout=10_000):
        qtbot.mouseClick(app.window.account_page.sign_out_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.passwords == {}
    assert app.window.user_label.text() == "Not signed in"
    assert app.window.visible_pages() == ["Account"]
    assert app.window.account_page.sign_in_button.isVisible()

    # The next start asks again, with the email filled in.
    again = start_app(live_server.url)
    dialog = first_dialog(qtbot, again)
    assert dialog.email.text() != ""


def test_next_start_signs_in_silently(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    email = live_server.create_user(Role.INSTRUCTOR, name="Ines")
    first = start_app(live_server.url)
    sign_in(qtbot, first, live_server.url, email)
    first.window.close()
    first.shutdown()

    second = start_app(live_server.url)
    with qtbot.assertNotEmitted(second.controller.sign_in_shown, wait=0):
        qtbot.waitSignal(second.controller.signed_in, timeout=15_000).wait()
    assert second.window.user_label.text() == "Ines (instructor)"
    assert second.controller.dialog is None


def test_offline_start_shows_the_last_account_and_says_so(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    link = CuttableLink(int(live_server.url.rsplit(":", 1)[1]))
    try:
        window = start_offline_after_sign_in(qtbot, start_app, live_server, link).window
        assert window.user_label.text() == "Olive (student)"
        assert "Offline" in window.connection_label.text()
        assert window.offline_banner.isVisible()
        assert "working from this computer's copy" in window.offline_text.text()

        link.restore()  # back on the ground: F5 (or the 30 s timer) notices
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: "Online" in window.connection_label.text(), timeout=10_000)
        assert not window.offline_banner.isVisible()
    finally:
        link.close()


def test_a_mistyped_email_is_said_plainly_and_the_dialog_grows_to_say_it(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    app = start_app(live_server.url)
    dialog = first_dialog(qtbot, app)
    # The address is the default one: folded away behind a link, email first, and a hint on
    # where accounts come from (with the demo accounts, on this computer's server).
    assert not dialog.server.isVisible()
    assert dialog.server_toggle.isVisible()
    assert dialog.sign_up_button.isVisible()
    assert "student@example.com" in dialog.accounts.text()
    before = dialog.height()

    submit(qtbot, dialog, server=live_server.url, email="sam.example.com", password="x")
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.text() == (
        "“sam.example.com” is not an email address: it looks like you@example.com."
    )
    assert dialog.focusWidget() is dialog.email
    assert dialog.height() > before, "the message gets room instead of squashing the fields"
    assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_signing_out_with_unsynced_changes_says_so_and_offers_to_sync_first(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    email = app.session.current.profile.email  # type: ignore[union-attr]
    link.cut()
    learning = LearningService(app.session)
    learning.complete(learning.lesson(TEXT))
    asked: list[list[str]] = []
    answers = [SignOutChoice.SYNC_FIRST, SignOutChoice.SIGN_OUT]

    def answer(unsynced: list[str]) -> SignOutChoice:
        asked.append(unsynced)
        return answers.pop(0)

    app.controller.ask_before_sign_out = answer
    app.window.go_to_page("Account")
    # "Sync first": a sync starts and nobody is signed out (offline, the change stays queued).
    with qtbot.waitSignal(app.sync.finished, timeout=10_000):
        qtbot.mouseClick(app.window.account_page.sign_out_button, Qt.MouseButton.LeftButton)
    assert len(asked[0]) == 1
    assert app.session.current is not None
    # "Sign out anyway": signed out, and the same password opens the courses again offline.
    with qtbot.waitSignal(app.controller.signed_out, timeout=10_000):
        qtbot.mouseClick(app.window.account_page.sign_out_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    qtbot.mouseClick(app.window.account_page.sign_in_button, Qt.MouseButton.LeftButton)
    dialog = first_dialog(qtbot, app)
    assert dialog.email.text() == email
    with qtbot.waitSignal(app.controller.signed_in, timeout=15_000) as signal:
        submit(qtbot, dialog, server=link.url, email=email, password=PASSWORD)
    assert not signal.args[0].online
    assert "Offline" in app.window.connection_label.text()
    assert app.session.unsynced_changes() != []
    assert not [r for r in caplog.records if r.levelname == "ERROR"], "no tracebacks at sign-out"
