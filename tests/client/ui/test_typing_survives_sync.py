"""Nothing typed is ever lost: syncs finish while an instructor types (every minute, and two
seconds after each change), and the editor redraws after each one. A field being edited keeps
exactly what was typed, with the cursor where it was; a new question, section or lesson is
selected and focused when added, so what is typed next goes to it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import LessonType, QuestionType
from lmsdesk.ui.course_editor import CourseEditor
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, sign_in


def _instructor_in_a_new_course(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> Application:
    email = live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    app.window.go_to_page("Authoring")
    titles: Iterator[str] = iter(["Typing under syncs", "Basics", "Check yourself"])
    app.authoring.ask_text = lambda *_: next(titles)
    app.authoring.tell = lambda text: (_ for _ in ()).throw(AssertionError(text))
    app.authoring.new_course()
    editor = app.window.authoring_page.editor
    qtbot.waitUntil(lambda: editor.isVisible() and editor.draft is not None, timeout=10_000)
    with qtbot.waitActive(app.window):
        app.window.activateWindow()
    return app


def _redraws_between_keys(qtbot: QtBot, app: Application) -> Callable[[], None]:
    """What happens between two keystrokes: a sync finishes (the course's changes go out and
    the server's come back) and the editor is redrawn from the store."""

    def redraw() -> None:
        with qtbot.waitSignal(app.sync.finished, timeout=20_000):
            app.sync.sync_now()
        app.authoring.refresh()
        qtbot.wait(30)

    return redraw


def _type(qtbot: QtBot, widget: QWidget, text: str, between: Callable[[], None]) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    for char in text:
        if char == "\n":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        else:
            qtbot.keyClicks(widget, char)
        between()


def _stored(app: Application, course: uuid.UUID) -> dict[str, object]:
    return app.authoring._service.draft(course).fields


def test_a_sync_finishing_while_the_instructor_types_takes_nothing_away(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = _instructor_in_a_new_course(qtbot, start_app, live_server, link)
    editor: CourseEditor = app.window.authoring_page.editor
    course = app.authoring.course
    assert course is not None
    between = _redraws_between_keys(qtbot, app)

    editor.course_title.selectAll()
    _type(qtbot, editor.course_title, "Typed, every letter", between)
    assert editor.course_title.text() == "Typed, every letter"
    assert editor.course_title.cursorPosition() == len("Typed, every letter")
    _type(qtbot, editor.subtitle, "Kept", between)
    assert editor.subtitle.text() == "Kept"
    qtbot.waitUntil(lambda: _stored(app, course)["title"] == "Typed, every letter", timeout=5000)

    source = editor.description.source
    _type(qtbot, source, "Line one\nLine two", between)
    assert source.toPlainText() == "Line one\nLine two", "no line vanished"
    assert source.textCursor().position() == len("Line one\nLine two"), "the cursor stayed"
    editor.flush()
    qtbot.waitUntil(
        lambda: _stored(app, course)["description"] == "Line one\nLine two", timeout=5000
    )

    editor.price.lineEdit().selectAll()
    _type(qtbot, editor.price.lineEdit(), "29.50", between)
    assert editor.price.lineEdit().text() == "29.50"
    editor.course_title.setFocus()  # leaving the price saves it
    qtbot.waitUntil(lambda: _stored(app, course)["price_cents"] == 2950, timeout=5000)


def test_a_new_question_section_or_lesson_is_selected_and_focused_when_added(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = _instructor_in_a_new_course(qtbot, start_app, live_server, link)
    editor: CourseEditor = app.window.authoring_page.editor
    between = _redraws_between_keys(qtbot, app)

    app.authoring.curriculum.add_section()
    qtbot.waitUntil(lambda: editor.tree.topLevelItemCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: (editor.tree.selected() or ("", None))[0] == "section", timeout=5000)
    app.authoring.curriculum.add_lesson(None, LessonType.QUIZ)
    qtbot.waitUntil(lambda: editor.lesson_id is not None, timeout=5000)
    qtbot.waitUntil(lambda: editor.quiz_editor.isVisible(), timeout=5000)

    quiz = editor.quiz_editor
    quiz.add_question_requested.emit(QuestionType.SHORT_ANSWER)
    qtbot.waitUntil(lambda: quiz.questions.count() == 1 and quiz.prompt.hasFocus(), timeout=5000)
    _type(qtbot, quiz.prompt, "First?", between)
    quiz.add_question_requested.emit(QuestionType.SHORT_ANSWER)  # "+ Question" again
    qtbot.waitUntil(lambda: quiz.questions.count() == 2, timeout=5000)
    qtbot.waitUntil(
        lambda: quiz.questions.currentRow() == 1 and quiz.prompt.hasFocus(), timeout=5000
    )
    assert quiz.prompt.toPlainText() == "", "the new question, not the first one, is open"
    _type(qtbot, quiz.prompt, "Second?", between)
    editor.tree.setFocus()  # leaving the box saves it

    lesson = editor.lesson_id
    assert lesson is not None
    service = app.authoring.lessons.service
    qtbot.waitUntil(
        lambda: [q.prompt for q in service.quiz(lesson).questions] == ["First?", "Second?"],
        timeout=5000,
    )
