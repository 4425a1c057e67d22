"""The lesson panel's behaviour in the course editor: the selected lesson loaded with its body,
quiz, links and uploads; questions and links added and removed; videos, subtitles and files
imported (copied in on the io lane, sent by the upload lane)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from lmsdesk.contracts.enums import LessonType, QuestionType
from lmsdesk.services.curriculum import CurriculumService
from lmsdesk.services.lesson_content import LessonContentService, LinkDraft, QuizDraft
from lmsdesk.services.uploads import UploadService, UploadView
from lmsdesk.ui.tasks import Lane

if TYPE_CHECKING:
    from lmsdesk.ui.authoring_controller import AuthoringController

Loaded = tuple[
    str,
    UploadView | None,
    QuizDraft | None,
    UploadView | None,
    list[LinkDraft],
    dict[str, Any] | None,
]


class LessonEditingController:
    def __init__(
        self,
        owner: AuthoringController,
        service: LessonContentService,
        curriculum: CurriculumService,
        uploads: UploadService,
    ) -> None:
        self._owner, self.service = owner, service
        self._curriculum, self._uploads = curriculum, uploads
        editor = owner.editor
        editor.lesson_selected.connect(self.open)
        editor.video.import_requested.connect(lambda: self.import_file("video"))
        editor.video.subtitles_requested.connect(lambda: self.import_file("subtitles"))
        editor.video.retry_requested.connect(self.retry_upload)
        editor.links.add_requested.connect(self.add_link)
        editor.links.remove_requested.connect(self.remove_link)
        editor.links.add_file_requested.connect(lambda: self.import_file("resource"))
        editor.quiz_editor.add_question_requested.connect(self.add_question)
        editor.quiz_editor.delete_question_requested.connect(self.delete_question)

    def open(self, lesson_id: uuid.UUID) -> None:
        """The lesson in the panel: its body, video and subtitles, quiz and links, as stored."""
        editor = self._owner.editor
        is_quiz = self._is_quiz(lesson_id)
        is_assignment = self._is_kind(lesson_id, LessonType.ASSIGNMENT)

        def load() -> Loaded:
            upload = self._uploads.for_lessons([lesson_id]).get(lesson_id)
            subtitles = self._uploads.for_lessons([lesson_id], "subtitles").get(lesson_id)
            quiz = self.service.quiz(lesson_id) if is_quiz else None
            content = self._curriculum.lesson_content(lesson_id)
            assignment = self.service.assignment(lesson_id) if is_assignment else None
            return content, upload, quiz, subtitles, self.service.links(lesson_id), assignment

        self._owner.run(load, on_success=lambda got: editor.show_lesson(lesson_id, *got))

    def reload(self, *, new_question: uuid.UUID | None = None) -> None:
        """After a change: the open lesson's quiz and links redrawn (its text is not: it is
        being typed in). A question just added is selected, its text box focused."""
        editor = self._owner.editor
        lesson = editor.lesson_id
        if lesson is None:
            return
        self._owner.run(
            lambda: self.service.links(lesson), on_success=editor.links.show_links, quiet=True
        )
        if self._is_quiz(lesson):

            def show(quiz: QuizDraft) -> None:
                editor.quiz_editor.show_quiz(quiz, select=new_question)
                if new_question is not None:
                    editor.quiz_editor.prompt.setFocus()

            self._owner.run(lambda: self.service.quiz(lesson), on_success=show, quiet=True)

    def _is_quiz(self, lesson_id: uuid.UUID) -> bool:
        return self._is_kind(lesson_id, LessonType.QUIZ)

    def _is_kind(self, lesson_id: uuid.UUID, kind: LessonType) -> bool:
        draft = self._owner.editor.draft
        return any(
            lesson.id == lesson_id and lesson.lesson_type is kind
            for s in (draft.sections if draft else ())
            for lesson in s.lessons
        )

    def add_question(self, kind: QuestionType) -> None:
        lesson = self._owner.editor.lesson_id
        if lesson is None:
            return

        def added(question: uuid.UUID) -> None:
            self._owner.refresh()
            self.reload(new_question=question)

        self._owner.run(lambda: self.service.add_question(lesson, kind), on_success=added)

    def delete_question(self, question_id: uuid.UUID) -> None:
        self._owner.change(lambda: self.service.delete_question(question_id))

    def add_link(self) -> None:
        lesson = self._owner.editor.lesson_id
        title = self._owner.ask_text("Add link", "What the link is (shown to students):", "")
        url = self._owner.ask_text("Add link", "Web address:", "https://") if title else None
        if lesson is not None and title and url:
            self._owner.change(lambda: self.service.add_link(lesson, title, url))

    def remove_link(self, resource_id: uuid.UUID) -> None:
        self._owner.change(lambda: self.service.delete_link(resource_id))

    def import_file(self, kind: str) -> None:
        """A video, subtitles or a file for the open lesson: copied in now, uploaded when online."""
        lesson = self._owner.editor.lesson_id
        path = self._owner.pick_file(kind) if lesson is not None else None
        if lesson is None or path is None:
            return

        def imported(_view: UploadView) -> None:
            self.open(lesson)
            self._owner.start_uploads()

        self._owner.run(
            lambda: self._uploads.import_file(lesson, path, kind), on_success=imported, lane=Lane.IO
        )

    def retry_upload(self, asset_id: uuid.UUID) -> None:
        self._owner.run(
            lambda: self._uploads.retry(asset_id),
            on_success=lambda _none: self._owner.start_uploads(),
        )
