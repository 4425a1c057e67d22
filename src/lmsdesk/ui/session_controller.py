"""Start-up, sign-in, sign-out and connection checks: SessionService ops run on the database
lane; this controller moves their results into the window and the sign-in dialog."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from lmsdesk.services.session import (
    RememberedAccount,
    SessionService,
    SessionSnapshot,
    SignInFailed,
)
from lmsdesk.ui.failures import explain
from lmsdesk.ui.main_window import MainWindow
from lmsdesk.ui.sign_in_dialog import SignInDialog
from lmsdesk.ui.tasks import TaskManager

_log = logging.getLogger(__name__)

CONNECTION_CHECK_MS = 30_000


class SignOutChoice(enum.Enum):
    SYNC_FIRST = "sync first"
    SIGN_OUT = "sign out anyway"
    CANCEL = "cancel"


class SessionController(QObject):
    signed_in = Signal(object)  # SessionSnapshot
    signed_out = Signal()
    #: The server answers again after being unreachable.
    reconnected = Signal()
    #: The sign-in dialog was opened (tests and the first-run flow wait for it).
    sign_in_shown = Signal(object)
    #: The user chose to sync before signing out.
    sync_requested = Signal()

    def __init__(
        self,
        *,
        service: SessionService,
        tasks: TaskManager,
        window: MainWindow,
        default_server_url: str,
    ) -> None:
        super().__init__(window)
        self._service = service
        self._tasks = tasks
        self._window = window
        self._default_server_url = default_server_url
        self.dialog: SignInDialog | None = None
        self.snapshot: SessionSnapshot | None = None
        #: Asked before signing out with unsynced changes (tests answer for the user).
        self.ask_before_sign_out: Callable[[list[str]], SignOutChoice] = self._sign_out_dialog

        window.sign_in_requested.connect(self.show_sign_in)
        window.sign_out_requested.connect(self.sign_out)
        window.check_connection_requested.connect(self.check_connection)
        tasks.busy_changed.connect(window.set_busy)
        self._timer = QTimer(self)
        self._timer.setInterval(CONNECTION_CHECK_MS)
        self._timer.timeout.connect(self.check_connection)
        window.closing.connect(self._timer.stop)

    # ------------------------------------------------------------------ start-up
    def start(self) -> None:
        """The last account from this computer first, so its data shows before any network
        call (a hung server once kept the catalog away for half a minute); the server is asked
        afterwards. An account with nothing stored here is resumed through the server."""

        def resume() -> tuple[SessionSnapshot | None, RememberedAccount | None, bool]:
            local = self._service.resume_local()
            if local is not None:
                return local, None, True
            return self._service.resume(), self._service.remembered_account(), False

        self._tasks.run(resume, on_success=self._resumed, on_failure=self._resume_failed)

    def _resumed(
        self, result: tuple[SessionSnapshot | None, RememberedAccount | None, bool]
    ) -> None:
        snapshot, remembered, local = result
        if snapshot is None:
            self._window.show_signed_out()
            self._open_dialog(remembered)
            return
        self._enter(snapshot)
        if local:
            self.check_connection()

    def _resume_failed(self, error: BaseException) -> None:
        _log.error("could not open the last account", exc_info=error)
        self._window.show_signed_out()
        self._open_dialog(None)

    # ------------------------------------------------------------------ sign-in
    def show_sign_in(self) -> None:
        self._tasks.run(self._service.remembered_account, on_success=self._open_dialog)

    def _open_dialog(self, remembered: RememberedAccount | None) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            return
        dialog = SignInDialog(
            self._window,
            server_url=remembered.server_url if remembered else self._default_server_url,
            email=remembered.email if remembered else "",
            default_server_url=self._default_server_url,
        )
        dialog.submitted.connect(self._sign_in)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()
        self.sign_in_shown.emit(dialog)

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def _sign_in(self, server: str, email: str, password: str, otp: str = "") -> None:
        def failed(error: BaseException) -> None:
            if self.dialog is None:
                return
            if isinstance(error, SignInFailed):
                self.dialog.show_error(error.message, error.field)
            else:
                message = explain(error, doing="signing in")
                self.dialog.show_error(message or "Sign-in did not work; try again.")

        def succeeded(snapshot: SessionSnapshot) -> None:
            if self.dialog is not None:
                self.dialog.accept()
            self._enter(snapshot)

        self._tasks.run(
            lambda: self._service.sign_in(server, email, password, otp or None),
            on_success=succeeded,
            on_failure=failed,
        )

    def enter_from_outside(self, snapshot: SessionSnapshot) -> None:
        """A session opened (signed up) or changed (profile saved) by another controller."""
        if self.dialog is not None:
            self.dialog.accept()
        first = self.snapshot is None
        if first:
            self._enter(snapshot)
            return
        self.snapshot = snapshot
        self._window.show_session(snapshot)

    def _enter(self, snapshot: SessionSnapshot) -> None:
        self.snapshot = snapshot
        self._window.show_session(snapshot)
        self._timer.start()
        self.signed_in.emit(snapshot)

    # ------------------------------------------------------------------ afterwards
    def check_connection(self) -> None:
        if self.snapshot is None:
            return
        self._tasks.run(self._service.check_connection, on_success=self._connection_checked)

    def _connection_checked(self, snapshot: SessionSnapshot | None) -> None:
        if snapshot is None:  # the server ended the session
            self._left()
            self._open_dialog(None)
            return
        came_back = snapshot.online and self.snapshot is not None and not self.snapshot.online
        if self.snapshot is None or snapshot != self.snapshot:
            self.snapshot = snapshot
            self._window.show_session(snapshot)
        if came_back:
            self.reconnected.emit()

    def sign_out(self) -> None:
        """Sign out, after saying what has not reached the server yet (it stays on this
        computer and goes out at the next sign-in here), with the offer to sync first."""
        self._tasks.run(self._service.unsynced_changes, on_success=self._confirm_sign_out)

    def _confirm_sign_out(self, unsynced: list[str]) -> None:
        choice = self.ask_before_sign_out(unsynced) if unsynced else SignOutChoice.SIGN_OUT
        if choice is SignOutChoice.SYNC_FIRST:
            self.sync_requested.emit()
            return
        if choice is SignOutChoice.SIGN_OUT:
            self._timer.stop()
            self._tasks.run(self._service.sign_out, on_success=lambda _none: self._left())

    def _sign_out_dialog(self, unsynced: list[str]) -> SignOutChoice:
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Sign out")
        count = len(unsynced)
        box.setText(
            f"{count} change{'s' if count != 1 else ''} made on this computer "
            f"{'have' if count != 1 else 'has'} not reached the server yet."
        )
        listed = "\n".join(f"•  {line}" for line in unsynced[:5])
        more = f"\n…and {count - 5} more" if count > 5 else ""
        box.setInformativeText(
            f"{listed}{more}\n\nThey stay on this computer and go out the next time you "
            "sign in here. To send them now, connect and sync first."
        )
        wait = box.addButton("Sync first", QMessageBox.ButtonRole.AcceptRole)
        leave = box.addButton("Sign out anyway", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(wait)
        box.exec()
        clicked = box.clickedButton()
        if clicked is wait:
            return SignOutChoice.SYNC_FIRST
        return SignOutChoice.SIGN_OUT if clicked is leave else SignOutChoice.CANCEL

    def _left(self) -> None:
        self.snapshot = None
        self._timer.stop()
        self._window.show_signed_out()
        self.signed_out.emit()
