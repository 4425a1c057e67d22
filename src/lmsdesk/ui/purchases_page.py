"""Purchase history: every order with its date, course, amount and status."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.enums import OrderStatus
from lmsdesk.services.purchases import STATUS_TEXT, OrderLine
from lmsdesk.ui.pages import heading
from lmsdesk.ui.theme import DANGER, MUTED, OK

_STATUS_COLOUR = {
    OrderStatus.COMPLETED: OK,
    OrderStatus.PENDING: "#8a5300",
    OrderStatus.REFUNDED: MUTED,
    OrderStatus.FAILED: DANGER,
}


#: Orders a receipt exists for.
_PAID = {OrderStatus.COMPLETED, OrderStatus.REFUNDED}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PurchasesPage(QWidget):
    refresh_requested = Signal()
    #: The selected order's receipt (order id).
    receipt_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.title = "Purchases"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        top = QHBoxLayout()
        top.addLayout(heading("Purchases", "What you bought, and what became of each order."), 1)
        self.receipt_button = QPushButton("Receipt…")
        self.receipt_button.setToolTip("The selected order's PDF receipt (Ctrl+P)")
        self.receipt_button.setShortcut("Ctrl+P")
        self.receipt_button.setEnabled(False)
        self.receipt_button.clicked.connect(self._receipt)
        top.addWidget(self.receipt_button, 0, Qt.AlignmentFlag.AlignTop)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addSpacing(16)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("purchases")
        self.table.setHorizontalHeaderLabels(["Date", "Course", "Amount", "Status"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(110)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self._receipt())
        layout.addWidget(self.table, 1)
        self.empty_state = QLabel("No purchases yet. Courses you buy are listed here.")
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_state, 1)
        self.show_orders([])

    def show_orders(self, orders: list[OrderLine]) -> None:
        self._orders = list(orders)
        self.table.setRowCount(len(orders))
        for row, order in enumerate(orders):
            cells = [
                f"{order.created_at.astimezone():%Y-%m-%d %H:%M}",
                order.course_title,
                order.amount_text,
                STATUS_TEXT[order.status],
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(_RIGHT)
                if column == 3 and order.status in _STATUS_COLOUR:
                    item.setForeground(QColor(_STATUS_COLOUR[order.status]))
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(orders))
        self.empty_state.setVisible(not orders)
        self._selection_changed()

    def selected_order(self) -> OrderLine | None:
        row = self.table.currentRow()
        orders = getattr(self, "_orders", [])
        return orders[row] if 0 <= row < len(orders) and self.table.selectedItems() else None

    def _selection_changed(self) -> None:
        order = self.selected_order()
        self.receipt_button.setEnabled(order is not None and order.status in _PAID)

    def _receipt(self) -> None:
        order = self.selected_order()
        if order is not None and order.status in _PAID:
            self.receipt_requested.emit(order.order_id)

    def status_of(self, row: int) -> str:
        item = self.table.item(row, 3)
        return item.text() if item else ""
