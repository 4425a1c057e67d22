"""The Authoring page's behaviour: every edit goes to AuthoringService on the database lane
(a local change plus a draft mutation; sync sends it later) and the editor is redrawn from what
was stored. Deletes can be undone from the bar that appears (or Ctrl+Z)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from lmsdesk.contracts.authoring import Keep
from lmsdesk.contracts.enums import LessonType, QuestionType
from lmsdesk.services.authoring import (
    AuthoredCourse,
    AuthoringService,
    DeletedLesson,
    DeletedSection,
    Draft,
    LinkDraft,
    QuizDraft,
)
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import NotSignedIn
from lmsdesk.services.uploads import UploadService, UploadView
from lmsdesk.sync.api_client import ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded
from lmsdesk.ui.authoring_page import AuthoringPage
from lmsdesk.ui.curriculum_tree import ID_ROLE
from lmsdesk.ui.tasks import Lane, TaskManager

_log = logging.getLogger(__name__)
_KIND_WORDS = {
    LessonType.TEXT: "text lesson",
    LessonType.VIDEO: "video lesson",
    LessonType.QUIZ: "quiz",
}

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

    def __init__(
        self,
        *,
        page: AuthoringPage,
        service: AuthoringService,
        uploads: UploadService,
        tasks: TaskManager,
        ask_text: AskText | None = None,
        tell: Callable[[str], None] | None = None,
        pick_file: Callable[[str], Path | None] | None = None,
        open_preview: Callable[[uuid.UUID], None] | None = None,
        confirm: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(page)
        self._page, self._service, self._tasks = page, service, tasks
        self._uploads = uploads
        self._uploading = False
        self.pick_file = pick_file or self._file_dialog
        self._open_preview = open_preview
        self.confirm = confirm or self._confirm_dialog
        self.ask_text = ask_text or self._dialog
        self.tell = tell or (lambda text: QMessageBox.information(page, "Authoring", text))
        self._course: uuid.UUID | None = None
        self._undo: DeletedSection | DeletedLesson | None = None
        editor = page.editor
        page.new_course_requested.connect(self.new_course)
        page.course_selected.connect(self.open_course)
        page.back_requested.connect(self.close_course)
        editor.field_edited.connect(self.edit)
        editor.add_section_requested.connect(self.add_section)
        editor.add_lesson_requested.connect(self.add_lesson)
        editor.delete_requested.connect(self.delete)
        editor.undo_requested.connect(self.undo)
        editor.submit_requested.connect(self.submit)
        editor.resolve_requested.connect(self.resolve)
        editor.lesson_selected.connect(self._open_lesson)
        editor.rename_requested.connect(self.rename_selected)
        editor.preview_requested.connect(self.preview)
        editor.delete_course_requested.connect(self.delete_course)
        editor.revise_requested.connect(self.revise)
        editor.tags_edited.connect(
            lambda course, text: self._change(lambda: service.set_tags(course, text))
        )
        editor.video.import_requested.connect(self.import_video)
        editor.video.subtitles_requested.connect(self.import_subtitles)
        editor.video.retry_requested.connect(self.retry_upload)
        self.upload_progress.connect(editor.video.show_progress)
        editor.links.add_requested.connect(self.add_link)
        editor.links.remove_requested.connect(self.remove_link)
        editor.links.add_file_requested.connect(lambda: self._import("resource"))
        editor.thumbnail_requested.connect(self.choose_thumbnail)
        editor.remove_thumbnail_requested.connect(self.remove_thumbnail)
        editor.quiz_editor.add_question_requested.connect(self.add_question)
        editor.quiz_editor.delete_question_requested.connect(self.delete_question)
        editor.tree.section_moved.connect(
            lambda section, index: self._change(lambda: service.move_section(section, index))
        )
        editor.tree.lesson_moved.connect(
            lambda lesson, section, index: self._change(
                lambda: service.move_lesson(lesson, section, index)
            )
        )

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """The course list, and the open course redrawn (after sign-in and every sync)."""
        course = self._course

        def load() -> tuple[list[AuthoredCourse], Draft | None]:
            draft = self._service.draft(course) if course is not None else None
            return self._service.my_courses(), draft

        self._tasks.run(load, on_success=self._show, on_failure=self._not_shown)

    def _not_shown(self, error: BaseException) -> None:
        """A redraw that could not happen (signed out meanwhile, the course gone after a sync):
        show the list as it is; a background refresh never pops up a dialog."""
        if not isinstance(error, (UserFacingError, NotSignedIn)):
            _log.error("authoring redraw failed", exc_info=error)
        self._course = None
        self._page.show_courses([], None)

    def open_course(self, course_id: uuid.UUID) -> None:
        self._page.editor.flush()
        self._course = course_id
        self._undo = None
        self._page.editor.show_undo(None)
        self.refresh()

    def close_course(self) -> None:
        self._page.editor.flush()
        self._course = None
        self.refresh()

    def _show(self, loaded: tuple[list[AuthoredCourse], Draft | None]) -> None:
        courses, draft = loaded
        self._page.show_courses(courses, self._course)
        if draft is not None:
            self._page.editor.show_draft(draft)
            self._page.show_editor()

    def _open_lesson(self, lesson_id: uuid.UUID) -> None:
        editor = self._page.editor

        def load() -> tuple[
            str, UploadView | None, QuizDraft | None, UploadView | None, list[LinkDraft]
        ]:
            upload = self._uploads.for_lessons([lesson_id]).get(lesson_id)
            subtitles = self._uploads.for_lessons([lesson_id], "subtitles").get(lesson_id)
            quiz = self._service.quiz(lesson_id) if self._is_quiz(lesson_id) else None
            content = self._service.lesson_content(lesson_id)
            return content, upload, quiz, subtitles, self._service.links(lesson_id)

        self._tasks.run(
            load,
            on_success=lambda got: editor.show_lesson(lesson_id, *got),
            on_failure=self._failed,
        )

    def delete_course(self) -> None:
        course, draft = self._course, self._page.editor.draft
        if course is None or draft is None:
            return
        title = draft.fields["title"]
        if not self.confirm(
            f"Delete the draft “{title}” with all its lessons? This cannot be "
            "undone; it also goes from your other computers."
        ):
            return

        def deleted(_none: object) -> None:
            self.close_course()

        self._tasks.run(
            lambda: self._service.delete_course(course), on_success=deleted, on_failure=self._failed
        )

    def revise(self) -> None:
        """Open a revision of the published course (starting one if none is open)."""
        course = self._course
        if course is None:
            return
        self._tasks.run(
            lambda: self._service.start_revision(course),
            on_success=self.open_course,
            on_failure=self._failed,
        )

    def preview(self) -> None:
        """The open course on the learning screens, as a student sees it (read-only)."""
        course = self._course
        if course is not None and self._open_preview is not None:
            self._page.editor.flush()
            self._open_preview(course)

    def _is_quiz(self, lesson_id: uuid.UUID) -> bool:
        draft = self._page.editor.draft
        return any(
            lesson.id == lesson_id and lesson.lesson_type is LessonType.QUIZ
            for s in (draft.sections if draft else ())
            for lesson in s.lessons
        )

    def add_question(self, kind: QuestionType) -> None:
        lesson = self._page.editor.lesson_id
        if lesson is not None:
            self._change(lambda: self._service.add_question(lesson, kind))

    def delete_question(self, question_id: uuid.UUID) -> None:
        self._change(lambda: self._service.delete_question(question_id))

    def _reload_quiz(self) -> None:
        """After a change: the open lesson's quiz and links redrawn (its text is not: it is
        being typed in)."""
        lesson, editor = self._page.editor.lesson_id, self._page.editor
        if lesson is None:
            return
        self._tasks.run(
            lambda: self._service.links(lesson),
            on_success=editor.links.show_links,
            on_failure=self._not_shown,
        )
        if self._is_quiz(lesson):
            self._tasks.run(
                lambda: self._service.quiz(lesson),
                on_success=editor.quiz_editor.show_quiz,
                on_failure=self._not_shown,
            )

    def add_link(self) -> None:
        lesson = self._page.editor.lesson_id
        title = self.ask_text("Add link", "What the link is (shown to students):", "")
        url = self.ask_text("Add link", "Web address:", "https://") if title else None
        if lesson is not None and title and url:
            self._change(lambda: self._service.add_link(lesson, title, url))

    def remove_link(self, resource_id: uuid.UUID) -> None:
        self._change(lambda: self._service.delete_link(resource_id))

    # ------------------------------------------------------------------ video files
    def import_video(self) -> None:
        self._import("video")

    def import_subtitles(self) -> None:
        self._import("subtitles")

    def _import(self, kind: str) -> None:
        lesson = self._page.editor.lesson_id
        path = self.pick_file(kind) if lesson is not None else None
        if lesson is None or path is None:
            return

        def imported(_view: UploadView) -> None:
            self._open_lesson(lesson)
            self.start_uploads()

        self._tasks.run(
            lambda: self._uploads.import_file(lesson, path, kind),
            on_success=imported,
            on_failure=self._failed,
            lane=Lane.IO,
        )

    def choose_thumbnail(self) -> None:
        course = self._course
        path = self.pick_file("thumbnail") if course is not None else None
        if course is None or path is None:
            return

        def imported(_view: UploadView) -> None:
            self.refresh()
            self.start_uploads()

        self._tasks.run(
            lambda: self._uploads.import_file(course, path, "thumbnail"),
            on_success=imported,
            on_failure=self._failed,
            lane=Lane.IO,
        )

    def remove_thumbnail(self) -> None:
        course = self._course
        if course is not None:
            self._change(lambda: self._service.set_thumbnail(course, None))

    def retry_upload(self, asset_id: uuid.UUID) -> None:
        self._tasks.run(
            lambda: self._uploads.retry(asset_id),
            on_success=lambda _none: self.start_uploads(),
            on_failure=self._failed,
        )

    def stop_uploads(self) -> None:
        self._uploads.stop()

    def start_uploads(self) -> None:
        """Send waiting files (after an import, at sign-in, on reconnect, after each sync)."""
        if self._uploading:
            return
        self._uploading = True

        def finished(_result: object) -> None:
            self._uploading = False
            lesson = self._page.editor.lesson_id
            self.refresh()
            if lesson is not None:
                self._open_lesson(lesson)

        def stopped(error: BaseException) -> None:
            if not isinstance(error, (ServerUnreachable, NotSignedIn, SessionEnded)):
                _log.error("upload run failed", exc_info=error)
            finished(None)

        self._tasks.run(
            lambda: self._uploads.run(self.upload_progress.emit),
            on_success=finished,
            on_failure=stopped,
            lane=Lane.UPLOAD,
        )

    # ------------------------------------------------------------------ changes
    def new_course(self) -> None:
        title = self.ask_text("New course", "Course title:", "")
        if not title:
            return

        def created(course_id: uuid.UUID) -> None:
            self.open_course(course_id)

        self._tasks.run(
            lambda: self._service.create_course(title), on_success=created, on_failure=self._failed
        )

    def edit(self, entity: str, entity_id: uuid.UUID, field: str, value: Any) -> None:
        self._change(lambda: self._service.edit(entity, entity_id, field, value))

    def add_section(self) -> None:
        course = self._course
        title = self.ask_text("New section", "Section title:", "")
        if course is None or not title:
            return
        self._change(lambda: self._service.add_section(course, title))

    def add_lesson(self, section_id: uuid.UUID | None, kind: LessonType) -> None:
        section = section_id or self._selected_section()
        if section is None:
            self.tell("Add a section first: lessons live in sections.")
            return
        title = self.ask_text(f"New {_KIND_WORDS[kind]}", "Lesson title:", "")
        if title:
            self._change(lambda: self._service.add_lesson(section, title, kind))

    def delete(self, kind: str, entity_id: uuid.UUID) -> None:
        remove = self._service.delete_section if kind == "section" else self._service.delete_lesson

        def done(kept: DeletedSection | DeletedLesson) -> None:
            self._undo = kept
            name = kept.title if isinstance(kept, DeletedSection) else kept.lesson["title"]
            extra = (
                f" and its {len(kept.lessons)} lesson(s)"
                if isinstance(kept, DeletedSection) and kept.lessons
                else ""
            )
            self._page.editor.show_undo(f"Deleted {kind} “{name}”{extra}.")
            self.refresh()

        self._tasks.run(lambda: remove(entity_id), on_success=done, on_failure=self._failed)

    def undo(self) -> None:
        kept, self._undo = self._undo, None
        self._page.editor.show_undo(None)
        if kept is not None:
            self._change(lambda: self._service.undo_delete(kept))

    def submit(self) -> None:
        course = self._course
        if course is None:
            return
        self._page.editor.flush()
        self._change(lambda: self._service.submit(course))

    def resolve(self, conflict_id: uuid.UUID, keep: Keep) -> None:
        self._change(lambda: self._service.resolve(conflict_id, keep))

    def rename_selected(self) -> None:
        selected = self._page.editor.tree.selected()
        item = self._page.editor.tree.currentItem()
        if selected is None or item is None:
            return
        current = item.text(0).split(": ", 1)[-1] if selected[0] == "section" else ""
        title = self.ask_text(f"Rename {selected[0]}", "Title:", current)
        if title:
            self.edit(selected[0], selected[1], "title", title)

    # ------------------------------------------------------------------ helpers
    def _change(self, change: Callable[[], object]) -> None:
        def saved(_result: object) -> None:
            self.refresh()
            self._reload_quiz()

        self._tasks.run(change, on_success=saved, on_failure=self._failed)

    def _selected_section(self) -> uuid.UUID | None:
        tree = self._page.editor.tree
        item = tree.currentItem()
        if item is None:  # nothing selected: the last section
            item = tree.topLevelItem(tree.topLevelItemCount() - 1)
            if item is None:
                return None
        section = item.parent() or item
        return section.data(0, ID_ROLE)

    def _confirm_dialog(self, question: str) -> bool:
        answer = QMessageBox.question(self._page, "Authoring", question)
        return answer == QMessageBox.StandardButton.Yes

    def _file_dialog(self, kind: str) -> Path | None:
        title, pattern = _PICKERS[kind]
        name, _filter = QFileDialog.getOpenFileName(self._page, title, str(Path.home()), pattern)
        return Path(name) if name else None

    def _dialog(self, title: str, label: str, text: str) -> str | None:
        answer, ok = QInputDialog.getText(self._page, title, label, QLineEdit.EchoMode.Normal, text)
        return answer.strip() if ok and answer.strip() else None

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, UserFacingError):
            self.tell(error.message)
            self.refresh()  # show what was stored, not what was typed
            self._reload_quiz()
            return
        if isinstance(error, NotSignedIn):
            return  # signed out while the change was on its way: nothing to save it into
        _log.error("authoring step failed", exc_info=error)
        self.tell("That change could not be saved on this computer. Details are in the log.")
