"""The Grading page's behaviour: the inbox from the laptop at once, then fetched again from the
server (after each sync, and on Refresh); grades recorded offline too; a student's file opened
from the downloaded copy; the gradebook per course and its CSV export. The Grading entry in the
navigation shows how much waits to be graded."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from lmsdesk.contracts.assignments import Gradebook
from lmsdesk.services.grading import GradingService, InboxEntry
from lmsdesk.sync.api_client import ServerUnreachable
from lmsdesk.ui.failures import explain, is_expected
from lmsdesk.ui.grading_page import GradingPage
from lmsdesk.ui.tasks import Lane, TaskManager
from lmsdesk.ui.times import local_time


class GradingController(QObject):
    def __init__(
        self,
        *,
        page: GradingPage,
        service: GradingService,
        tasks: TaskManager,
        notify: Callable[[str], None],
        set_badge: Callable[[int], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._page, self._service, self._tasks = page, service, tasks
        self._notify, self._set_badge = notify, set_badge
        self.book: Gradebook | None = None
        #: How a file is handed to the system (replaced in tests).
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        #: Where an export is saved (replaced in tests).
        self.save_path: Callable[[str], Path | None] = self._save_dialog
        page.refresh_requested.connect(self.fetch)
        page.filter_changed.connect(self.show)
        page.form.grade_requested.connect(self.grade)
        page.form.open_file_requested.connect(self.open_file)
        page.gradebook_course_chosen.connect(self.load_gradebook)
        page.export_requested.connect(self.export)
        page.sections.currentChanged.connect(self._section)

    # ---------------------------------------------------------------- the inbox
    def refresh(self) -> None:
        """What the laptop has, at once; then what the server has."""
        self._tasks.run(self._service.courses, on_success=self._page.set_courses)
        self.show()
        self.fetch()

    def show(self) -> None:
        course, ungraded = self._page.course_filter(), self._page.ungraded.isChecked()

        def load() -> tuple[list[InboxEntry], int, datetime | None]:
            entries = self._service.entries(course_id=course, ungraded_only=ungraded)
            waiting = len(self._service.entries(ungraded_only=True))
            return entries, waiting, self._service.refreshed_at()

        def shown(loaded: tuple[list[InboxEntry], int, datetime | None]) -> None:
            entries, waiting, _at = loaded
            self._page.show_entries(entries)
            self._set_badge(waiting)

        self._tasks.run(load, on_success=shown, on_failure=self._quiet)

    def fetch(self) -> None:
        def fetched(waiting: int) -> None:
            self._page.set_state(f"Up to date · {waiting} to grade")
            self.show()
            # The files of the work to grade, while online: opened later, offline too.
            self._tasks.run(
                self._service.prefetch_files,
                on_success=lambda _n: None,
                on_failure=self._quiet,
                lane=Lane.DOWNLOAD,
            )

        def failed(error: BaseException) -> None:
            if isinstance(error, ServerUnreachable):
                self._tasks.run(self._service.refreshed_at, on_success=self._offline)
            elif not is_expected(error):
                self._page.set_state(explain(error, doing="fetching the inbox") or "", warning=True)

        self._tasks.run(self._service.refresh, on_success=fetched, on_failure=failed)

    def _offline(self, at: datetime | None) -> None:
        if at is None:
            self._page.set_state("Offline: connect once to fetch the work handed in.", warning=True)
        else:
            self._page.set_state(f"Offline: the inbox as fetched {local_time(at)}. Grades wait.")

    def grade(self) -> None:
        form = self._page.form
        item = form.item
        if item is None:
            return
        rubric = {name: spin.value() for name, spin in form.criteria.items()} or None
        essays = {key: spin.value() for key, spin in form.essays.items()} or None
        score = form.total.value() if not rubric and not essays else None
        feedback = form.feedback.toPlainText().strip()

        def saved(_none: None) -> None:
            self._notify(f"Grade saved for {item.student_name}; it is sent at the next sync.")
            self.show()

        self._tasks.run(
            lambda: self._service.grade(
                item,
                score=score,
                rubric_scores=rubric,
                essay_scores=essays,
                feedback=feedback,
            ),
            on_success=saved,
            on_failure=lambda error: form.result.setText(
                explain(error, doing="saving the grade") or ""
            ),
        )

    def open_file(self) -> None:
        item = self._page.form.item
        if item is None:
            return
        self._page.form.result.setText("Opening the file…")

        def opened(path: Path) -> None:
            self._page.form.result.clear()
            self.open_url(QUrl.fromLocalFile(str(path)))

        self._tasks.run(
            lambda: self._service.download(item),
            on_success=opened,
            on_failure=lambda error: self._page.form.result.setText(
                explain(error, doing="opening the file") or ""
            ),
            lane=Lane.DOWNLOAD,
        )

    # ---------------------------------------------------------------- the gradebook
    def _section(self, index: int) -> None:
        if index == 1:
            course = self._page.book_course_id()
            if course is not None:
                self.load_gradebook(course)
            else:
                self._page.show_gradebook_problem("Publish a course to see its gradebook.")

    def load_gradebook(self, course_id: uuid.UUID) -> None:
        def shown(loaded: tuple[Gradebook, bool]) -> None:
            self.book, fresh = loaded
            self._page.show_gradebook(self.book, fresh=fresh)

        def failed(error: BaseException) -> None:
            self.book = None
            self._page.show_gradebook_problem(explain(error, doing="loading the gradebook") or "")

        self._tasks.run(
            lambda: self._service.gradebook(course_id), on_success=shown, on_failure=failed
        )

    def export(self) -> None:
        book = self.book
        if book is None:
            return
        name = "".join(c if c.isalnum() else "-" for c in book.course_title.lower()).strip("-")
        target = self.save_path(f"gradebook-{name}.csv")
        if target is None:
            return
        self._tasks.run(
            lambda: self._service.export_csv(book, target),
            on_success=lambda path: self._notify(f"Gradebook saved as {path.name}."),
            on_failure=lambda error: self._notify(explain(error, doing="saving the CSV") or ""),
            lane=Lane.IO,
        )

    def _save_dialog(self, suggested: str) -> Path | None:
        name, _filter = QFileDialog.getSaveFileName(
            self._page, "Export the gradebook", str(Path.home() / suggested), "CSV (*.csv)"
        )
        return Path(name) if name else None

    def _quiet(self, error: BaseException) -> None:
        if not is_expected(error):
            self._page.set_state(explain(error, doing="reading the inbox") or "", warning=True)
