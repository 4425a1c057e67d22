"""Prices and coupons, as the Authoring page drives them: the dialog opens with the
instructor's published courses (database lane) and their coupons (network lane); a sale is
queued like any change, a coupon is made on the server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from lmsdesk.contracts.pricing import CouponBody, CouponView
from lmsdesk.services.offers import OffersService, SaleCourse
from lmsdesk.ui.failures import explain
from lmsdesk.ui.offers_dialog import OffersDialog
from lmsdesk.ui.tasks import Lane, TaskManager


class OffersController(QObject):
    def __init__(
        self,
        *,
        service: OffersService,
        tasks: TaskManager,
        parent: QWidget,
        notify: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._parent = parent
        self._notify = notify
        #: The open dialog (tests drive it).
        self.dialog: OffersDialog | None = None

    def open(self) -> None:
        dialog = OffersDialog(self._parent)
        self.dialog = dialog
        dialog.sale_requested.connect(self._sale)
        dialog.end_sale_requested.connect(self._end_sale)
        dialog.coupon_requested.connect(self._coupon)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self._load_courses()
        self._load_coupons()
        dialog.open()

    def _load_courses(self) -> None:
        def show(courses: list[SaleCourse]) -> None:
            if self.dialog is not None:
                self.dialog.show_courses(courses)

        self._tasks.run(self._service.published, on_success=show)

    def _load_coupons(self) -> None:
        def show(coupons: list[CouponView]) -> None:
            if self.dialog is not None:
                self.dialog.show_coupons(coupons)

        self._tasks.run(
            self._service.coupons, on_success=show, on_failure=self._failed, lane=Lane.IO
        )

    def _sale(self, course: SaleCourse, cents: int, ends: datetime) -> None:
        def done(_none: None) -> None:
            self._said(f"“{course.title}” is on sale; the catalog shows it after the next sync.")
            self._load_courses()

        self._tasks.run(
            lambda: self._service.set_sale(course, cents, ends),
            on_success=done,
            on_failure=self._failed,
        )

    def _end_sale(self, course: SaleCourse) -> None:
        def done(_none: None) -> None:
            self._said(f"The sale of “{course.title}” ends with the next sync.")
            self._load_courses()

        self._tasks.run(
            lambda: self._service.end_sale(course), on_success=done, on_failure=self._failed
        )

    def _coupon(self, body: CouponBody) -> None:
        def made(coupon: CouponView) -> None:
            self._said(f"Coupon {coupon.code} made: students enter it in their cart.")
            self._load_coupons()

        self._tasks.run(
            lambda: self._service.create_coupon(body),
            on_success=made,
            on_failure=self._failed,
            lane=Lane.IO,
        )

    def _said(self, text: str) -> None:
        if self.dialog is not None:
            self.dialog.show_message(text)
        self._notify(text)

    def _failed(self, error: BaseException) -> None:
        text = explain(error, doing="changing prices and coupons") or ""
        if self.dialog is not None:
            self.dialog.show_message(text, error=True)
