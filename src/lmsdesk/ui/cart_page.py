"""The cart: courses the student means to buy together, each at what it sells at now (a sale's
regular price struck through), a coupon field, the totals, and Check out. Everything but the
coupon and the checkout works offline (the cart syncs to the student's other computers)."""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.pricing import Quote
from lmsdesk.services.cart import CartEntry, CartTotals
from lmsdesk.ui.pages import heading
from lmsdesk.ui.theme import MUTED

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
EMPTY = (
    "Your cart is empty. Add paid courses from the catalog (Add to cart), then buy them together."
)


def price_html(price_text: str, list_price_text: str | None) -> str:
    """A price, with the regular one struck through beside it during a sale."""
    if list_price_text is None:
        return escape(price_text)
    return (
        f"<s style='color:#5f6368'>{escape(list_price_text)}</s>&nbsp;<b>{escape(price_text)}</b>"
    )


class CartPage(QWidget):
    remove_requested = Signal(object)  # course id
    #: The coupon code typed (stripped; "" takes the coupon off).
    coupon_requested = Signal(str)
    checkout_requested = Signal()
    refresh_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = "Cart"
        self._entries: list[CartEntry] = []
        self._online = True
        self._quote: Quote | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(
            heading(
                "Cart",
                "Courses to buy together, in one order. "
                "Your cart is the same on all your computers.",
            )
        )
        layout.addSpacing(12)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("cart")
        self.table.setHorizontalHeaderLabels(["Course", "Price", "Coupon"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.empty_state = QLabel(EMPTY)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_state, 1)

        row = QHBoxLayout()
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Take the selected course out of the cart (Delete)")
        self.remove_button.clicked.connect(self._remove)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self._remove)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.coupon = QLineEdit()
        self.coupon.setPlaceholderText("Coupon code")
        self.coupon.setMaxLength(40)
        self.coupon.setClearButtonEnabled(True)
        self.coupon.returnPressed.connect(self._apply)
        self.coupon.textEdited.connect(self._coupon_edited)
        self.apply_button = QPushButton("&Apply")
        self.apply_button.clicked.connect(self._apply)
        row.addWidget(self.coupon)
        row.addWidget(self.apply_button)
        layout.addLayout(row)
        self.coupon_note = QLabel()
        self.coupon_note.setWordWrap(True)
        self.coupon_note.setObjectName("pageSubtitle")
        self.coupon_note.hide()
        layout.addWidget(self.coupon_note)

        totals = QFrame()
        totals.setObjectName("card")
        grid = QGridLayout(totals)
        grid.setContentsMargins(16, 10, 16, 10)
        self.subtotal = QLabel()
        self.discount = QLabel()
        self.total = QLabel()
        self.total.setObjectName("price")
        for r, (label, value) in enumerate(
            (("Subtotal", self.subtotal), ("Discount", self.discount), ("Total", self.total))
        ):
            name = QLabel(label)
            grid.addWidget(name, r, 0)
            value.setAlignment(_RIGHT)
            grid.addWidget(value, r, 1)
        self.checkout_button = QPushButton("&Check out")
        self.checkout_button.setObjectName("primary")
        self.checkout_button.setToolTip("Pay for these courses in your browser (Ctrl+Return)")
        self.checkout_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.checkout_button.clicked.connect(self.checkout_requested)
        grid.addWidget(self.checkout_button, 0, 2, 3, 1, Qt.AlignmentFlag.AlignVCenter)
        grid.setColumnStretch(1, 1)
        self.totals_card = totals
        layout.addWidget(totals)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("pageSubtitle")
        layout.addWidget(self.note)
        self.show_cart(CartTotals([]))

    # ------------------------------------------------------------------ showing

    def show_cart(self, cart: CartTotals) -> None:
        selected = self.selected_course()
        self._entries = list(cart.entries)
        ids = {e.course_id for e in self._entries}
        if self._quote is not None and {i.course_id for i in self._quote.items} != {
            e.course_id for e in cart.buyable
        }:
            self._quote = None  # the cart changed: the coupon is checked again on Apply
            self._show_coupon_note("The cart changed: apply the coupon again.", error=False)
        self.table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            title = QTableWidgetItem(
                entry.title if not entry.problem else f"{entry.title}\n{entry.problem}"
            )
            title.setData(Qt.ItemDataRole.UserRole, str(entry.course_id))
            title.setToolTip(entry.instructor and f"by {entry.instructor}")
            self.table.setItem(row, 0, title)
            text = price_html(entry.price_text, entry.list_price_text if entry.on_sale else None)
            if entry.on_sale and entry.sale_ends_at:
                ends = f"sale ends {entry.sale_ends_at.astimezone():%d %b %H:%M}"
                text += f"<br><span style='color:{MUTED}'>{ends}</span>"
            price = QLabel(text)
            price.setTextFormat(Qt.TextFormat.RichText)
            price.setAlignment(_RIGHT)
            price.setContentsMargins(8, 2, 8, 2)
            self.table.setCellWidget(row, 1, price)
            self.table.setItem(row, 2, QTableWidgetItem(""))
        self.table.resizeRowsToContents()
        has = bool(self._entries)
        self.table.setVisible(has)
        self.empty_state.setVisible(not has)
        for widget in (self.totals_card, self.coupon, self.apply_button, self.remove_button):
            widget.setVisible(has)
        if selected in ids:
            self.table.selectRow([e.course_id for e in self._entries].index(selected))
        self._show_totals(cart)
        self._selection_changed()

    def show_quote(self, quote: Quote) -> None:
        """The server's breakdown with the coupon: each course's share and the totals."""
        self._quote = quote
        shares = {i.course_id: i.discount_cents for i in quote.items}
        for row, entry in enumerate(self._entries):
            share = shares.get(entry.course_id, 0)
            cell = QTableWidgetItem(f"-{money_text(share, quote.currency)}" if share else "")
            cell.setTextAlignment(_RIGHT)
            self.table.setItem(row, 2, cell)
        note = f"{quote.coupon_code}: {money_text(quote.discount_cents, quote.currency)} off."
        self._show_coupon_note(f"{note} {quote.coupon_note}".strip(), error=False)
        self.subtotal.setText(money_text(quote.subtotal_cents, quote.currency))
        self.discount.setText(f"-{money_text(quote.discount_cents, quote.currency)}")
        self.total.setText(money_text(quote.total_cents, quote.currency))

    def show_coupon_problem(self, text: str) -> None:
        self._quote = None
        for row in range(self.table.rowCount()):
            self.table.setItem(row, 2, QTableWidgetItem(""))
        self._show_coupon_note(text, error=True)
        self._show_totals(CartTotals(self._entries))

    def set_online(self, online: bool) -> None:
        self._online = online
        self._selection_changed()

    def show_note(self, text: str, *, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setObjectName("errorText" if error else "pageSubtitle")
        self.note.style().polish(self.note)

    def set_busy(self, busy: bool) -> None:
        self.checkout_button.setEnabled(not busy and self._can_check_out())

    # ------------------------------------------------------------------ reading

    @property
    def quote(self) -> Quote | None:
        return self._quote

    @property
    def coupon_code(self) -> str | None:
        return self._quote.coupon_code if self._quote else None

    @property
    def entries(self) -> list[CartEntry]:
        return list(self._entries)

    def selected_course(self) -> uuid.UUID | None:
        row = self.table.currentRow()
        if 0 <= row < len(self._entries) and self.table.selectedItems():
            return self._entries[row].course_id
        return None

    # ------------------------------------------------------------------ helpers

    def _show_totals(self, cart: CartTotals) -> None:
        if self._quote is not None:
            self.show_quote(self._quote)
            return
        currency = cart.currency
        self.subtotal.setText(money_text(cart.subtotal_cents, currency) if currency else "–")
        self.discount.setText("–")
        self.total.setText(money_text(cart.subtotal_cents, currency) if currency else "–")
        self._selection_changed()

    def _can_check_out(self) -> bool:
        cart = CartTotals(self._entries)
        return self._online and bool(cart.buyable) and not cart.mixed_currencies

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(self.selected_course() is not None)
        self.checkout_button.setEnabled(self._can_check_out())
        self.apply_button.setEnabled(self._online and bool(CartTotals(self._entries).buyable))
        cart = CartTotals(self._entries)
        if not self._entries:
            self.show_note("")
        elif not self._online:
            self.show_note(
                "You are offline: the cart keeps your changes, but checking out and coupons "
                "need a connection."
            )
        elif cart.mixed_currencies:
            self.show_note(
                "These courses are priced in different currencies: buy them in separate orders.",
                error=True,
            )
        elif len(cart.buyable) < len(self._entries):
            self.show_note("Courses marked above cannot be bought now and are left out.")
        else:
            self.show_note("")

    def _remove(self) -> None:
        course = self.selected_course()
        if course is not None:
            self.remove_requested.emit(course)

    def _apply(self) -> None:
        self.coupon_requested.emit(self.coupon.text().strip())

    def _coupon_edited(self, _text: str) -> None:
        if self._quote is not None:  # a different code: the old discount no longer holds
            self.show_coupon_problem("")
            self.coupon_note.hide()

    def _show_coupon_note(self, text: str, *, error: bool) -> None:
        self.coupon_note.setText(text)
        self.coupon_note.setObjectName("errorText" if error else "okText")
        self.coupon_note.style().polish(self.coupon_note)
        self.coupon_note.setVisible(bool(text))
