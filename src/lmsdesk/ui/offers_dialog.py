"""Prices and coupons (instructors): a sale on one of their published courses, with an end
time (works offline: it is queued), and their coupons, listed and made on the server. Layout
and display only; the authoring controller does the work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.pricing import CouponBody, CouponKind, CouponView
from lmsdesk.services.offers import SaleCourse


class OffersDialog(QDialog):
    #: (course, sale price in cents, ends at)
    sale_requested = Signal(object, int, object)
    end_sale_requested = Signal(object)
    coupon_requested = Signal(object)  # CouponBody

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Prices and coupons")
        self.setMinimumWidth(560)
        self._courses: list[SaleCourse] = []
        layout = QVBoxLayout(self)

        sale = QGroupBox("Sale")
        sale_layout = QVBoxLayout(sale)
        pick = QHBoxLayout()
        self.course = QComboBox()
        self.course.currentIndexChanged.connect(self._course_changed)
        pick.addWidget(QLabel("Course"))
        pick.addWidget(self.course, 1)
        sale_layout.addLayout(pick)
        self.sale_state = QLabel()
        self.sale_state.setObjectName("pageSubtitle")
        self.sale_state.setWordWrap(True)
        sale_layout.addWidget(self.sale_state)
        row = QHBoxLayout()
        self.sale_price = QDoubleSpinBox()
        self.sale_price.setDecimals(2)
        self.sale_price.setRange(0, 1_000_000)
        self.sale_ends = QDateTimeEdit()
        self.sale_ends.setCalendarPopup(True)
        self.sale_ends.setDisplayFormat("dd MMM yyyy HH:mm")
        self.put_on_sale = QPushButton("Put on &sale")
        self.put_on_sale.clicked.connect(self._sale)
        self.end_sale = QPushButton("&End sale")
        self.end_sale.clicked.connect(self._end_sale)
        row.addWidget(QLabel("Sale price"))
        row.addWidget(self.sale_price)
        row.addWidget(QLabel("until"))
        row.addWidget(self.sale_ends, 1)
        sale_layout.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.end_sale)
        buttons.addWidget(self.put_on_sale)
        sale_layout.addLayout(buttons)
        self.no_courses = QLabel("None of your courses is published with a price yet.")
        self.no_courses.setObjectName("emptyState")
        self.no_courses.setWordWrap(True)
        sale_layout.addWidget(self.no_courses)
        layout.addWidget(sale)

        coupons = QGroupBox("Coupons")
        coupon_layout = QVBoxLayout(coupons)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Code", "Off", "For", "Used"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setMinimumHeight(110)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        coupon_layout.addWidget(self.table, 1)
        form = QGridLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText("CODE")
        self.code.setMaxLength(40)
        self.kind = QComboBox()
        self.kind.addItem("% off", CouponKind.PERCENT.value)
        self.kind.addItem("amount off", CouponKind.AMOUNT.value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.value = QDoubleSpinBox()
        self.value.setRange(1, 100)
        self.value.setDecimals(0)
        self.value.setValue(10)
        self.applies_to = QComboBox()
        self.limit = QSpinBox()
        self.limit.setRange(0, 1_000_000)
        self.limit.setSpecialValueText("no limit")
        self.limit.setToolTip("How many orders may use it (each student once)")
        self.create_button = QPushButton("&Create")
        self.create_button.clicked.connect(self._create)
        form.addWidget(QLabel("Code"), 0, 0)
        form.addWidget(self.code, 0, 1)
        form.addWidget(QLabel("Off"), 0, 2)
        form.addWidget(self.value, 0, 3)
        form.addWidget(self.kind, 0, 4)
        form.addWidget(QLabel("For"), 1, 0)
        form.addWidget(self.applies_to, 1, 1)
        form.addWidget(QLabel("Uses"), 1, 2)
        form.addWidget(self.limit, 1, 3)
        form.addWidget(self.create_button, 1, 4)
        form.setColumnStretch(1, 1)
        coupon_layout.addLayout(form)
        layout.addWidget(coupons, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.show_courses([])

    # ------------------------------------------------------------------ showing

    def show_courses(self, courses: list[SaleCourse]) -> None:
        current = self.course.currentData()
        self._courses = courses
        self.course.blockSignals(True)
        self.course.clear()
        self.applies_to.clear()
        self.applies_to.addItem("All my courses", None)
        for course in courses:  # ids as text: QVariant compares text, not Python objects
            self.course.addItem(course.title, str(course.id))
            self.applies_to.addItem(course.title, str(course.id))
        if current is not None and self.course.findData(current) >= 0:
            self.course.setCurrentIndex(self.course.findData(current))
        self.course.blockSignals(False)
        has = bool(courses)
        for widget in (self.course, self.sale_price, self.sale_ends, self.put_on_sale):
            widget.setEnabled(has)
        self.no_courses.setVisible(not has)
        self._course_changed()

    def show_coupons(self, coupons: list[CouponView]) -> None:
        titles = {c.id: c.title for c in self._courses}
        self.table.setRowCount(len(coupons))
        for row, coupon in enumerate(coupons):
            if coupon.percent_off is not None:
                off = f"{coupon.percent_off} %"
            else:
                off = money_text(coupon.amount_off_cents or 0, coupon.currency or "")
            names = [titles.get(c, "a course") for c in coupon.course_ids]
            limit = f" of {coupon.max_redemptions}" if coupon.max_redemptions else ""
            cells = [
                coupon.code,
                off,
                ", ".join(names) or "All my courses",
                f"{coupon.redeemed}{limit}",
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setObjectName("errorText" if error else "okText")
        self.message.style().polish(self.message)

    # ------------------------------------------------------------------ helpers

    def selected(self) -> SaleCourse | None:
        index = self.course.currentIndex()
        return self._courses[index] if 0 <= index < len(self._courses) else None

    def _course_changed(self) -> None:
        course = self.selected()
        self.end_sale.setEnabled(course is not None and course.on_sale)
        if course is None:
            self.sale_state.setText("")
            return
        self.sale_state.setText(course.state_text)
        self.sale_price.setMaximum(max(0.0, (course.price_cents - 1) / 100))
        self.sale_price.setSuffix(f" {course.currency}")
        self.sale_price.setValue(
            (course.sale_price_cents if course.on_sale and course.sale_price_cents else 0) / 100
            or round(course.price_cents * 0.5) / 100
        )
        ends = course.sale_ends_at if course.on_sale else None
        default = datetime.now(UTC) + timedelta(days=7)
        self.sale_ends.setDateTime(QDateTime.fromSecsSinceEpoch(int((ends or default).timestamp())))

    def _kind_changed(self) -> None:
        percent = self.kind.currentData() == CouponKind.PERCENT.value
        self.value.setDecimals(0 if percent else 2)
        self.value.setRange(1, 100 if percent else 1_000_000)

    def _sale(self) -> None:
        course = self.selected()
        if course is None:
            return
        ends = datetime.fromtimestamp(self.sale_ends.dateTime().toSecsSinceEpoch(), UTC)
        self.sale_requested.emit(course, round(self.sale_price.value() * 100), ends)

    def _end_sale(self) -> None:
        course = self.selected()
        if course is not None:
            self.end_sale_requested.emit(course)

    def _create(self) -> None:
        kind = CouponKind(self.kind.currentData())
        course = self.applies_to.currentData()
        currency = self._courses[0].currency if self._courses else "USD"
        try:
            body = CouponBody(
                code=self.code.text(),
                kind=kind,
                percent_off=int(self.value.value()) if kind is CouponKind.PERCENT else None,
                amount_off_cents=round(self.value.value() * 100)
                if kind is CouponKind.AMOUNT
                else None,
                currency=currency if kind is CouponKind.AMOUNT else None,
                course_ids=[uuid.UUID(course)] if course is not None else [],
                max_redemptions=self.limit.value() or None,
            )
        except ValueError as exc:
            self.show_message(_first_problem(exc), error=True)
            return
        self.coupon_requested.emit(body)


def _first_problem(exc: ValueError) -> str:
    """A code the contract refuses, in words (pydantic's first message, without its prefix)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return str(first.get("msg", exc)).removeprefix("Value error, ").capitalize() + "."
    return str(exc)
