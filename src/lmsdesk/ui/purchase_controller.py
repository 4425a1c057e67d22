"""Buying and enrolling, as the window drives it (DESIGN.md section 6).

Buy creates the checkout on the server (io lane), opens its page in the system browser and
shows the waiting panel; the order is then polled with backoff, again at start-up for orders
left pending by an earlier run, and whenever the window becomes active again (the student
comes back from the browser). A final answer ends the wait: a completed order triggers a sync,
which is what brings the enrollment (only the server's verified webhook grants it).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from lmsdesk.contracts.commerce import OrderView
from lmsdesk.contracts.enums import OrderStatus
from lmsdesk.services.catalog import CourseSummary
from lmsdesk.services.purchases import PendingCheckout, PurchaseError, PurchaseService
from lmsdesk.services.schedule import CohortView, ScheduleService
from lmsdesk.sync.api_client import ServerUnreachable
from lmsdesk.ui.checkout_panel import CheckoutPanel
from lmsdesk.ui.cohort_dialog import CohortDialog
from lmsdesk.ui.failures import explain
from lmsdesk.ui.main_window import MainWindow
from lmsdesk.ui.sync_controller import SyncController
from lmsdesk.ui.tasks import Lane, TaskManager

_log = logging.getLogger(__name__)

# Seconds between polls of one order: quick while the student is likely paying, then patient.
BACKOFF_S = (2, 3, 5, 8, 13, 21, 30)

_RESULTS: dict[OrderStatus, tuple[str, str]] = {
    OrderStatus.FAILED: (
        "The payment did not go through",
        "Nothing was charged. You can try again from the course page.",
    ),
    OrderStatus.EXPIRED: (
        "The checkout timed out",
        "It closed before a payment was made. Nothing was charged.",
    ),
    OrderStatus.CANCELLED: (
        "Purchase cancelled",
        "You cancelled the checkout. Nothing was charged.",
    ),
    OrderStatus.REFUNDED: ("Refunded", "This purchase was refunded."),
}


class PurchaseController(QObject):
    def __init__(
        self,
        *,
        service: PurchaseService,
        tasks: TaskManager,
        window: MainWindow,
        sync: SyncController,
        schedule: ScheduleService | None = None,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(window)
        self._cohorts = schedule
        #: The open "Choose your cohort" dialog (tests answer it).
        self.cohort_dialog: CohortDialog | None = None
        self._service = service
        self._tasks = tasks
        self._window = window
        self._sync = sync
        self._open_url = open_url
        self.panel = CheckoutPanel(window)
        self.panel.reopen_requested.connect(self._reopen)
        self.panel.cancel_requested.connect(self._cancel)
        self.panel.my_learning_requested.connect(lambda: window.go_to_page("My learning"))
        self._pending: dict[uuid.UUID, PendingCheckout] = {}
        self._attempts: dict[uuid.UUID, int] = {}
        self._timers: dict[uuid.UUID, QTimer] = {}
        self._awaiting_sync: set[uuid.UUID] = set()  # courses paid for, enrollment not yet here
        detail = window.catalog_page.detail
        detail.buy_requested.connect(self.buy)
        detail.enroll_requested.connect(self.enroll)
        detail.open_requested.connect(lambda _c: window.go_to_page("My learning"))
        window.purchases_page.refresh_requested.connect(self.refresh_history)
        window.purchases_page.receipt_requested.connect(self.open_receipt)
        window.courses_shown.connect(self._check_enrolled)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._app_state)

    # ------------------------------------------------------------------ starting

    def resume_pending(self) -> None:
        """At sign-in: keep waiting for orders an earlier run left pending."""
        self._tasks.run(self._service.pending, on_success=self._adopt)
        self.refresh_history()

    def open_receipt(self, order_id: uuid.UUID) -> None:
        """The order's PDF receipt, fetched off the UI thread and opened in the PDF viewer."""

        def opened(path: Path) -> None:
            self._open_url(QUrl.fromLocalFile(str(path)))
            self._window.notify(f"Receipt saved as {path}.")

        self._tasks.run(
            lambda: self._service.receipt(order_id),
            on_success=opened,
            on_failure=lambda error: self._window.notify(
                explain(error, doing="getting the receipt") or ""
            ),
            lane=Lane.IO,
        )

    def stop(self) -> None:
        for timer in self._timers.values():
            timer.stop()
        self._pending.clear()
        self._timers.clear()
        self._window.catalog_page.set_waiting(set())

    def _with_cohort(
        self, course: CourseSummary, action: str, go: Callable[[uuid.UUID | None], None]
    ) -> None:
        """A course run in cohorts: the student picks one first (from the catalog as last
        synced); a self-paced course goes straight on."""
        schedule = self._cohorts
        if schedule is None:
            go(None)
            return

        def choose(cohorts: list[CohortView]) -> None:
            if not cohorts:
                go(None)
                return
            self.cohort_dialog = CohortDialog(course.title, cohorts, action, self._window)
            self.cohort_dialog.chosen.connect(go)
            self.cohort_dialog.open()

        self._tasks.run(lambda: schedule.joinable_cohorts(course.id), on_success=choose)

    def buy(self, course: CourseSummary) -> None:
        waiting = next((p for p in self._pending.values() if p.course_id == course.id), None)
        if waiting is not None:  # already paying for it: show that checkout again
            self.panel.show_waiting(waiting)
            self.panel.show()
            if not self._open_url(QUrl(waiting.url)):
                self.panel.show_no_browser(waiting.url)
            return
        detail = self._window.catalog_page.detail
        if not self._window.online:
            detail.show_note(
                "You are offline. Paying needs a connection; nothing is queued.", error=True
            )
            return
        self._with_cohort(course, f"Buy for {course.price_text}", lambda c: self._buy(course, c))

    def _buy(self, course: CourseSummary, cohort_id: uuid.UUID | None) -> None:
        detail = self._window.catalog_page.detail
        detail.action.setEnabled(False)
        detail.show_note("Starting the checkout…")

        def done(error: str | None) -> None:
            detail.action.setEnabled(True)
            if error is not None:
                detail.show_note(error, error=True)

        self._start(
            lambda: self._service.start([course.id], course.title, course.price_text, cohort_id),
            done,
        )

    def check_out(
        self,
        course_ids: list[uuid.UUID],
        title: str,
        price_text: str,
        coupon_code: str | None,
        done: Callable[[str | None], None],
    ) -> None:
        """Several courses as one order (the cart), with the coupon applied there. `done` is
        told the refusal in words, or None once the payment page is open."""
        self._start(
            lambda: self._service.start(course_ids, title, price_text, None, coupon_code), done
        )

    def _start(
        self, create: Callable[[], PendingCheckout], done: Callable[[str | None], None]
    ) -> None:
        def started(pending: PendingCheckout) -> None:
            done(None)
            self._adopt([pending])
            self.panel.show_waiting(pending)
            self.panel.show()
            if not pending.url:
                return  # nothing to pay (a 100 % coupon): the order is complete already
            if not self._open_url(QUrl(pending.url)):
                self.panel.show_no_browser(pending.url)

        self._tasks.run(
            create, on_success=started, on_failure=lambda e: done(_text(e)), lane=Lane.IO
        )

    def enroll(self, course: CourseSummary) -> None:
        self._with_cohort(course, "Enroll", lambda c: self._enroll(course, c))

    def _enroll(self, course: CourseSummary, cohort_id: uuid.UUID | None) -> None:
        detail = self._window.catalog_page.detail
        detail.action.setEnabled(False)
        detail.show_note("Enrolling…")

        def enrolled(_: None) -> None:
            detail.action.setEnabled(True)
            detail.show_note(f"Enrolled. {course.title} arrives in My learning with the next sync.")
            self._sync.sync_now()

        def failed(error: BaseException) -> None:
            detail.action.setEnabled(True)
            detail.show_note(_text(error), error=True)

        self._tasks.run(
            lambda: self._service.enroll_free(course.id, cohort_id),
            on_success=enrolled,
            on_failure=failed,
            lane=Lane.IO,
        )

    def refresh_history(self) -> None:
        self._tasks.run(
            self._service.history, on_success=self._window.purchases_page.show_orders, lane=Lane.IO
        )

    # ------------------------------------------------------------------ waiting

    def _adopt(self, pendings: list[PendingCheckout]) -> None:
        for pending in pendings:
            if pending.order_id in self._pending:
                continue
            self._pending[pending.order_id] = pending
            self._attempts[pending.order_id] = 0
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda oid=pending.order_id: self.poll(oid))
            self._timers[pending.order_id] = timer
            self._schedule(pending.order_id)
        self._show_waiting_courses()

    def poll_all(self) -> None:
        for order_id in list(self._pending):
            self.poll(order_id)

    def poll(self, order_id: uuid.UUID) -> None:
        if order_id not in self._pending:
            return
        self._timers[order_id].stop()
        self._tasks.run(
            lambda: self._service.check(order_id),
            on_success=self._answered,
            on_failure=lambda e: self._poll_failed(order_id, e),
            lane=Lane.IO,
        )

    def _schedule(self, order_id: uuid.UUID) -> None:
        attempt = self._attempts[order_id]
        self._attempts[order_id] = attempt + 1
        self._timers[order_id].start(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)] * 1000)

    def _answered(self, view: OrderView) -> None:
        pending = self._pending.get(view.id)
        if pending is None:
            return
        if view.status is OrderStatus.PENDING:
            self._schedule(view.id)
            return
        self._finish(view.id)
        shown = self.panel.pending is not None and self.panel.pending.order_id == view.id
        if not shown:
            self.panel.pending = pending
            self.panel.course.setText(f"<b>{pending.course_title}</b> · {pending.price_text}")
        if view.status is OrderStatus.COMPLETED:
            self._awaiting_sync.update(pending.courses)
            self.panel.show_result(
                "Payment received",
                f"Adding {pending.course_title} to My learning…",
                success=True,
                done=False,
            )
            self._sync.sync_now()
        else:
            heading, text = _RESULTS[view.status]
            self.panel.show_result(heading, text, success=False)
        self.panel.show()
        self.refresh_history()

    def _poll_failed(self, order_id: uuid.UUID, error: BaseException) -> None:
        if order_id not in self._pending:
            return
        if isinstance(error, ServerUnreachable):
            if (
                self.panel.isVisible()
                and self.panel.pending
                and (self.panel.pending.order_id == order_id)
            ):
                self.panel.show_problem(
                    "Cannot reach the server right now; still waiting. "
                    "Your payment is safe either way."
                )
            self._schedule(order_id)
            return
        self._finish(order_id)
        self.panel.show_result("Something went wrong", _text(error), success=False)

    def _finish(self, order_id: uuid.UUID) -> None:
        self._pending.pop(order_id, None)
        timer = self._timers.pop(order_id, None)
        if timer is not None:
            timer.stop()
        self._show_waiting_courses()

    def _check_enrolled(self) -> None:
        courses = {c.id: c for c in self._window.catalog_page.courses}
        for course_id in list(self._awaiting_sync):
            course = courses.get(course_id)
            if course is not None and course.enrolled:
                self._awaiting_sync.discard(course_id)
                self.panel.show_result(
                    "Purchase complete",
                    f"{course.title} is in My learning, ready to learn.",
                    success=True,
                )

    def _show_waiting_courses(self) -> None:
        self._window.catalog_page.set_waiting(
            {c for p in self._pending.values() for c in p.courses}
        )

    # ------------------------------------------------------------------ panel actions

    def _reopen(self) -> None:
        pending = self.panel.pending
        if pending is not None and not self._open_url(QUrl(pending.url)):
            self.panel.show_no_browser(pending.url)

    def _cancel(self) -> None:
        pending = self.panel.pending
        if pending is None:
            return
        self.panel.show_working("Cancelling…")
        self._tasks.run(
            lambda: self._service.cancel(pending.order_id),
            on_success=self._answered,
            on_failure=lambda e: self.panel.show_problem(_text(e)),
            lane=Lane.IO,
        )

    def _app_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.poll_all()  # back from the browser: ask at once


def _text(error: BaseException) -> str:
    if isinstance(error, PurchaseError):
        return error.message
    _log.error("purchase step failed", exc_info=error)
    return f"Something went wrong: {error}"
