"""The cart, as the window drives it: Add to cart in the catalog, the Cart page's remove,
coupon and Check out. Reading and changing the cart run on the database lane (it is the local
store, offline too); the coupon's quote and the checkout on the network lane."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.pricing import Quote
from lmsdesk.services.cart import CartService, CartTotals
from lmsdesk.services.catalog import CourseSummary
from lmsdesk.ui.failures import explain
from lmsdesk.ui.main_window import MainWindow
from lmsdesk.ui.purchase_controller import PurchaseController
from lmsdesk.ui.tasks import Lane, TaskManager


class CartController(QObject):
    def __init__(
        self,
        *,
        service: CartService,
        tasks: TaskManager,
        window: MainWindow,
        purchases: PurchaseController,
        catalog_changed: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._service = service
        self._tasks = tasks
        self._window = window
        self._purchases = purchases
        self._catalog_changed = catalog_changed
        self.page = window.cart_page
        self.page.remove_requested.connect(self.remove)
        self.page.coupon_requested.connect(self.apply_coupon)
        self.page.checkout_requested.connect(self.check_out)
        window.catalog_page.detail.cart_requested.connect(self._from_catalog)

    def refresh(self) -> None:
        def show(cart: CartTotals) -> None:
            self.page.show_cart(cart)
            self._window.set_badge("Cart", len(cart.entries))

        self._tasks.run(self._service.totals, on_success=show)

    def add(self, course_id: uuid.UUID) -> None:
        self._change(lambda: self._service.add(course_id), "Added to your cart.")

    def remove(self, course_id: uuid.UUID) -> None:
        self._change(lambda: self._service.remove(course_id), "")

    def apply_coupon(self, code: str) -> None:
        if not code:
            self.page.show_coupon_problem("")
            return
        ids = [e.course_id for e in self.page.entries if not e.problem]
        self.page.apply_button.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.page.apply_button.setEnabled(True)
            self.page.show_coupon_problem(explain(error, doing="checking the coupon") or "")

        def quoted(quote: Quote) -> None:
            self.page.apply_button.setEnabled(True)
            self.page.show_quote(quote)

        self._tasks.run(
            lambda: self._service.quote(code, ids),
            on_success=quoted,
            on_failure=failed,
            lane=Lane.IO,
        )

    def check_out(self) -> None:
        buyable = [e for e in self.page.entries if not e.problem]
        if not buyable:
            return
        quote = self.page.quote
        total = quote.total_cents if quote else sum(e.price_cents for e in buyable)
        currency = quote.currency if quote else buyable[0].currency
        title = buyable[0].title + (f" and {len(buyable) - 1} more" if len(buyable) > 1 else "")
        self.page.set_busy(True)
        self.page.show_note("Starting the checkout…")

        def done(error: str | None) -> None:
            self.page.set_busy(False)
            self.page.show_note(error or "", error=error is not None)

        self._purchases.check_out(
            [e.course_id for e in buyable],
            title,
            money_text(total, currency),
            self.page.coupon_code,
            done,
        )

    def _from_catalog(self, course: CourseSummary, add: bool) -> None:
        if add:
            self.add(course.id)
        else:
            self._window.go_to_page("Cart")

    def _change(self, change: Callable[[], None], note: str) -> None:
        def done(_none: None) -> None:
            if note:
                self._window.notify(note)
            self.refresh()
            self._catalog_changed()

        self._tasks.run(
            change,
            on_success=done,
            on_failure=lambda e: self._window.notify(explain(e, doing="changing the cart") or ""),
        )
