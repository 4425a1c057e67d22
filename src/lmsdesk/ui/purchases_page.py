"""Purchase history: every order with its date, course, amount and status."""

from __future__ import annotations

from html import escape

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

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.enums import OrderStatus
from lmsdesk.services.purchases import STATUS_TEXT, OrderLine
from lmsdesk.ui.pages import heading
from lmsdesk.ui.plan_card import PlanCard
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
        layout.addSpacing(12)
        self.plan = PlanCard()
        layout.addWidget(self.plan)
        layout.addSpacing(8)
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
        self.details = QLabel()
        self.details.setObjectName("orderDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setContentsMargins(4, 8, 4, 0)
        layout.addWidget(self.details)
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
                _status_text(order),
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
        self.details.setText(_details_html(order) if order is not None else "")
        self.details.setVisible(order is not None)

    def _receipt(self) -> None:
        order = self.selected_order()
        if order is not None and order.status in _PAID:
            self.receipt_requested.emit(order.order_id)

    def status_of(self, row: int) -> str:
        item = self.table.item(row, 3)
        return item.text() if item else ""


def _status_text(order: OrderLine) -> str:
    if order.partly_refunded:
        refunded = sum(1 for line in order.lines if line.refunded)
        return f"Paid, {refunded} course{'s' if refunded != 1 else ''} refunded"
    return STATUS_TEXT[order.status]


def _details_html(order: OrderLine) -> str:
    """The selected order's courses, each at what it sold for, its share of the coupon and its
    refund, then the totals."""
    rows = []
    for line in order.lines:
        price = money_text(line.price_cents, order.currency)
        off = f" − {money_text(line.discount_cents, order.currency)}" if line.discount_cents else ""
        refunded = f" <span style='color:{MUTED}'>(refunded)</span>" if line.refunded else ""
        rows.append(f"{escape(line.title)}: {price}{off}{refunded}")
    if order.discount_cents:
        code = f" ({escape(order.coupon_code)})" if order.coupon_code else ""
        rows.append(f"Discount{code}: −{money_text(order.discount_cents, order.currency)}")
    rows.append(f"<b>Total: {order.amount_text}</b>")
    return "<br>".join(rows)
