"""Changing the password, and two-factor sign-in: the QR code and its secret to put in an
authenticator app, the first code that proves it works, then the recovery codes, shown once
(copy or save them before closing)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


class _FormDialog(QDialog):
    """A title, a form, an error line and OK/Cancel; the controller does the work."""

    def __init__(self, parent: QWidget | None, title: str, action: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(420)
        heading = QLabel(title)
        heading.setObjectName("dialogTitle")
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton(action)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.column = QVBoxLayout(self)
        self.column.setSpacing(10)
        self.column.addWidget(heading)
        self.column.addLayout(self.form)
        self.column.addWidget(self.error)
        self.column.addWidget(self.buttons)

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)

    def show_error(self, message: str, field: QWidget | None = None) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        self.adjustSize()
        if field is not None:
            field.setFocus()


def _secret_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(256)
    return field


class ChangePasswordDialog(_FormDialog):
    submitted = Signal(str, str)  # current, new

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, "Change password", "Change password")
        self.current = _secret_field()
        self.new = _secret_field()
        self.again = _secret_field()
        self.form.addRow("&Current password", self.current)
        self.form.addRow("&New password", self.new)
        self.form.addRow("&Repeat it", self.again)
        note = QLabel("Your other computers stay signed in; sign out there if one was lost.")
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        self.column.insertWidget(2, note)
        self.buttons.accepted.connect(self._submit)
        self.current.setFocus()

    def _submit(self) -> None:
        if self.new.text() != self.again.text():
            self.show_error("The two new passwords differ: type it twice.", self.again)
            return
        self.error.hide()
        self.set_busy(True)
        self.submitted.emit(self.current.text(), self.new.text())

    def show_field_error(self, message: str, field: str | None) -> None:
        self.show_error(message, self.current if field == "current" else self.new)


class TwoFactorSetupDialog(_FormDialog):
    code_entered = Signal(str)

    def __init__(self, parent: QWidget | None, *, secret: str, qr_png: bytes) -> None:
        super().__init__(parent, "Set up two-factor sign-in", "Turn on")
        self.steps = QStackedWidget()
        scan = QWidget()
        scan_layout = QVBoxLayout(scan)
        scan_layout.setContentsMargins(0, 0, 0, 0)
        explain = QLabel(
            "Scan this code with an authenticator app (Aegis, Google Authenticator, "
            "1Password…), or type the key below into it. Then enter the 6-digit code it shows."
        )
        explain.setWordWrap(True)
        self.qr = QLabel()
        pixmap = QPixmap()
        pixmap.loadFromData(qr_png, "PNG")
        self.qr.setPixmap(pixmap)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret = QLineEdit(" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)))
        self.secret.setReadOnly(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("123456")
        self.code.setMaxLength(10)
        key_form = QFormLayout()
        key_form.addRow("Key", self.secret)
        key_form.addRow("&Code", self.code)
        scan_layout.addWidget(explain)
        scan_layout.addWidget(self.qr)
        scan_layout.addLayout(key_form)
        self.steps.addWidget(scan)

        done = QWidget()
        done_layout = QVBoxLayout(done)
        done_layout.setContentsMargins(0, 0, 0, 0)
        said = QLabel(
            "Two-factor sign-in is on. Keep these recovery codes somewhere safe: each signs "
            "in once without the app. They are shown only now."
        )
        said.setWordWrap(True)
        self.codes = QPlainTextEdit()
        self.codes.setReadOnly(True)
        self.codes.setFixedHeight(140)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.codes.toPlainText())
        )
        self.save_button = QPushButton("Save to a file…")
        self.save_button.clicked.connect(self._save_codes)
        done_layout.addWidget(said)
        done_layout.addWidget(self.codes)
        done_layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        done_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.steps.addWidget(done)
        self.column.insertWidget(1, self.steps)
        self.buttons.accepted.connect(self._next)
        self.code.setFocus()

    def _next(self) -> None:
        if self.steps.currentIndex() == 1:
            self.accept()
            return
        self.error.hide()
        self.set_busy(True)
        self.code_entered.emit(self.code.text())

    def show_recovery_codes(self, codes: list[str]) -> None:
        self.set_busy(False)
        self.codes.setPlainText("\n".join(codes))
        self.steps.setCurrentIndex(1)
        self.ok_button.setText("I have kept them")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()

    def _save_codes(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save recovery codes", "lmsdesk-recovery-codes.txt", "Text (*.txt)"
        )
        if path:
            with open(path, "w", encoding="utf-8") as file:
                file.write("LMSDesk recovery codes (each works once)\n\n")
                file.write(self.codes.toPlainText() + "\n")


class TwoFactorOffDialog(_FormDialog):
    code_entered = Signal(str)

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, "Turn off two-factor sign-in", "Turn off")
        self.code = QLineEdit()
        self.code.setPlaceholderText("123456, or a recovery code")
        self.code.setMaxLength(32)
        self.form.addRow("&Code", self.code)
        self.buttons.accepted.connect(self._submit)
        self.code.setFocus()

    def _submit(self) -> None:
        self.error.hide()
        self.set_busy(True)
        self.code_entered.emit(self.code.text())
