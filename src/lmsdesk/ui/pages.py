"""Small pages and the pieces pages share: a heading, a list page with an empty state, and the
Account page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.ui.theme import MUTED, OK


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget a layout holds (before filling it again)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def heading(title: str, subtitle: str) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.setSpacing(2)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    sub = QLabel(subtitle)
    sub.setObjectName("pageSubtitle")
    sub.setWordWrap(True)
    layout.addWidget(heading)
    layout.addWidget(sub)
    return layout


class Page(QWidget):
    def __init__(self, title: str, subtitle: str, empty_state: str) -> None:
        super().__init__()
        self.title = title
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(heading(title, subtitle))
        layout.addSpacing(16)
        self.items = QListWidget()
        self.items.setObjectName("courseList")
        self.items.hide()
        layout.addWidget(self.items, 1)
        self.empty_state = QLabel(empty_state)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_state, 1)

    def show_lines(self, lines: list[str]) -> None:
        """Rows of text (two lines each), or the empty state when there are none."""
        self.items.clear()
        for line in lines:
            self.items.addItem(QListWidgetItem(line))
        self.items.setVisible(bool(lines))
        self.empty_state.setVisible(not lines)


class AccountPage(QWidget):
    sign_out_requested = Signal()
    sign_in_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = "Account"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(heading("Account", "Who is signed in on this computer."))
        layout.addSpacing(16)

        card = QFrame()
        card.setObjectName("card")
        form = QFormLayout(card)
        form.setContentsMargins(18, 16, 18, 16)
        form.setVerticalSpacing(10)
        self.name = QLabel()
        self.email = QLabel()
        self.roles = QLabel()
        self.server = QLabel()
        self.connection = QLabel()
        self.token_storage = QLabel()
        self.token_storage.setWordWrap(True)
        for label, widget in (
            ("Name", self.name),
            ("Email", self.email),
            ("Roles", self.roles),
            ("Server", self.server),
            ("Connection", self.connection),
            ("Sign-in kept in", self.token_storage),
        ):
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{label}:", widget)
        self.card = card
        layout.addWidget(card)

        self.signed_out_note = QLabel("You are not signed in.")
        self.signed_out_note.setObjectName("emptyState")
        layout.addWidget(self.signed_out_note)

        buttons = QHBoxLayout()
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.sign_in_button = QPushButton("Sign in…")
        self.sign_in_button.setObjectName("primary")
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        buttons.addWidget(self.sign_out_button)
        buttons.addWidget(self.sign_in_button)
        buttons.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.show_signed_out()

    def show_account(
        self,
        *,
        name: str,
        email: str,
        roles: str,
        server: str,
        online: bool,
        storage: str,
        storage_is_os_keyring: bool,
    ) -> None:
        self.name.setText(name)
        self.email.setText(email)
        self.roles.setText(roles)
        self.server.setText(server)
        self.connection.setText(
            f"<span style='color:{OK}'>● Online</span>"
            if online
            else f"<span style='color:{MUTED}'>○ Offline: working from this computer's copy</span>"
        )
        self.token_storage.setText(storage)
        self.token_storage.setObjectName("" if storage_is_os_keyring else "warningText")
        self.token_storage.style().polish(self.token_storage)
        self.card.show()
        self.signed_out_note.hide()
        self.sign_out_button.show()
        self.sign_in_button.hide()

    def show_signed_out(self) -> None:
        self.card.hide()
        self.signed_out_note.show()
        self.sign_out_button.hide()
        self.sign_in_button.show()
