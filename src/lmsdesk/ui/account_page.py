"""The Account page: who is signed in on this computer, the profile others see (name,
headline, bio, time zone), the password and two-factor sign-in, and signing out.

The profile form is filled from the server's answer, never over what the user is typing: once
a field is changed the form keeps it until Save or Revert."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.auth import Me
from lmsdesk.ui.editing import show_text
from lmsdesk.ui.fitting import scrolling
from lmsdesk.ui.pages import heading
from lmsdesk.ui.theme import MUTED, OK

#: The picture on the Account page, in pixels.
PICTURE_SIDE = 72


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(8)
    label = QLabel(title)
    label.setObjectName("cardTitle")
    layout.addWidget(label)
    return card, layout


class AccountPage(QWidget):
    sign_out_requested = Signal()
    sign_in_requested = Signal()
    profile_saved = Signal(str, str, str, str)  # name, headline, bio, time zone
    change_password_requested = Signal()
    two_factor_requested = Signal(bool)  # True: set up; False: turn off
    picture_chosen = Signal(str)  # the file's path
    picture_removed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = "Account"
        self._filling = False
        self._dirty = False
        self._me: Me | None = None

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(28, 24, 28, 24)
        column.setSpacing(12)
        column.addLayout(heading("Account", "Who is signed in on this computer."))

        self.card, info = _card("Signed in")
        form = QFormLayout()
        form.setVerticalSpacing(8)
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
        info.addLayout(form)
        column.addWidget(self.card)

        self.profile_card, _form = self._profile_form()
        column.addWidget(self.profile_card)
        self.security_card, security = _card("Password and sign-in")
        self.two_factor_state = QLabel()
        self.two_factor_state.setWordWrap(True)
        security.addWidget(self.two_factor_state)
        row = QHBoxLayout()
        self.password_button = QPushButton("Change password…")
        self.password_button.clicked.connect(self.change_password_requested)
        self.two_factor_button = QPushButton()
        self.two_factor_button.clicked.connect(
            lambda: self.two_factor_requested.emit(not self._two_factor_on())
        )
        row.addWidget(self.password_button)
        row.addWidget(self.two_factor_button)
        row.addStretch(1)
        security.addLayout(row)
        column.addWidget(self.security_card)

        self.signed_out_note = QLabel("You are not signed in.")
        self.signed_out_note.setObjectName("emptyState")
        column.addWidget(self.signed_out_note)
        buttons = QHBoxLayout()
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.sign_in_button = QPushButton("Sign in…")
        self.sign_in_button.setObjectName("primary")
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        buttons.addWidget(self.sign_out_button)
        buttons.addWidget(self.sign_in_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addStretch(1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(body))
        self.show_signed_out()

    def _profile_form(self) -> tuple[QFrame, QVBoxLayout]:
        card, layout = _card("Profile")
        note = QLabel("Shown with your reviews, questions and answers, and on courses you teach.")
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        layout.addWidget(note)
        picture_row = QHBoxLayout()
        self.picture = QLabel()
        self.picture.setFixedSize(PICTURE_SIDE, PICTURE_SIDE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setObjectName("avatar")
        self.choose_picture_button = QPushButton("Choose picture…")
        self.choose_picture_button.clicked.connect(self._choose_picture)
        self.remove_picture_button = QPushButton("Remove picture")
        self.remove_picture_button.clicked.connect(self.picture_removed)
        picture_buttons = QVBoxLayout()
        picture_buttons.addWidget(self.choose_picture_button)
        picture_buttons.addWidget(self.remove_picture_button)
        picture_buttons.addStretch(1)
        picture_row.addWidget(self.picture)
        picture_row.addLayout(picture_buttons)
        picture_row.addStretch(1)
        layout.addLayout(picture_row)
        self.full_name = QLineEdit()
        self.full_name.setMaxLength(200)
        self.headline = QLineEdit()
        self.headline.setMaxLength(200)
        self.headline.setPlaceholderText("Data engineer, learning Qt")
        self.bio = QPlainTextEdit()
        self.bio.setPlaceholderText("A few lines about you (Markdown)")
        self.bio.setFixedHeight(72)
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        form = QFormLayout()
        form.addRow("Full &name", self.full_name)
        form.addRow("&Headline", self.headline)
        form.addRow("&Bio", self.bio)
        form.addRow("&Time zone", self.timezone)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.profile_status = QLabel()
        self.profile_status.setObjectName("pageSubtitle")
        self.profile_status.setWordWrap(True)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self._revert)
        self.save_button = QPushButton("Save profile")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self._save)
        row.addWidget(self.profile_status, 1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        for field in (self.full_name, self.headline):
            field.textChanged.connect(self._changed)
        self.bio.textChanged.connect(self._changed)
        self.timezone.currentTextChanged.connect(self._changed)
        self._set_dirty(False)
        return card, layout

    def set_timezones(self, names: list[str]) -> None:
        """The zones to pick from (read from disk in the background at start-up)."""
        current = self.timezone.currentText()
        self._filling = True
        try:
            self.timezone.clear()
            self.timezone.addItems(names)
            self.timezone.setCurrentText(current)
        finally:
            self._filling = False
        completer = QCompleter(names, self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.setCompleter(completer)

    def _choose_picture(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose a picture", "", "Pictures (*.png *.jpg *.jpeg *.webp *.bmp)"
        )
        if path:
            self.picture_chosen.emit(path)

    def show_picture(self, image: QImage | None, *, initials: str = "") -> None:
        """The round picture, or the initials on a plain disc when there is none."""
        if image is not None:
            self.picture.setPixmap(QPixmap.fromImage(image))
            self.picture.setText("")
        else:
            self.picture.setPixmap(QPixmap())
            self.picture.setText(initials)
        self.remove_picture_button.setEnabled(image is not None)

    # ------------------------------------------------------------------ showing
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
        account: Me | None = None,
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
        if account is not None:
            self._me = account
            if not self._dirty:
                self._fill(account)
        self._show_security()
        self.profile_card.setVisible(self._me is not None)
        self.security_card.setVisible(self._me is not None)
        for widget in (
            self.save_button,
            self.password_button,
            self.two_factor_button,
            self.choose_picture_button,
        ):
            widget.setEnabled(online)
            widget.setToolTip("" if online else "Account changes need a connection.")

    def _show_security(self) -> None:
        on = self._two_factor_on()
        self.two_factor_state.setText(
            "Two-factor sign-in is on: signing in asks for a code from your authenticator app."
            if on
            else "Two-factor sign-in is off. Turn it on so a stolen password alone cannot "
            "open your account."
        )
        self.two_factor_button.setText(
            "Turn off two-factor…" if on else "Set up two-factor sign-in…"
        )

    def _two_factor_on(self) -> bool:
        return self._me is not None and self._me.two_factor

    def _fill(self, me: Me, *, force: bool = False) -> None:
        self._filling = True
        try:
            if force:
                self.full_name.setText(me.full_name)
                self.headline.setText(me.headline)
                self.bio.setPlainText(me.bio)
            show_text(self.full_name, me.full_name)
            show_text(self.headline, me.headline)
            show_text(self.bio, me.bio)
            if self.timezone.currentText() != me.timezone:
                self.timezone.setCurrentText(me.timezone)
        finally:
            self._filling = False
        self._set_dirty(False)

    def show_saved(self, message: str) -> None:
        self._set_dirty(False)
        self.profile_status.setText(message)

    def show_profile_error(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self.profile_status.setText(message)
        self.profile_status.setObjectName("errorText")
        self.profile_status.style().polish(self.profile_status)

    def show_signed_out(self) -> None:
        self._me = None
        self._set_dirty(False)
        for widget in (self.card, self.profile_card, self.security_card, self.sign_out_button):
            widget.hide()
        self.signed_out_note.show()
        self.sign_in_button.show()

    # ------------------------------------------------------------------ editing
    def _changed(self) -> None:
        if not self._filling:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.revert_button.setEnabled(dirty)
        self.profile_status.setObjectName("pageSubtitle")
        self.profile_status.style().polish(self.profile_status)
        if dirty:
            self.profile_status.setText("Unsaved changes.")
        elif self.profile_status.text() == "Unsaved changes.":
            self.profile_status.clear()  # a "Saved." stays until the next change

    def _revert(self) -> None:
        if self._me is not None:
            self._fill(self._me, force=True)

    def _save(self) -> None:
        self.profile_status.setText("Saving…")
        self.save_button.setEnabled(False)
        self.profile_saved.emit(
            self.full_name.text(),
            self.headline.text(),
            self.bio.toPlainText(),
            self.timezone.currentText().strip(),
        )

    def saved_done(self) -> None:
        self.save_button.setEnabled(True)
