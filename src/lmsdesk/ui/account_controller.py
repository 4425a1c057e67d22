"""The account's screens and AccountService, joined: signing up and resetting a password from
the sign-in dialog, confirming the email from the banner, and the Account page's profile,
password and two-factor sign-in. Every call runs on a background lane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from lmsdesk.contracts.auth import RecoveryCodes
from lmsdesk.services.account import (
    AccountProblem,
    AccountService,
    TwoFactorSetup,
    timezones,
)
from lmsdesk.services.avatars import AvatarCache
from lmsdesk.services.session import SessionSnapshot, SignInFailed
from lmsdesk.ui.account_page import PICTURE_SIDE
from lmsdesk.ui.avatar_image import round_image, square_png
from lmsdesk.ui.failures import explain
from lmsdesk.ui.main_window import MainWindow
from lmsdesk.ui.password_reset_dialog import PasswordResetDialog
from lmsdesk.ui.security_dialogs import (
    ChangePasswordDialog,
    TwoFactorOffDialog,
    TwoFactorSetupDialog,
)
from lmsdesk.ui.session_controller import SessionController
from lmsdesk.ui.sign_in_dialog import SignInDialog
from lmsdesk.ui.sign_up_dialog import SignUpDialog
from lmsdesk.ui.tasks import Lane, TaskManager


class AccountController(QObject):
    #: A dialog of this controller opened (tests answer it).
    dialog_shown = Signal(object)

    def __init__(
        self,
        *,
        service: AccountService,
        avatars: AvatarCache,
        sessions: SessionController,
        tasks: TaskManager,
        window: MainWindow,
    ) -> None:
        super().__init__(window)
        self._service = service
        self._avatars = avatars
        self._sessions = sessions
        self._tasks = tasks
        self._window = window
        sessions.sign_in_shown.connect(self._sign_in_dialog_opened)
        window.verify_banner.code_entered.connect(self.verify)
        window.verify_banner.resend_requested.connect(self.resend)
        page = window.account_page
        page.profile_saved.connect(self.save_profile)
        page.change_password_requested.connect(self.open_change_password)
        page.two_factor_requested.connect(self.open_two_factor)
        page.picture_chosen.connect(self.set_picture)
        page.picture_removed.connect(self.remove_picture)
        sessions.signed_in.connect(lambda _snapshot: self.show_picture())
        tasks.run(timezones, on_success=page.set_timezones, lane=Lane.IO)

    # ------------------------------------------------------------------ signed out
    def _sign_in_dialog_opened(self, dialog: SignInDialog) -> None:
        dialog.sign_up_requested.connect(self.open_sign_up)
        dialog.reset_requested.connect(self.open_reset)

    def open_sign_up(self, server: str, email: str) -> None:
        dialog = SignUpDialog(self._window, server_url=server, email=email)

        def submitted(server: str, name: str, email: str, password: str, terms: bool) -> None:
            self._tasks.run(
                lambda: self._service.sign_up(
                    server, full_name=name, email=email, password=password, accepted_terms=terms
                ),
                on_success=lambda snapshot: self._signed_up(dialog, snapshot),
                on_failure=lambda error: dialog.show_error(*self._explain(error, "signing up")),
            )

        dialog.submitted.connect(submitted)
        self._show(dialog)

    def _signed_up(self, dialog: SignUpDialog, snapshot: SessionSnapshot) -> None:
        dialog.accept()
        self._sessions.enter_from_outside(snapshot)
        self._window.notify(
            f"Welcome, {snapshot.profile.full_name}. We sent a code to {snapshot.profile.email}: "
            "enter it in the yellow banner to confirm your email."
        )

    def open_reset(self, server: str, email: str) -> None:
        dialog = PasswordResetDialog(self._window, server_url=server, email=email)
        dialog.code_requested.connect(
            lambda server, email: self._tasks.run(
                lambda: self._service.request_reset(server, email),
                on_success=lambda _none: dialog.show_code_step(),
                lane=Lane.IO,
                on_failure=lambda error: dialog.show_error(*self._explain(error, "asking")),
            )
        )

        def reset(server: str, code: str, password: str) -> None:
            self._tasks.run(
                lambda: self._service.confirm_reset(server, code, password),
                on_success=lambda _none: self._reset_done(dialog),
                lane=Lane.IO,
                on_failure=lambda error: dialog.show_error(*self._explain(error, "resetting")),
            )

        dialog.reset_submitted.connect(reset)
        self._show(dialog)

    def _reset_done(self, dialog: PasswordResetDialog) -> None:
        email = dialog.email.text().strip()
        dialog.accept()
        sign_in = self._sessions.dialog
        if sign_in is not None:
            sign_in.email.setText(email)
            sign_in.password.clear()
            sign_in.show_info("Your password is changed, and every other sign-in ended. Sign in.")

    # ------------------------------------------------------------------ the banner
    def verify(self, code: str) -> None:
        banner = self._window.verify_banner
        self._tasks.run(
            lambda: self._service.verify_email(code),
            on_success=self._verified,
            on_failure=lambda error: banner.show_problem(self._explain(error, "confirming")[0]),
        )

    def _verified(self, snapshot: SessionSnapshot | None) -> None:
        if snapshot is not None:
            self._sessions.enter_from_outside(snapshot)
        self._window.show_verification(None)
        self._window.notify("Your email is confirmed: you can buy courses now.")

    def resend(self) -> None:
        self._tasks.run(
            self._service.resend_verification,
            on_success=lambda _none: self._window.notify("A new code is on its way."),
            lane=Lane.IO,
            on_failure=lambda error: self._window.verify_banner.show_problem(
                self._explain(error, "sending the code")[0]
            ),
        )

    # ------------------------------------------------------------------ the Account page
    def save_profile(self, name: str, headline: str, bio: str, timezone: str) -> None:
        page = self._window.account_page

        def saved(snapshot: SessionSnapshot | None) -> None:
            page.saved_done()
            page.show_saved("Saved.")
            if snapshot is not None:
                self._sessions.enter_from_outside(snapshot)

        self._tasks.run(
            lambda: self._service.save_profile(
                full_name=name, headline=headline, bio=bio, timezone=timezone
            ),
            on_success=saved,
            on_failure=lambda error: page.show_profile_error(self._explain(error, "saving")[0]),
        )

    def show_picture(self) -> None:
        """The signed-in person's picture on the Account page (fetched once, then from disk)."""
        me = self._service.me()
        if me is None:
            return
        initials = "".join(part[:1] for part in me.full_name.split()[:2]).upper()
        page = self._window.account_page
        self._tasks.run(
            lambda: round_image(self._avatars.fetch(me.id, me.avatar_asset_id), PICTURE_SIDE),
            on_success=lambda image: page.show_picture(image, initials=initials),
            on_failure=lambda _error: page.show_picture(None, initials=initials),
            lane=Lane.IO,
        )

    def set_picture(self, path: str) -> None:
        def upload() -> object:
            return self._service.set_avatar(square_png(Path(path)))

        self._tasks.run(
            upload,
            on_success=lambda _me: self._picture_changed("Your picture is saved."),
            on_failure=lambda error: self._window.notify(self._explain(error, "")[0]),
            lane=Lane.IO,
        )

    def remove_picture(self) -> None:
        self._tasks.run(
            self._service.remove_avatar,
            on_success=lambda _me: self._picture_changed("Your picture is removed."),
            on_failure=lambda error: self._window.notify(self._explain(error, "")[0]),
            lane=Lane.IO,
        )

    def _picture_changed(self, message: str) -> None:
        self._window.notify(message)
        self._tasks.run(
            self._service.refresh,
            on_success=self._refreshed_with_picture,
        )

    def _refreshed_with_picture(self, snapshot: SessionSnapshot | None) -> None:
        if snapshot is not None:
            self._sessions.enter_from_outside(snapshot)
        self.show_picture()

    def open_change_password(self) -> None:
        dialog = ChangePasswordDialog(self._window)

        def submitted(current: str, new: str) -> None:
            self._tasks.run(
                lambda: self._service.change_password(current, new),
                on_success=lambda _none: self._password_changed(dialog),
                lane=Lane.IO,
                on_failure=lambda error: dialog.show_field_error(
                    *self._explain(error, "changing the password")
                ),
            )

        dialog.submitted.connect(submitted)
        self._show(dialog)

    def _password_changed(self, dialog: ChangePasswordDialog) -> None:
        dialog.accept()
        self._window.notify("Your password is changed.")

    def open_two_factor(self, turn_on: bool) -> None:
        if not turn_on:
            off = TwoFactorOffDialog(self._window)
            off.code_entered.connect(
                lambda code: self._tasks.run(
                    lambda: self._service.disable_two_factor(code),
                    on_success=lambda snapshot: self._two_factor_changed(off, snapshot, False),
                    on_failure=lambda error: off.show_error(self._explain(error, "")[0], off.code),
                )
            )
            self._show(off)
            return
        self._tasks.run(
            self._service.start_two_factor,
            on_success=self._show_setup,
            lane=Lane.IO,
            on_failure=lambda error: self._window.notify(self._explain(error, "")[0]),
        )

    def _show_setup(self, setup: TwoFactorSetup) -> None:
        dialog = TwoFactorSetupDialog(self._window, secret=setup.secret, qr_png=setup.qr_png)

        def confirmed(codes: RecoveryCodes) -> None:
            dialog.show_recovery_codes(codes.recovery_codes)
            self._refresh()

        dialog.code_entered.connect(
            lambda code: self._tasks.run(
                lambda: self._service.confirm_two_factor(code),
                on_success=confirmed,
                lane=Lane.IO,
                on_failure=lambda error: dialog.show_error(
                    self._explain(error, "")[0], dialog.code
                ),
            )
        )
        self._show(dialog)

    def _two_factor_changed(
        self, dialog: TwoFactorOffDialog, snapshot: SessionSnapshot | None, on: bool
    ) -> None:
        dialog.accept()
        if snapshot is not None:
            self._sessions.enter_from_outside(snapshot)
        self._window.notify("Two-factor sign-in is " + ("on." if on else "off."))

    def _refresh(self) -> None:
        self._sessions.check_connection()  # the Account page learns two-factor is on

    # ------------------------------------------------------------------ helpers
    def _show(self, dialog: Any) -> None:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialog_shown.emit(dialog)

    @staticmethod
    def _explain(error: BaseException, doing: str) -> tuple[str, str | None]:
        if isinstance(error, AccountProblem):
            return error.message, error.field
        if isinstance(error, SignInFailed):
            return error.message, error.field
        return explain(error, doing=doing or "talking to the server") or "That did not work.", None
