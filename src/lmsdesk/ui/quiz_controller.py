"""A quiz lesson's behaviour: start or resume the attempt, journal every answer change at once,
count the time limit on a monotonic clock (submitting by itself when it runs out), grade at
submit, and tell the lesson page when a pass completed the lesson."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from lmsdesk.services.learning import LessonView
from lmsdesk.services.quizzes import QuizResult, QuizService, QuizState
from lmsdesk.ui.failures import explain
from lmsdesk.ui.quiz_view import QuizView
from lmsdesk.ui.tasks import TaskManager
from lmsdesk.ui.video_view import clock


class QuizController(QObject):
    passed = Signal(object)  # lesson id

    def __init__(
        self, service: QuizService, tasks: TaskManager, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._service, self._tasks = service, tasks
        self.view: QuizView | None = None
        self.state: QuizState | None = None
        self._lesson: LessonView | None = None
        self._started_at = 0.0  # monotonic, minus the time already used
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)

    def open(self, lesson: LessonView, view: QuizView) -> None:
        self.close()
        self._lesson, self.view = lesson, view
        view.start.clicked.connect(self.start)
        view.submit.clicked.connect(self.confirm_submit)
        view.done.clicked.connect(lambda: self._load(lesson))
        self._load(lesson)

    def close(self) -> None:
        self._ticker.stop()
        if self.view is not None and self.state is not None and self.state.questions is not None:
            self._journal()  # leaving mid-attempt: the clock and answers are kept
        self.view = self.state = None

    def _load(self, lesson: LessonView) -> None:
        quiz_id = lesson.quiz_id
        if quiz_id is None:
            return
        self._tasks.run(
            lambda: self._service.state(quiz_id),
            on_success=self._show_intro,
            on_failure=self._refused,
        )

    def _show_intro(self, state: QuizState) -> None:
        if self.view is None:
            return
        self.state = state
        self.view.show_intro(state)

    def start(self) -> None:
        state = self.state
        if state is None:
            return
        self._tasks.run(
            lambda: self._service.start(state.quiz_id),
            on_success=self._show_attempt,
            on_failure=self._refused,
        )

    def _show_attempt(self, state: QuizState) -> None:
        if self.view is None:
            return
        self.state = state
        self._started_at = time.monotonic() - state.elapsed_seconds
        self.view.show_attempt(state, self._journal)
        self._tick()
        self._ticker.start()

    def elapsed(self) -> float:
        return time.monotonic() - self._started_at

    def _tick(self) -> None:
        state, view = self.state, self.view
        if state is None or view is None:
            return
        if state.time_limit_seconds is None:
            view.timer.setText(f"Time used {clock(self.elapsed())}")
            return
        left = state.time_limit_seconds - self.elapsed()
        view.timer.setText(f"Time left {clock(max(left, 0))}")
        if left <= 0:
            self.submit()  # time is up: what was answered counts

    def _journal(self) -> None:
        state, view = self.state, self.view
        if state is None or view is None:
            return
        answers, elapsed = view.answers(), self.elapsed()
        self._tasks.run(
            lambda: self._service.journal(state.quiz_id, answers, elapsed),
            on_success=lambda _none: None,
        )

    def confirm_submit(self) -> None:
        view, state = self.view, self.state
        if view is None or state is None:
            return
        missing = len(state.questions or ()) - len(view.answers())
        if missing > 0:
            unanswered = f"{missing} question{'s are' if missing > 1 else ' is'} not answered."
            answer = QMessageBox.question(view, "Submit answers", f"{unanswered} Submit anyway?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.submit()

    def submit(self) -> None:
        view, state = self.view, self.state
        if view is None or state is None or state.questions is None:
            return
        self._ticker.stop()
        answers = view.answers()
        self.state = None  # no second submit while this one runs
        self._tasks.run(
            lambda: self._service.submit(state.quiz_id, answers),
            on_success=self._show_result,
            on_failure=self._refused,
        )

    def _show_result(self, result: QuizResult) -> None:
        if self.view is not None:
            self.view.show_result(result)
        if result.passed and self._lesson is not None:
            self.passed.emit(self._lesson.id)

    def _refused(self, error: BaseException) -> None:
        if self.view is None:
            return
        self.view.refusal.setText(explain(error, doing="with the quiz") or "")
        self.view.setCurrentWidget(self.view.intro)
