"""An assignment lesson's behaviour: load it from the local store, keep the draft as the student
types (a short pause after the last keystroke, on the database lane), attach a file through the
uploader, hand the work in (offline too), and redraw when a sync brings a grade or an upload
moves on."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog

from lmsdesk.services.assignments import AssignmentService, AssignmentView
from lmsdesk.services.learning import LessonView
from lmsdesk.ui.assignment_view import AssignmentPanel
from lmsdesk.ui.failures import explain
from lmsdesk.ui.tasks import Lane, TaskManager

#: Saved this long after the last keystroke (and at once when the lesson is left).
DRAFT_DELAY_MS = 400


class AssignmentController(QObject):
    #: Work was handed in with a file still uploading: the uploads should run.
    uploads_needed = Signal()
    #: (lesson id, text) for the notice line: "Handed in ...".
    handed_in = Signal(object, str)

    def __init__(
        self,
        service: AssignmentService,
        tasks: TaskManager,
        *,
        pick_file: Callable[[], Path | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service, self._tasks = service, tasks
        self.view: AssignmentPanel | None = None
        self.lesson_id: uuid.UUID | None = None
        self.shown: AssignmentView | None = None
        self._pick_file = pick_file or self._file_dialog
        self._pending: dict[str, str] = {}
        self._saver = QTimer(self)
        self._saver.setSingleShot(True)
        self._saver.setInterval(DRAFT_DELAY_MS)
        self._saver.timeout.connect(self.save_draft)

    def open(self, lesson: LessonView, view: AssignmentPanel) -> None:
        self.close()
        self.lesson_id, self.view = lesson.id, view
        view.text_edited.connect(lambda text: self._edited("text", text))
        view.link_edited.connect(lambda url: self._edited("url", url))
        view.attach_requested.connect(self.attach)
        view.remove_file_requested.connect(self.remove_file)
        view.submit_requested.connect(self.submit)
        self.reload(first=True)

    def close(self) -> None:
        self.save_draft()  # leaving mid-sentence: what was typed is kept
        self.view = None
        self.lesson_id = None
        self.shown = None

    def reload(self, *, first: bool = False) -> None:
        lesson = self.lesson_id
        if lesson is None:
            return
        self._tasks.run(
            lambda: self._service.assignment(lesson),
            on_success=lambda shown: self._show(shown, first),
            on_failure=self._refused,
        )

    def _show(self, shown: AssignmentView, first: bool) -> None:
        if self.view is None or shown.lesson_id != self.lesson_id:
            return
        self.shown = shown
        self.view.show_assignment(shown, first=first)

    def show_upload(self, asset_id: object, sent: int, size: int) -> None:
        del asset_id
        if self.view is not None and self.shown is not None and self.shown.draft.file_name:
            self.view.show_upload(sent, size)

    # ---------------------------------------------------------------- the draft
    def _edited(self, field: str, value: str) -> None:
        self._pending[field] = value
        self._saver.start()

    def save_draft(self, then: Callable[[], None] | None = None) -> None:
        self._saver.stop()
        lesson, pending = self.lesson_id, self._pending
        self._pending = {}
        if lesson is None or not pending:
            if then is not None:
                then()
            return
        self._tasks.run(
            lambda: self._service.save_draft(
                lesson, text=pending.get("text"), url=pending.get("url")
            ),
            on_success=lambda _none: then() if then is not None else None,
            on_failure=self._refused,
            lane=Lane.DATABASE,
        )

    def attach(self) -> None:
        lesson = self.lesson_id
        path = self._pick_file()
        if lesson is None or path is None:
            return

        def done(name: str) -> None:
            self.reload()
            self.uploads_needed.emit()
            if self.view is not None:
                self.view.status.setText(f"'{name}' is attached; it uploads when you are online.")

        self._tasks.run(
            lambda: self._service.attach_file(lesson, path),
            on_success=done,
            on_failure=self._refused,
            lane=Lane.IO,  # copied and hashed off the UI thread
        )

    def remove_file(self) -> None:
        lesson = self.lesson_id
        if lesson is not None:
            self._tasks.run(
                lambda: self._service.remove_file(lesson),
                on_success=lambda _none: self.reload(),
                on_failure=self._refused,
            )

    def submit(self) -> None:
        lesson = self.lesson_id
        if lesson is None:
            return

        def sent(now: bool) -> None:
            title = self.shown.title if self.shown else "the assignment"
            self.reload(first=True)  # the draft was handed in: the editor starts empty
            if not now:
                self.uploads_needed.emit()
            self.handed_in.emit(
                lesson,
                f"Handed in '{title}'"
                + ("." if now else ": it is sent once its file is uploaded."),
            )

        def hand_in() -> None:
            self._tasks.run(
                lambda: self._service.submit(lesson), on_success=sent, on_failure=self._refused
            )

        # The last keystrokes first, so what is handed in is what is on screen.
        self.save_draft(then=hand_in)

    def _refused(self, error: BaseException) -> None:
        if self.view is not None:
            self.view.set_problem(explain(error, doing="with the assignment") or "")

    def _file_dialog(self) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(
            self.view,
            "Attach your work",
            str(Path.home()),
            "Your work (*.pdf *.zip *.txt *.png *.jpg *.jpeg)",
        )
        return Path(name) if name else None
