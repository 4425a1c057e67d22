"""Drives the Moderation page: loads the queue and the selected course on the database lane,
asks before approving, collects feedback for a rejection, queues decisions, and takes back an
unsent one. Everything works offline; the sync sends the decisions."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog, QMessageBox

from lmsdesk.contracts.enums import ReviewDecision
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.moderation import CourseReview, ModerationService, Queue
from lmsdesk.ui.failures import explain, is_expected
from lmsdesk.ui.moderation_page import ModerationPage
from lmsdesk.ui.reject_dialog import RejectDialog
from lmsdesk.ui.tasks import TaskManager

_log = logging.getLogger(__name__)
#: (feedback, {lesson id: note}) or None when the admin cancels.
Rejection = tuple[str, dict[uuid.UUID, str]] | None


class ModerationController(QObject):
    def __init__(
        self,
        *,
        page: ModerationPage,
        service: ModerationService,
        tasks: TaskManager,
        open_preview: Callable[[uuid.UUID], None] | None = None,
        confirm: Callable[[str], bool] | None = None,
        ask_rejection: Callable[[CourseReview, str], Rejection] | None = None,
        tell: Callable[[str], None] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(page)
        #: What just happened, said without a dialog (the window's notice banner).
        self.notify = notify or (lambda _text: None)
        self._page, self._service, self._tasks = page, service, tasks
        self._open_preview = open_preview
        self.confirm = confirm or self._confirm_dialog
        self.ask_rejection = ask_rejection or self._rejection_dialog
        self.tell = tell or (lambda text: QMessageBox.information(page, "Moderation", text))
        self._selected: uuid.UUID | None = None
        self._titles: dict[uuid.UUID, str] = {}
        # Typing in the search box redraws once the typing pauses.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.refresh)
        page.filter_changed.connect(self._debounce.start)
        page.course_selected.connect(self.select)
        page.approve_requested.connect(self.approve)
        page.reject_requested.connect(self.reject)
        page.preview_requested.connect(self.preview)
        page.take_back_requested.connect(self.take_back)

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """The queue and the selected course, redrawn (after sign-in, every sync, a filter)."""
        text, category = self._page.filters()
        selected = self._selected
        service = self._service

        def load() -> tuple[Queue, CourseReview | None]:
            queue = service.queue(text, category)
            shown = selected in {e.course_id for e in queue.entries}
            return queue, service.review(selected) if shown and selected else None

        self._tasks.run(load, on_success=self._show, on_failure=self._not_shown)

    def _show(self, loaded: tuple[Queue, CourseReview | None]) -> None:
        queue, review = loaded
        self._titles = {e.course_id: e.title for e in queue.entries}
        # The selection as it is now: the admin may have picked a course while this loaded.
        if self._selected not in self._titles:
            self._selected = None
        self._page.show_queue(queue, self._selected)
        if self._selected is None:
            self._page.show_review(None)
        elif review is not None and review.course_id == self._selected:
            self._page.show_review(review, self._titles[review.course_id])
        # else: the select() in flight shows the course it picked

    def _not_shown(self, error: BaseException) -> None:
        """A background redraw that could not happen (not an admin, signed out): stay quiet."""
        if not is_expected(error):
            _log.error("moderation redraw failed", exc_info=error)

    def select(self, course_id: uuid.UUID) -> None:
        self._selected = course_id
        title = self._titles.get(course_id, "")
        self._tasks.run(
            lambda: self._service.review(course_id),
            on_success=lambda review: self._page.show_review(review, title),
            on_failure=self._failed,
        )

    # ------------------------------------------------------------------ deciding
    def approve(self) -> None:
        review = self._page.review
        if review is None:
            return
        title = self._titles.get(review.course_id, "this course")
        if not self.confirm(
            f"Approve “{title}” and publish it to the catalog? Students see it "
            "after your next sync reaches the server."
        ):
            return
        self._decide(review.course_id, ReviewDecision.APPROVED, "", {})

    def reject(self) -> None:
        review = self._page.review
        if review is None:
            return
        answer = self.ask_rejection(review, self._titles.get(review.course_id, ""))
        if answer is not None:
            feedback, notes = answer
            self._decide(review.course_id, ReviewDecision.REJECTED, feedback, notes)

    def _decide(
        self,
        course: uuid.UUID,
        decision: ReviewDecision,
        feedback: str,
        notes: dict[uuid.UUID, str],
    ) -> None:
        title = self._titles.get(course, "The course")

        def decided(_seq: object) -> None:
            self._selected = None
            self.refresh()
            self.notify(
                f"“{title}” is approved; it is published when your next sync reaches the server."
                if decision is ReviewDecision.APPROVED
                else f"“{title}” is sent back to its instructor with your feedback (with "
                "your next sync)."
            )

        self._tasks.run(
            lambda: self._service.decide(course, decision, feedback, notes),
            on_success=decided,
            on_failure=self._failed,
        )

    def take_back(self, seq: int) -> None:
        self._tasks.run(
            lambda: self._service.take_back(seq),
            on_success=lambda _none: self.refresh(),
            on_failure=self._failed,
        )

    def preview(self) -> None:
        review = self._page.review
        if review is not None and self._open_preview is not None:
            self._open_preview(review.course_id)

    def _failed(self, error: BaseException) -> None:
        message = explain(error, doing="recording that decision")
        if message is None:
            return
        self.tell(message)
        if isinstance(error, UserFacingError):
            self.refresh()

    # ------------------------------------------------------------------ dialogs
    def _confirm_dialog(self, question: str) -> bool:
        answer = QMessageBox.question(self._page, "Moderation", question)
        return answer == QMessageBox.StandardButton.Yes

    def _rejection_dialog(self, review: CourseReview, title: str) -> Rejection:
        dialog = RejectDialog(review, title, self._page)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_value()
