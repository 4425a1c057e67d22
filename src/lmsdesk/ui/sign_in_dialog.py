"""The sign-in dialog: email and password first, the server's address folded away (shown when
it matters: a server that cannot be reached, or another than the default). It only collects input
and shows results; the controller runs the sign-in in the background."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.ui.dialog_parts import busy_bar, error_line, primary_buttons

_LOCAL = {"127.0.0.1", "localhost", "::1"}
DEMO_HINT = (
    "Trying the demo on this computer? Sign in as student@example.com, "
    "instructor@example.com or admin@example.com with the password lmsdesk-demo."
)


class SignInDialog(QDialog):
    submitted = Signal(str, str, str, str)  # server, email, password, two-factor code
    #: "Create an account…" and "Forgot your password?" (with the server and email typed).
    sign_up_requested = Signal(str, str)
    reset_requested = Signal(str, str)

    def __init__(
        self,
        parent: QWidget | None,
        *,
        server_url: str,
        email: str = "",
        default_server_url: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to LMSDesk")
        self.setModal(True)
        self.setMinimumWidth(440)

        title = QLabel("Sign in")
        title.setObjectName("dialogTitle")
        hint = QLabel("Use your LMSDesk account. You stay signed in on this computer.")
        hint.setObjectName("pageSubtitle")
        hint.setWordWrap(True)

        self.email = QLineEdit(email)
        self.email.setPlaceholderText("you@example.com")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server = QLineEdit(server_url)
        self.server.setPlaceholderText("http://127.0.0.1:8765")
        self.otp = QLineEdit()
        self.otp.setPlaceholderText("123456, or a recovery code")
        self.otp.setMaxLength(32)
        self.form = QFormLayout()
        self.form.addRow("&Email", self.email)
        self.form.addRow("&Password", self.password)
        self.form.addRow("&Code", self.otp)
        self.form.addRow("&Server", self.server)
        self.form.setRowVisible(self.otp, False)  # asked for when the account has two-factor
        self.server_toggle = QPushButton("Server: " + _host(server_url) + " (change…)")
        self.server_toggle.setObjectName("linkButton")
        self.server_toggle.setAutoDefault(False)  # Enter in a field signs in, never this
        self.server_toggle.setToolTip("The LMSDesk server this app signs in to")
        self.server_toggle.clicked.connect(lambda: self.show_server(focus=True))
        self.forgot_button = _link("Forgot your password?")
        self.forgot_button.clicked.connect(
            lambda: self.reset_requested.emit(self.server.text(), self.email.text())
        )
        self.sign_up_button = _link("No account yet? Create one…")
        self.sign_up_button.clicked.connect(
            lambda: self.sign_up_requested.emit(self.server.text(), self.email.text())
        )
        self.accounts = QLabel(DEMO_HINT if _host(server_url) in _LOCAL else "")
        self.accounts.setObjectName("pageSubtitle")
        self.accounts.setWordWrap(True)
        self.accounts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.accounts.setVisible(bool(self.accounts.text()))

        self.error = error_line()
        self.progress = busy_bar()
        self.buttons, self.sign_in_button = primary_buttons("Sign in")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(self.form)
        links = QHBoxLayout()
        links.addWidget(self.server_toggle)
        links.addStretch(1)
        links.addWidget(self.forgot_button)
        layout.addLayout(links)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.sign_up_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.accounts)
        layout.addWidget(self.buttons)

        other_server = bool(default_server_url) and server_url.rstrip(
            "/"
        ) != default_server_url.rstrip("/")
        self.form.setRowVisible(self.server, other_server or not server_url)
        self.server_toggle.setVisible(not (other_server or not server_url))
        (self.password if email else self.email if server_url else self.server).setFocus()

    def show_server(self, *, focus: bool = False) -> None:
        self.form.setRowVisible(self.server, True)
        self.server_toggle.hide()
        self.adjustSize()
        if focus:
            self.server.setFocus()
            self.server.selectAll()

    def _submit(self) -> None:
        self.error.hide()
        self.set_busy(True)
        self.submitted.emit(
            self.server.text(), self.email.text(), self.password.text(), self.otp.text()
        )

    def ask_for_code(self) -> None:
        """The account has two-factor sign-in: the code row appears, focused."""
        self.form.setRowVisible(self.otp, True)
        self.adjustSize()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.server, self.email, self.password, self.otp, self.sign_in_button):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def show_info(self, message: str) -> None:
        """Good news in the dialog (the password was reset): said in the hint's place."""
        self.set_busy(False)
        self.error.hide()
        self.accounts.setText(message)
        self.accounts.setObjectName("okText")
        self.accounts.style().polish(self.accounts)
        self.accounts.show()
        self.password.setFocus()

    def show_error(self, message: str, field: str | None = None) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        if field == "server":
            self.show_server()
        if field == "otp":
            self.ask_for_code()
        self.adjustSize()  # room for the message: the fields keep their height
        fields = {"server": self.server, "email": self.email, "otp": self.otp}
        target = fields.get(field or "", self.password)
        target.setFocus()
        target.selectAll()


def _link(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("linkButton")
    button.setAutoDefault(False)  # Enter in a field signs in, never a link
    return button


def _host(url: str) -> str:
    return urlsplit(url if "://" in url else f"http://{url}").hostname or url
