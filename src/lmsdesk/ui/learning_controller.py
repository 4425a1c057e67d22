"""My learning and the lesson page, driven from the local store so all of it works offline:
Continue opens the exact lesson at the exact position; lessons complete by watching, reading
or passing; the outline and the course's percent follow."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox

from lmsdesk.contracts.enums import LessonType, ProgressStatus
from lmsdesk.player.vlc_player import create_instance
from lmsdesk.services.assignments import AssignmentService
from lmsdesk.services.certificates import CertificateView, ProgramProgress
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.learning import CourseOutline, LearningService, LessonView
from lmsdesk.services.quizzes import QuizService
from lmsdesk.services.schedule import CourseSchedule, ScheduleService
from lmsdesk.ui.assignment_controller import AssignmentController
from lmsdesk.ui.assignment_view import AssignmentPanel
from lmsdesk.ui.certificate_dialog import CertificateDialog
from lmsdesk.ui.download_controller import DownloadController
from lmsdesk.ui.failures import explain
from lmsdesk.ui.main_window import MainWindow
from lmsdesk.ui.quiz_controller import QuizController
from lmsdesk.ui.quiz_view import QuizView
from lmsdesk.ui.schedule_dialog import ScheduleDialog
from lmsdesk.ui.tasks import Lane, TaskManager
from lmsdesk.ui.video_controller import VideoController


class LearningController(QObject):
    def __init__(
        self,
        *,
        window: MainWindow,
        service: LearningService,
        tasks: TaskManager,
        downloads: DownloadController,
        quizzes: QuizService,
        assignments: AssignmentService,
        schedule: ScheduleService | None = None,
        player_instance: Callable[[], Any] = create_instance,
    ) -> None:
        super().__init__(window)
        self._window, self._service, self._tasks = window, service, tasks
        self._downloads = downloads
        self.page = window.lesson_page
        self.video = VideoController(
            self.page.video, service, tasks, instance_factory=player_instance, parent=self
        )
        self.quiz = QuizController(quizzes, tasks, parent=self)
        self.assignment = AssignmentController(assignments, tasks, parent=self)
        self.outline: CourseOutline | None = None
        self._return_to = "My learning"  # the page Back goes to
        self.lesson: LessonView | None = None
        self.certificate_dialog: CertificateDialog | None = None
        self._schedule = schedule
        self.schedule_dialog: ScheduleDialog | None = None
        #: How a file or link is handed to the system (replaced in tests).
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        #: Asks for a sync (the app wires the sync controller's): when a week opens.
        self.sync_now: Callable[[], None] = lambda: None
        # The next release of the open course's cohort: a sync then brings what opened.
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.timeout.connect(self._week_opened)
        self._wire()

    def _wire(self) -> None:
        mine = self._window.my_learning_page
        mine.continue_requested.connect(self.open_course)
        mine.download_requested.connect(self._downloads.download)
        mine.pause_requested.connect(self._downloads.pause)
        mine.resume_requested.connect(self._downloads.resume)
        mine.cancel_requested.connect(self._downloads.cancel)
        mine.delete_requested.connect(self._confirm_delete)
        mine.certificate_requested.connect(self.show_certificate)
        self._downloads.changed.connect(self.refresh)
        self._downloads.transferred.connect(mine.show_transfer)
        self._downloads.refused.connect(self._refused)
        self.page.back_requested.connect(self.back)
        self.page.schedule_requested.connect(self.show_schedule)
        self.page.lesson_chosen.connect(self.open_lesson)
        self.page.next_requested.connect(self.next_lesson)
        self.page.file_requested.connect(self.open_file)
        self.page.text.complete_requested.connect(self.complete_current)
        self.video.completed.connect(lambda _id: self._reload_outline())
        self.quiz.passed.connect(lambda _id: self._reload_outline())
        self.assignment.handed_in.connect(lambda _id, text: self._window.notify(text))
        self.video.fullscreen_requested.connect(self.toggle_fullscreen)
        self.video.download_requested.connect(self._downloads.download_lesson)
        escape = QShortcut(QKeySequence("Escape"), self.page)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._leave_fullscreen)
        self._window.closing.connect(self.leave)

    # ---------------------------------------------------------------- My learning
    def refresh(self) -> None:
        def load() -> tuple[list[Any], int, list[ProgramProgress]]:
            courses = self._service.my_courses()
            return courses, self._service.media_bytes_used(), self._service.programs()

        def show(loaded: tuple[list[Any], int, list[ProgramProgress]]) -> None:
            courses, used, programs = loaded
            self._window.my_learning_page.show_courses(courses, used)
            self._window.my_learning_page.show_programs(programs)

        self._tasks.run(load, on_success=show, on_failure=lambda _e: None)

    def _confirm_delete(self, course_id: uuid.UUID) -> None:
        answer = QMessageBox.question(
            self._window,
            "Delete download",
            "Delete this course's downloaded media from this computer? Your progress stays; "
            "you can download it again.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._downloads.delete(course_id)

    def show_certificate(self, certificate: CertificateView) -> None:
        self.certificate_dialog = CertificateDialog(certificate, self._window)
        self.certificate_dialog.open()

    # ---------------------------------------------------------------- the cohort's calendar
    def show_schedule(self) -> None:
        schedule, outline = self._schedule, self.outline
        if schedule is None or outline is None:
            return

        def show(found: CourseSchedule | None) -> None:
            if found is None:
                return
            self.schedule_dialog = ScheduleDialog(outline.title, found, self._window)
            self.schedule_dialog.join_requested.connect(lambda url: self.open_url(QUrl(url)))
            self.schedule_dialog.calendar_requested.connect(self.add_to_calendar)
            self.schedule_dialog.open()

        self._tasks.run(lambda: schedule.course_schedule(outline.course_id), on_success=show)

    def add_to_calendar(self, cohort_id: uuid.UUID) -> None:
        """The student's own feed link (needs the server): handed to the system, which gives
        it to the calendar app, and copied for subscribing elsewhere."""
        schedule = self._schedule
        if schedule is None:
            return

        def added(url: str) -> None:
            QGuiApplication.clipboard().setText(url)
            self.open_url(QUrl(url))
            if self.schedule_dialog is not None:
                self.schedule_dialog.show_calendar_added(url)

        def failed(error: BaseException) -> None:
            message = error.message if isinstance(error, UserFacingError) else str(error)
            if self.schedule_dialog is not None:
                self.schedule_dialog.show_error(message)

        self._tasks.run(
            lambda: schedule.calendar_link(cohort_id),
            on_success=added,
            on_failure=failed,
            lane=Lane.IO,
        )

    def open_file(self, asset_id: uuid.UUID) -> None:
        """One of the lesson's files, in the app the system picks (the browser if streamed)."""

        def opened(where: Path | str) -> None:
            url = QUrl.fromLocalFile(str(where)) if isinstance(where, Path) else QUrl(where)
            self.open_url(url)

        self._tasks.run(
            lambda: self._service.file_location(asset_id),
            on_success=opened,
            on_failure=self._file_failed,
            lane=Lane.IO,
        )

    def _file_failed(self, error: BaseException) -> None:
        message = error.message if isinstance(error, UserFacingError) else str(error)
        QMessageBox.warning(self._window, "Open file", message)

    def _refused(self, message: str) -> None:
        QMessageBox.warning(self._window, "Download", message)

    # ---------------------------------------------------------------- the lesson page
    def open_course(
        self,
        course_id: uuid.UUID,
        lesson_id: uuid.UUID | None = None,
        *,
        return_to: str = "My learning",
        at_second: int | None = None,
    ) -> None:
        """Open a course on the lesson page; Back returns to `return_to` (the page it came
        from: My learning, or Authoring for an instructor's preview). `at_second`: play the
        video from there (a question about that moment)."""
        self._return_to = return_to
        self.page.back.setText(f"← {return_to}")
        self.page.back.setToolTip(f"Back to {return_to} (Alt+Left)")

        def load() -> tuple[CourseOutline, LessonView | None]:
            outline = self._service.outline(course_id)
            target = lesson_id or next(
                (e.id for e in outline.lessons if e.status is not ProgressStatus.COMPLETED),
                outline.lessons[0].id if outline.lessons else None,
            )
            lesson = self._service.lesson(target) if target else None
            if lesson is not None and at_second is not None:
                lesson = replace(lesson, position_seconds=float(at_second))
            return outline, lesson

        self._tasks.run(load, on_success=self._show_course, on_failure=self._failed)

    def current_second(self) -> int | None:
        """Where the open video is (for a question about this moment); None without one."""
        player = self.video.player
        if self.lesson is None or self.lesson.lesson_type is not LessonType.VIDEO:
            return None
        return int(player.position()) if player is not None else int(self.lesson.position_seconds)

    def _week_opened(self) -> None:
        self.sync_now()
        self._reload_outline()

    def _watch_releases(self, outline: CourseOutline) -> None:
        """Wake at the next release of the open course (within a day; a longer wait is
        measured again when the outline next loads)."""
        upcoming = [s.opens_at for s in outline.sections if s.opens_at is not None]
        self._release_timer.stop()
        if upcoming:
            wait = (min(upcoming) - datetime.now(UTC)).total_seconds()
            self._release_timer.start(int(min(max(wait, 1.0), 24 * 3600) * 1000))

    def _show_course(self, loaded: tuple[CourseOutline, LessonView | None]) -> None:
        outline, lesson = loaded
        self.outline = outline
        self._watch_releases(outline)
        self._window.show_lesson_page(self._return_to)
        self.page.show_outline(outline, lesson.id if lesson else None)
        if lesson is None:
            self.page.show_notice("This course has no lessons yet.")
        else:
            self._show_lesson(lesson)

    def open_lesson(self, lesson_id: uuid.UUID) -> None:
        self.video.close()
        self.quiz.close()
        self.assignment.close()
        self._tasks.run(
            lambda: self._service.lesson(lesson_id),
            on_success=self._show_lesson,
            on_failure=self._failed,
        )

    def _show_lesson(self, lesson: LessonView) -> None:
        self.lesson = lesson
        if self.outline is not None:
            self.page.show_outline(self.outline, lesson.id)
        self.page.show_lesson(lesson)
        if lesson.locked_by or lesson.needs_enrollment or lesson.opens_at or lesson.awaiting_sync:
            return
        if lesson.lesson_type is LessonType.VIDEO:
            self.video.open(lesson)
        elif lesson.lesson_type is LessonType.QUIZ:
            view = QuizView()
            self.page.set_quiz_view(view)
            self.quiz.open(lesson, view)
        elif lesson.lesson_type is LessonType.ASSIGNMENT:
            panel = AssignmentPanel()
            self.page.set_quiz_view(panel)
            self.assignment.open(lesson, panel)

    def next_lesson(self) -> None:
        if self.outline is None or self.lesson is None:
            return
        ids = [entry.id for entry in self.outline.lessons]
        if self.lesson.id in ids and ids.index(self.lesson.id) + 1 < len(ids):
            self.open_lesson(ids[ids.index(self.lesson.id) + 1])

    def complete_current(self) -> None:
        lesson = self.lesson
        if lesson is None or lesson.status is ProgressStatus.COMPLETED:
            return
        self.page.text.show_completed(True)
        self._tasks.run(
            lambda: self._service.complete(lesson), on_success=lambda _none: self._reload_outline()
        )

    def reload_outline(self) -> None:
        """The open course's outline and percent again (a grade that arrived completed a
        lesson)."""
        self._reload_outline()

    def _reload_outline(self) -> None:
        if self.outline is None:
            return
        course_id, current = self.outline.course_id, self.lesson  # read before submitting

        def load() -> tuple[CourseOutline, LessonView | None]:
            return self._service.outline(course_id), (
                self._service.lesson(current.id) if current else None
            )

        def show(loaded: tuple[CourseOutline, LessonView | None]) -> None:
            self.outline, fresh = loaded
            self._watch_releases(self.outline)
            opened = (
                fresh is not None
                and self.lesson is not None
                and fresh.id == self.lesson.id
                and (self.lesson.opens_at or self.lesson.awaiting_sync)
                and not (fresh.opens_at or fresh.awaiting_sync)
            )
            if fresh is not None and self.lesson is not None and fresh.id == self.lesson.id:
                self.lesson = fresh
            self.page.show_outline(self.outline, self.lesson.id if self.lesson else None)
            if opened and fresh is not None:
                self._show_lesson(fresh)  # its week opened and its body is here: show it

        self._tasks.run(load, on_success=show)

    def back(self) -> None:
        self.leave()
        self._window.go_to_page(self._return_to)
        self.refresh()

    def leave(self) -> None:
        """Leaving the lesson page (or quitting): the video saves where it is."""
        self._leave_fullscreen()
        self.video.close()
        self.quiz.close()
        self.assignment.close()

    def _leave_fullscreen(self) -> None:
        if self._window.isFullScreen():
            self.toggle_fullscreen()

    def toggle_fullscreen(self) -> None:
        on = not self._window.isFullScreen()
        self._window.set_focus_mode(on)
        self.page.set_focus_mode(on)
        self._window.showFullScreen() if on else self._window.showNormal()

    def _failed(self, error: BaseException) -> None:
        self._window.show_lesson_page(self._return_to)
        message = explain(error, doing="opening the lesson")
        if message is not None:
            self.page.show_notice(message)
