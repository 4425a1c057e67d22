"""The account from the app, driven as a new user would, against the real server: signing up
and confirming the email, a forgotten password, the profile, the password, and two-factor
sign-in with a code from an authenticator (pyotp stands in for the phone)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import httpx
import pyotp
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lmsdesk.contracts.common import Role
from lmsdesk.ui.password_reset_dialog import PasswordResetDialog
from lmsdesk.ui.security_dialogs import ChangePasswordDialog, TwoFactorSetupDialog
from lmsdesk.ui.sign_up_dialog import SignUpDialog
from tests.support.images import png
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.ui import AppFactory, first_dialog, sign_in, submit


def _click(qtbot: QtBot, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _next_dialog(qtbot: QtBot, app: Any, action: Any) -> Any:
    with qtbot.waitSignal(app.account.dialog_shown, timeout=10_000) as shown:
        action()
    return shown.args[0]


def test_a_new_student_signs_up_in_the_app_and_confirms_the_email_from_the_banner(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    app = start_app(live_server.url)
    sign_in_dialog = first_dialog(qtbot, app)
    dialog = _next_dialog(qtbot, app, lambda: _click(qtbot, sign_in_dialog.sign_up_button))
    assert isinstance(dialog, SignUpDialog)
    dialog.name.setText("Nia New")
    dialog.email.setText("nia@example.com")
    dialog.password.setText("password1")
    assert dialog.strength.text().startswith(("Very weak", "Weak")), dialog.strength.text()
    _click(qtbot, dialog.create_button)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert "easy to guess" in dialog.error.text()

    dialog.password.setText("quiet lantern orchard 42")
    assert dialog.strength.text().startswith(("Strong", "Very strong"))
    _click(qtbot, dialog.create_button)
    qtbot.waitUntil(lambda: "terms" in dialog.error.text(), timeout=10_000)
    # The dialog's focus goes to the box to tick (hasFocus would also need the window to be
    # the active one, which a loaded machine may hand to the main window first).
    assert dialog.focusWidget() is dialog.terms

    dialog.terms.setChecked(True)
    with qtbot.waitSignal(app.controller.signed_in, timeout=15_000):
        _click(qtbot, dialog.create_button)
    window = app.window
    assert window.user_label.text() == "Nia New (student)"
    banner = window.verify_banner
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert "nia@example.com" in banner.text.text()
    assert "Welcome, Nia New" in window.notice_text.text()

    banner.code.setText("AAAA-BBBB-CCCC")
    _click(qtbot, banner.confirm_button)
    qtbot.waitUntil(lambda: "not" in banner.text.text().lower(), timeout=10_000)
    assert banner.isVisible()
    banner.code.setText(live_server.mailed_code("nia@example.com").lower())
    qtbot.keyClick(banner.code, "\r")
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10_000)
    assert "confirmed" in window.notice_text.text()
    assert live_server.me("nia@example.com")["verified"] is True


def test_a_forgotten_password_is_reset_from_the_sign_in_dialog(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    email = live_server.create_user(Role.STUDENT)
    app = start_app(live_server.url)
    sign_in_dialog = first_dialog(qtbot, app)
    sign_in_dialog.email.setText(email)
    dialog = _next_dialog(qtbot, app, lambda: _click(qtbot, sign_in_dialog.forgot_button))
    assert isinstance(dialog, PasswordResetDialog)
    assert dialog.email.text() == email
    _click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1, timeout=10_000)
    assert email in dialog.sent.text()

    dialog.code.setText(live_server.mailed_code(email))
    dialog.new_password.setText("a brand new passphrase")
    dialog.again.setText("a brand new passphrase!")
    _click(qtbot, dialog.next_button)
    assert "differ" in dialog.error.text()
    dialog.again.setText("a brand new passphrase")
    _click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: "password is changed" in sign_in_dialog.accounts.text(), timeout=10_000)

    with qtbot.waitSignal(app.controller.signed_in, timeout=15_000):
        submit(
            qtbot,
            sign_in_dialog,
            server=live_server.url,
            email=email,
            password="a brand new passphrase",
        )


def test_the_profile_is_saved_and_a_refresh_never_overwrites_unsaved_typing(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    email = live_server.create_user(Role.STUDENT, name="Pat")
    app = start_app(live_server.url)
    sign_in(qtbot, app, live_server.url, email)
    app.window.go_to_page("Account")
    page = app.window.account_page
    qtbot.waitUntil(page.profile_card.isVisible, timeout=5000)
    assert page.full_name.text() == "Pat"

    page.headline.setText("Learning SQLite on trains")
    page.timezone.setCurrentText("Europe/Berlin")
    assert page.revert_button.isEnabled()
    app.controller.check_connection()  # what the 30 s timer does
    qtbot.wait(500)
    assert page.headline.text() == "Learning SQLite on trains", "the refresh kept the typing"

    _click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: page.profile_status.text() == "Saved.", timeout=10_000)
    saved = live_server.me(email)
    assert (saved["headline"], saved["timezone"]) == ("Learning SQLite on trains", "Europe/Berlin")

    page.timezone.setCurrentText("Not/AZone")
    _click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "not a time zone" in page.profile_status.text(), timeout=10_000)
    _click(qtbot, page.revert_button)
    assert page.timezone.currentText() == "Europe/Berlin"


def test_changing_the_password_and_turning_on_two_factor_sign_in(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    email = live_server.create_user(Role.STUDENT)
    app = start_app(live_server.url)
    sign_in(qtbot, app, live_server.url, email)
    app.window.go_to_page("Account")
    page = app.window.account_page
    qtbot.waitUntil(page.security_card.isVisible, timeout=5000)

    change = _next_dialog(qtbot, app, lambda: _click(qtbot, page.password_button))
    assert isinstance(change, ChangePasswordDialog)
    change.current.setText("not my password")
    change.new.setText("another long passphrase")
    change.again.setText("another long passphrase")
    _click(qtbot, change.ok_button)
    qtbot.waitUntil(change.error.isVisible, timeout=10_000)
    change.current.setText(PASSWORD)
    _click(qtbot, change.ok_button)
    qtbot.waitUntil(lambda: "password is changed" in app.window.notice_text.text(), timeout=10_000)

    setup = _next_dialog(qtbot, app, lambda: _click(qtbot, page.two_factor_button))
    assert isinstance(setup, TwoFactorSetupDialog)
    assert not setup.qr.pixmap().isNull()
    secret = setup.secret.text().replace(" ", "")
    setup.code.setText("000000")
    _click(qtbot, setup.ok_button)
    qtbot.waitUntil(setup.error.isVisible, timeout=10_000)
    setup.code.setText(pyotp.TOTP(secret).now())
    _click(qtbot, setup.ok_button)
    qtbot.waitUntil(lambda: setup.steps.currentIndex() == 1, timeout=10_000)
    codes = setup.codes.toPlainText().split()
    assert len(codes) >= 8
    _click(qtbot, setup.ok_button)
    qtbot.waitUntil(lambda: "is on" in page.two_factor_state.text(), timeout=10_000)
    assert live_server.me(email)["two_factor"] is True

    # Signing in again now asks for a code.
    with qtbot.waitSignal(app.controller.signed_out, timeout=10_000):
        _click(qtbot, page.sign_out_button)
    _click(qtbot, page.sign_in_button)
    dialog = first_dialog(qtbot, app)
    submit(qtbot, dialog, server=live_server.url, email=email, password="another long passphrase")
    qtbot.waitUntil(dialog.otp.isVisible, timeout=10_000)
    assert dialog.focusWidget() is dialog.otp
    dialog.otp.setText(codes[0])  # a recovery code works once
    with qtbot.waitSignal(app.controller.signed_in, timeout=15_000):
        qtbot.keyClick(dialog.otp, "\r")


def test_a_picture_is_cropped_square_uploaded_and_shown(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, tmp_path: Path
) -> None:
    email = live_server.create_user(Role.STUDENT, name="Pia Picture")
    app = start_app(live_server.url)
    sign_in(qtbot, app, live_server.url, email)
    app.window.go_to_page("Account")
    page = app.window.account_page
    qtbot.waitUntil(lambda: page.picture.text() == "PP", timeout=10_000)  # initials, no picture
    assert not page.remove_picture_button.isEnabled()

    wide = tmp_path / "holiday.png"
    wide.write_bytes(png(300, 120))  # a wide photo: its centre square is kept
    page.picture_chosen.emit(str(wide))
    qtbot.waitUntil(lambda: not page.picture.pixmap().isNull(), timeout=10_000)
    assert page.remove_picture_button.isEnabled()
    assert "picture is saved" in app.window.notice_text.text()
    me = live_server.me(email)
    assert me["avatar"] is not None
    picture = httpx.get(f"{live_server.url}/api/v1/users/{me['id']}/avatar")
    assert picture.status_code == 200
    assert picture.content.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", picture.content[16:24])
    assert (width, height) == (256, 256)

    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("just text")
    page.picture_chosen.emit(str(not_a_picture))
    qtbot.waitUntil(lambda: "not a picture" in app.window.notice_text.text(), timeout=10_000)

    page.remove_picture_button.click()
    qtbot.waitUntil(lambda: page.picture.text() == "PP", timeout=10_000)
    assert live_server.me(email)["avatar"] is None
