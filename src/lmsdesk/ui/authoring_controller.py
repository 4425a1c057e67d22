"""The Authoring page's behaviour: the course list, and the open course as a whole (details,
thumbnail, conflicts, revisions, submit, preview, uploads). The curriculum and the lesson panel
have controllers of their own (curriculum_controller, lesson_editing_controller) that share this
one's lane, dialogs and failure policy.

Every edit goes to a service on the database lane (a local change plus a draft mutation; sync
sends it later) and the editor is redrawn from what was stored."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lmsdesk.contracts.authoring import Keep
from lmsdesk.services.authoring import AuthoredCourse, AuthoringService, Draft
from lmsdesk.services.curriculum import CurriculumService
from lmsdesk.services.lesson_content import LessonContentService
from lmsdesk.services.uploads import UploadService, UploadView
from lmsdesk.sync.auth_session import SessionEnded
from lmsdesk.ui.authoring_page import AuthoringPage
from lmsdesk.ui.course_editor import CourseEditor
from lmsdesk.ui.curriculum_controller import CurriculumController
from lmsdesk.ui.failures import explain, is_expected
from lmsdesk.ui.lesson_editing_controller import LessonEditingController
from lmsdesk.ui.tasks import Lane, TaskManager
from lmsdesk.ui.title_dialog import ask_title

_log = logging.getLogger(__name__)
T = TypeVar("T")

#: (dialog title, label, suggested text) -> the text, or None when cancelled
AskText = Callable[[str, str, str], str | None]

_PICKERS = {
    "video": ("Import video", "Videos (*.mp4 *.webm *.mov)"),
    "subtitles": ("Add subtitles", "WebVTT subtitles (*.vtt)"),
    "thumbnail": ("Choose a thumbnail", "Images (*.png *.jpg *.jpeg)"),
    "resource": ("Add a file", "Files (*.pdf *.zip *.txt *.png *.jpg *.jpeg)"),
}


class AuthoringController(QObject):
    #: (asset id, bytes the server has, size), from the upload lane
    upload_progress = Signal(object, int, int)
    #: An upload run ended (files sent, or the connection went).
    uploads_finished = Signal()

    def __init__(
        self,
        *,
        page: AuthoringPage,
        service: AuthoringService,
        curriculum: CurriculumService,
        lessons: LessonContentService,
        uploads: UploadService,
        tasks: TaskManager,
        ask_text: AskText | None = None,
        tell: Callable[[str], None] | None = None,
        pick_file: Callable[[str], Path | None] | None = None,
        open_preview: Callable[[uuid.UUID], None] | None = None,
        confirm: Callable[[str], bool] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(page)
        #: What just happened, said without a dialog (the window's notice banner).
        self.notify = notify or (lambda _text: None)
        self._page, self._service, self._tasks = page, service, tasks
        self.editor: CourseEditor = page.editor
        self._uploads = uploads
        self._uploading = False
        self.pick_file = pick_file or self._file_dialog
        self._open_preview = open_preview
        self.confirm = confirm or self._confirm_dialog
        self.ask_text = ask_text or self._dialog
        self.tell = tell or (lambda text: QMessageBox.information(page, "Authoring", text))
        self.course: uuid.UUID | None = None
        self.curriculum = CurriculumController(self, curriculum)
        self.lessons = LessonEditingController(self, lessons, curriculum, uploads)
        editor = self.editor
        page.new_course_requested.connect(self.new_course)
        page.course_selected.connect(self.open_course)
        page.back_requested.connect(self.close_course)
        editor.field_edited.connect(self.edit)
        editor.submit_requested.connect(self.submit)
        editor.resolve_requested.connect(self.resolve)
        editor.preview_requested.connect(self.preview)
        editor.delete_course_requested.connect(self.delete_course)
        editor.revise_requested.connect(self.revise)
        editor.tags_edited.connect(
            lambda course, text: self.change(lambda: service.set_tags(course, text))
        )
        editor.thumbnail_requested.connect(self.choose_thumbnail)
        editor.remove_thumbnail_requested.connect(self.remove_thumbnail)
        self.upload_progress.connect(editor.video.show_progress)

    # ------------------------------------------------------------------ the lane
    def run(
        self,
        work: Callable[[], T],
        *,
        on_success: Callable[[T], None],
        lane: Lane = Lane.DATABASE,
        quiet: bool = False,
    ) -> None:
        """A step on a background lane; a failure goes through the one policy (`failed`), or
        is dropped without a word when `quiet` (a background redraw)."""
        self._tasks.run(
            work, on_success=on_success, on_failure=self._not_shown if quiet else self.failed,
            lane=lane,
        )  # fmt: skip

    def change(self, change: Callable[[], object], *, done: str = "") -> None:
        """A stored change, then the editor redrawn from what was stored (and `done` said)."""

        def saved(_result: object) -> None:
            self.refresh()
            self.lessons.reload()
            if done:
                self.notify(done)

        self.run(change, on_success=saved)

    def failed(self, error: BaseException) -> None:
        message = explain(error, doing="saving that change")
        if message is None:
            return  # signed out while the change was on its way: nothing to save it into
        self.tell(message)
        self.refresh()  # show what was stored, not what was typed
        self.lessons.reload()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """The course list, and the open course redrawn (after sign-in and a sync that changed
        a draft)."""
        course = self.course

        def load() -> tuple[list[AuthoredCourse], Draft | None]:
            draft = self._service.draft(course) if course is not None else None
            return self._service.my_courses(), draft

        self._tasks.run(load, on_success=self._show, on_failure=self._not_shown)

    def _not_shown(self, error: BaseException) -> None:
        """A redraw that could not happen (signed out meanwhile, the course gone after a sync):
        show the list as it is; a background refresh never pops up a dialog."""
        if not is_expected(error):
            _log.error("authoring redraw failed", exc_info=error)
        self.course = None
        self._page.show_courses([], None)

    def open_course(self, course_id: uuid.UUID) -> None:
        self.editor.flush()
        self.course = course_id
        self.curriculum.forget_undo()
        self.refresh()

    def close_course(self) -> None:
        self.editor.flush()
        self.course = None
        self.refresh()

    def _show(self, loaded: tuple[list[AuthoredCourse], Draft | None]) -> None:
        courses, draft = loaded
        self._page.show_courses(courses, self.course)
        if draft is not None:
            self.editor.show_draft(draft)
            self._page.show_editor()

    # ------------------------------------------------------------------ the course
    def new_course(self) -> None:
        title = self.ask_text("New course", "Course title:", "")
        if title:
            self.run(lambda: self._service.create_course(title), on_success=self.open_course)

    def edit(self, entity: str, entity_id: uuid.UUID, field: str, value: Any) -> None:
        self.change(lambda: self._service.edit(entity, entity_id, field, value))

    def delete_course(self) -> None:
        course, draft = self.course, self.editor.draft
        if course is None or draft is None:
            return
        title = draft.fields["title"]
        if not self.confirm(
            f"Delete the draft “{title}” with all its lessons? This cannot be "
            "undone; it also goes from your other computers."
        ):
            return
        self.run(
            lambda: self._service.delete_course(course), on_success=lambda _: self.close_course()
        )

    def revise(self) -> None:
        """Open a revision of the published course (starting one if none is open)."""
        course = self.course
        if course is not None:
            self.run(lambda: self._service.start_revision(course), on_success=self.open_course)

    def preview(self) -> None:
        """The open course on the learning screens, as a student sees it (read-only)."""
        course = self.course
        if course is not None and self._open_preview is not None:
            self.editor.flush()
            self._open_preview(course)

    def submit(self) -> None:
        course = self.course
        if course is None:
            return
        self.editor.flush()
        title = self.editor.title.text() or "this course"
        draft = self.editor.draft
        ready = draft is not None and not draft.problems  # else the service says what is missing
        if ready and not self.confirm(
            f"Submit “{title}” for review? Editing is locked until an admin decides; the "
            "submission goes to the server with your next sync."
        ):
            return
        self.change(
            lambda: self._service.submit(course),
            done=f"“{title}” is submitted for review. The decision shows here after a sync.",
        )

    def resolve(self, conflict_id: uuid.UUID, keep: Keep) -> None:
        self.change(lambda: self._service.resolve(conflict_id, keep))

    def choose_thumbnail(self) -> None:
        course = self.course
        path = self.pick_file("thumbnail") if course is not None else None
        if course is None or path is None:
            return

        def imported(_view: UploadView) -> None:
            self.refresh()
            self.start_uploads()

        self.run(
            lambda: self._uploads.import_file(course, path, "thumbnail"),
            on_success=imported,
            lane=Lane.IO,
        )

    def remove_thumbnail(self) -> None:
        course = self.course
        if course is not None:
            self.change(lambda: self._service.set_thumbnail(course, None))

    # ------------------------------------------------------------------ uploads
    def stop_uploads(self) -> None:
        self._uploads.stop()

    def start_uploads(self) -> None:
        """Send waiting files (after an import, at sign-in, on reconnect, after each sync)."""
        if self._uploading:
            return
        self._uploading = True

        def finished(_result: object) -> None:
            self._uploading = False
            self.uploads_finished.emit()
            lesson = self.editor.lesson_id
            self.refresh()
            if lesson is not None:
                self.lessons.open(lesson)

        def stopped(error: BaseException) -> None:
            if not (is_expected(error) or isinstance(error, SessionEnded)):
                _log.error("upload run failed", exc_info=error)
            finished(None)

        self._tasks.run(
            lambda: self._uploads.run(self.upload_progress.emit),
            on_success=finished,
            on_failure=stopped,
            lane=Lane.UPLOAD,
        )

    # ------------------------------------------------------------------ dialogs
    def _confirm_dialog(self, question: str) -> bool:
        answer = QMessageBox.question(self._page, "Authoring", question)
        return answer == QMessageBox.StandardButton.Yes

    def _file_dialog(self, kind: str) -> Path | None:
        title, pattern = _PICKERS[kind]
        name, _filter = QFileDialog.getOpenFileName(self._page, title, str(Path.home()), pattern)
        return Path(name) if name else None

    def _dialog(self, title: str, label: str, text: str) -> str | None:
        return ask_title(self._page, title, label, text) or None
