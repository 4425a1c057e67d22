"""The quiz lesson in the running app, offline: answers survive quitting, submit grades with
explanations, a pass completes the lesson, and the time limit submits by itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QRadioButton
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.enums import QuestionType
from lmsdesk.ui.quiz_view import QuestionBox, QuizView
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, signed_in_student

FREE = demo_id("course:offline-first-basics")
QUIZ_LESSON = demo_id("offline-first-basics:quiz")


def _open_quiz(qtbot: QtBot, app: Application) -> QuizView:
    app.learning.open_course(FREE, QUIZ_LESSON)
    page = app.window.lesson_page
    qtbot.waitUntil(lambda: page.content.currentWidget() is page.quiz_holder, timeout=10_000)
    view = app.learning.quiz.view
    assert view is not None
    qtbot.waitUntil(lambda: view.currentWidget() is view.intro and bool(view.rules.text()))
    return view


def _answer_right(box: QuestionBox) -> None:
    kind = box.question.question_type
    if kind is QuestionType.SHORT_ANSWER:
        assert isinstance(box.text, QLineEdit)
        box.text.setText("computer")
        box.text.textEdited.emit("computer")
    elif kind is QuestionType.MULTIPLE_CHOICE:
        for index in (0, 1, 2):
            assert isinstance(box.choices[index], QCheckBox)
            box.choices[index].setChecked(True)
    elif kind is QuestionType.TRUE_FALSE:
        box.choices[1].setChecked(True)  # False
    else:
        assert isinstance(box.choices[1], QRadioButton)
        box.choices[1].setChecked(True)


def test_answers_survive_quitting_and_a_pass_completes_the_lesson(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    email = app.window.account_page.email.text()
    link.cut()
    view = _open_quiz(qtbot, app)
    assert view.rules.text() == "Pass with 60% · 10:00 time limit · 3 of 3 attempts left."
    qtbot.mouseClick(view.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.currentWidget() is view.attempt)
    assert len(view.boxes) == 4
    for box in view.boxes[:2]:
        _answer_right(box)
    qtbot.waitUntil(lambda: app.tasks.running == 0)
    save_png(app.window, shots / "lesson-quiz.png")
    app.window.close()  # quit mid-quiz
    app.shutdown()

    again = start_app(link.url)  # offline start: the same account from this computer
    qtbot.waitUntil(lambda: again.session.current is not None, timeout=15_000)
    assert again.session.current is not None
    assert again.session.current.profile.email == email
    view = _open_quiz(qtbot, again)
    assert view.start.text() == "Resume the quiz"
    qtbot.mouseClick(view.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.currentWidget() is view.attempt)
    kept = view.answers()
    assert len(kept) == 2, "the two answers given before quitting are back"
    for box in view.boxes:
        _answer_right(box)
    qtbot.mouseClick(view.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.currentWidget() is view.result, timeout=5000)
    assert view.score.text() == "100%"
    assert view.verdict.text().startswith("Passed")
    assert "Changes wait in the local queue" in view.review.text()  # an explanation
    page = again.window.lesson_page
    qtbot.waitUntil(lambda: page.progress.value() == 33, timeout=5000)
    save_png(again.window, shots / "lesson-quiz-result.png")


def test_the_time_limit_submits_what_was_answered(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    view = _open_quiz(qtbot, app)
    qtbot.mouseClick(view.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.currentWidget() is view.attempt)
    _answer_right(view.boxes[0])
    quiz = app.learning.quiz
    quiz._started_at -= 601  # ten minutes pass on the monotonic clock
    quiz._tick()
    qtbot.waitUntil(lambda: view.currentWidget() is view.result, timeout=5000)
    assert view.score.text() == "25%"
    assert view.verdict.text() == "Not passed: 60% is needed."
