"""The waiting panel while the student pays in the browser, and the result when it is known."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.purchases import PendingCheckout
from lmsdesk.ui.theme import DANGER, OK


class CheckoutPanel(QDialog):
    reopen_requested = Signal()
    cancel_requested = Signal()
    my_learning_requested = Signal()

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Buying a course")
        self.setMinimumWidth(460)
        self.pending: PendingCheckout | None = None
        self.heading = QLabel()
        self.heading.setObjectName("dialogTitle")
        self.heading.setWordWrap(True)
        self.course = QLabel()
        self.course.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.spinner = QProgressBar()
        self.spinner.setRange(0, 0)
        self.spinner.setTextVisible(False)
        self.spinner.setFixedHeight(8)

        # When no browser opens: the address, selectable, with a button to copy it.
        self.link = QLineEdit()
        self.link.setReadOnly(True)
        self.link.setAccessibleName("Payment page address")
        self.copy_button = QPushButton("Copy link")
        self.copy_button.clicked.connect(self._copy)
        self.link_row = QWidget()
        link_layout = QHBoxLayout(self.link_row)
        link_layout.setContentsMargins(0, 0, 0, 0)
        link_layout.addWidget(self.link, 1)
        link_layout.addWidget(self.copy_button)
        self.link_row.hide()

        self.reopen_button = QPushButton("Open the payment page again")
        self.reopen_button.clicked.connect(self.reopen_requested)
        self.cancel_button = QPushButton("Cancel purchase")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.my_learning_button = QPushButton("Go to My learning")
        self.my_learning_button.setObjectName("primary")
        self.my_learning_button.clicked.connect(self.my_learning_requested)
        self.my_learning_button.clicked.connect(self.accept)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        for button in (self.cancel_button, self.close_button, self.my_learning_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        for widget in (self.heading, self.course, self.spinner, self.message, self.link_row):
            layout.addWidget(widget)
        layout.addSpacing(6)
        layout.addLayout(buttons)

    def show_waiting(self, pending: PendingCheckout) -> None:
        self.pending = pending
        self.heading.setText("Finish the payment in your browser")
        self.course.setText(f"<b>{pending.course_title}</b> · {pending.price_text}")
        self.message.setText(
            "Your browser shows the payment page. LMSDesk waits here and adds the course to "
            "My learning as soon as the payment is confirmed. You can close this window: the "
            "purchase carries on, even if you quit the app."
        )
        self._buttons(waiting=True)
        self.spinner.show()
        self.link_row.hide()

    def show_no_browser(self, url: str) -> None:
        """No browser opened: the address to open by hand, ready to copy."""
        self.message.setText(
            "No browser opened on this computer. Copy the address of the payment page and "
            "open it in a browser; LMSDesk keeps waiting here."
        )
        self.link.setText(url)
        self.link.setCursorPosition(0)
        self.copy_button.setText("Copy link")
        self.link_row.show()
        self.adjustSize()  # room for the longer message and the address

    def _copy(self) -> None:
        QApplication.clipboard().setText(self.link.text())
        self.copy_button.setText("Copied")

    def show_working(self, text: str) -> None:
        self.message.setText(text)
        self.cancel_button.setEnabled(False)

    def show_result(self, heading: str, text: str, *, success: bool, done: bool = True) -> None:
        self.heading.setText(heading)
        colour = OK if success else DANGER
        self.message.setText(f"<span style='color:{colour}'>{text}</span>")
        self.spinner.setVisible(not done)
        self._buttons(waiting=False, success=success and done)
        self.link_row.setVisible(not done and self.link_row.isVisible())
        self.adjustSize()

    def show_problem(self, text: str) -> None:
        """A hiccup while waiting (server unreachable): keep waiting, say so."""
        self.message.setText(f"<span style='color:{DANGER}'>{text}</span>")
        self.adjustSize()

    def _buttons(self, *, waiting: bool, success: bool = False) -> None:
        self.reopen_button.setVisible(waiting)
        self.cancel_button.setVisible(waiting)
        self.cancel_button.setEnabled(True)
        self.close_button.setVisible(not success)
        self.close_button.setText("Close" if not waiting else "Hide")
        self.my_learning_button.setVisible(success)
