"""The all-access plan on the Purchases page: what it is now (with the renewal date), and
Subscribe / Manage subscription, both of which open the browser."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from lmsdesk.contracts.subscriptions import Plan
from lmsdesk.services.subscription import PlanState, plan_price


class PlanCard(QFrame):
    subscribe_requested = Signal(object)  # Plan
    manage_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.monthly = QPushButton(f"Subscribe, {plan_price(Plan.MONTHLY)}")
        self.monthly.clicked.connect(lambda: self.subscribe_requested.emit(Plan.MONTHLY))
        self.yearly = QPushButton(f"Subscribe, {plan_price(Plan.YEARLY)}")
        self.yearly.clicked.connect(lambda: self.subscribe_requested.emit(Plan.YEARLY))
        self.manage = QPushButton("Manage subscription…")
        self.manage.setToolTip("Change or cancel the plan on the payment provider's page")
        self.manage.clicked.connect(self.manage_requested)
        for button in (self.monthly, self.yearly, self.manage):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("pageSubtitle")
        self.note.hide()
        layout.addWidget(self.note)
        self.show_state(None)

    def show_state(self, state: PlanState | None) -> None:
        """The plan as last synced (what the browser was for has come back: the note goes)."""
        self.show_note("")
        live = state is not None and state.has_access
        if state is None:
            self.text.setText(
                "<b>All-access</b>: every course in the catalog, for as long as you subscribe."
            )
        else:
            self.text.setText(state.text)
        self.monthly.setVisible(not live)
        self.yearly.setVisible(not live)
        self.manage.setVisible(state is not None and state.status.value != "incomplete")

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
