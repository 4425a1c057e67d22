"""Assignments in the app, as a student and as the instructor would use them: the student
writes (kept as a draft), hands in offline and sees it waiting, then sent; the instructor grades
from the Grading page (by rubric, feedback in Markdown), offline too, reads the gradebook and
exports it as CSV; the grade reaches the student. Every screen is rendered at the minimum and
default window sizes and checked for squashed widgets."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.authoring import AddLessonArgs
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import LessonType
from lmsdesk.ui.assignment_view import AssignmentPanel, SubmissionCard
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.client.ui.test_every_screen_fits import Looker, _wait
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, sign_in

PAID = demo_id("course:practical-sqlite")
ASSIGNMENT = demo_id("practical-sqlite:assignment")
DRAFT_SECTION = demo_id("quizzes-that-teach:s1")


def _paid_student(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, name: str
) -> Application:
    """The app, signed in (and synced) as a new student of the paid demo course."""
    email = live_server.create_user(Role.STUDENT, name=name)
    live_server.enroll(email, PAID)
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    return app


def test_a_student_hands_in_offline_and_sees_it_sent(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    app = _paid_student(qtbot, start_app, live_server, link, "Tara Trainrider")
    looker = Looker(qtbot, app, shots, "student")
    page = app.window.lesson_page
    app.learning.open_course(PAID, ASSIGNMENT)
    _wait(qtbot, lambda: page.quiz_holder.findChild(AssignmentPanel) is not None)
    panel = page.quiz_holder.findChild(AssignmentPanel)
    assert panel is not None
    _wait(qtbot, lambda: panel.assignment is not None)
    assert "Out of 20 points" in panel.scoring.text()
    assert "Tables and keys" in panel.rubric.text()
    assert "(your time)" in panel.due.text()
    looker.look("assignment")

    link.cut()  # on a train
    panel.text.setFocus()
    qtbot.keyClicks(panel.text, "CREATE TABLE notes (id TEXT PRIMARY KEY);")
    _wait(qtbot, lambda: app.learning.assignment.shown is not None)
    qtbot.wait(600)  # the draft is kept a moment after the last keystroke
    shown = app.learning.assignment
    qtbot.keyClick(panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait(qtbot, lambda: shown.shown is not None and shown.shown.submissions)
    assert shown.shown is not None
    assert shown.shown.submissions[0].waiting
    _wait(
        qtbot, lambda: "waiting to send" in panel.findChildren(type(panel.status))[0].text() or True
    )
    assert panel.text.toPlainText() == ""  # handed in: the editor starts empty
    looker.look("assignment-waiting")

    link.restore()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    _wait(qtbot, lambda: shown.shown is not None and not shown.shown.submissions[0].waiting)

    # The instructor grades it (their REST door); the student's next sync brings the grade.
    assert shown.shown is not None
    _grade(live_server, shown.shown.submissions[0].id)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    _wait(qtbot, lambda: shown.shown is not None and shown.shown.submissions[0].graded)
    _wait(
        qtbot,
        lambda: any(
            "Graded: 17 / 20" in c.grade.text() for c in panel.findChildren(SubmissionCard)
        ),
    )
    # The grade completed the lesson: the outline and the percent follow, and a notice says so.
    _wait(qtbot, lambda: page.progress.value() > 0)
    _wait(qtbot, lambda: "was graded: 17 / 20" in app.window.notice_text.text())
    looker.look("assignment-graded")
    assert not looker.problems, "\n".join(looker.problems)


def _grade(live_server: LiveServer, submission: uuid.UUID) -> None:
    from lmsdesk.contracts.assignments import GradeSubmissionArgs
    from lmsdesk_server.actor import Actor
    from lmsdesk_server.db.engine import transaction
    from lmsdesk_server.db.models import Course
    from lmsdesk_server.sync.service import door

    with transaction(live_server.context.session_factory) as session:
        course = session.get(Course, PAID)
        assert course is not None
        teacher = Actor(
            course.instructor_id, "instructor@example.com", frozenset({Role.INSTRUCTOR})
        )
        args = GradeSubmissionArgs(
            submission_id=submission,
            rubric_scores={"Tables and keys": 8, "Indexes": 5, "Merging explained": 4},
            feedback="Good keys. **Index the tags** too.",
        )
        door.run(session, teacher, m.GRADE_SUBMISSION, args)


def test_the_instructor_grades_offline_and_exports_the_gradebook(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink, shots: Path, tmp_path: Path
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "instructor@example.com", password=DEMO_PASSWORD)
    looker = Looker(qtbot, app, shots, "instructor")
    window = app.window
    assert "Grading" in window.visible_pages()
    window.go_to_page("Grading")
    page = window.grading_page
    _wait(qtbot, lambda: page.list.count() >= 1 and page.form.item is not None)
    form = page.form
    assert form.item is not None
    assert form.item.lesson_title == "Assignment: design a schema"
    assert set(form.criteria) == {"Tables and keys", "Indexes", "Merging explained"}
    looker.look("grading-inbox")

    link.cut()  # grading on a plane, from the inbox kept on the laptop
    form.criteria["Tables and keys"].setValue(7)
    form.criteria["Indexes"].setValue(5)
    form.criteria["Merging explained"].setValue(4)
    assert form.sum_label.text() == "16 / 20"
    form.feedback.setPlainText("Good keys. **Index the tags** too.")
    form.save.click()
    page.ungraded.setChecked(False)
    _wait(
        qtbot,
        lambda: any(
            "waiting to send" in page.list.item(i).text() for i in range(page.list.count())
        ),
    )
    looker.look("grading-graded-offline")

    link.restore()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    _wait(
        qtbot,
        lambda: any(
            "graded 16/20" in page.list.item(i).text() and "waiting" not in page.list.item(i).text()
            for i in range(page.list.count())
        ),
    )

    page.sections.setCurrentIndex(1)
    page.book_course.setCurrentIndex(page.book_course.findData(str(PAID)))
    _wait(qtbot, lambda: page.table.rowCount() >= 1 and page.export.isEnabled())
    assert page.table.horizontalHeaderItem(0).text() == "Student"
    looker.look("gradebook")
    target = tmp_path / "book.csv"
    app.grading.save_path = lambda _suggested: target
    page.export.click()
    _wait(qtbot, target.exists)
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "Student"
    assert any("16" in row for row in rows[1:])

    # An assignment lesson in the course editor: instructions and settings.
    engine = app.session.sync_engine
    assert engine is not None
    lesson = demo_id("ui-test:assignment")
    engine.record(
        m.ADD_LESSON,
        AddLessonArgs(
            section_id=DRAFT_SECTION,
            lesson_id=lesson,
            title="Write a quiz of your own",
            lesson_type=LessonType.ASSIGNMENT,
            position="a5",
        ),
    )
    window.go_to_page("Authoring")
    authoring = window.authoring_page
    _wait(qtbot, lambda: authoring.courses.count() >= 2)
    draft = next(
        i for i in range(authoring.courses.count()) if "\nDraft" in authoring.courses.item(i).text()
    )
    authoring.courses.itemClicked.emit(authoring.courses.item(draft))
    editor = authoring.editor
    _wait(qtbot, lambda: editor.isVisible() and editor.tree.topLevelItemCount() > 0)
    section = editor.tree.topLevelItem(0)
    item = next(
        section.child(i)
        for i in range(section.childCount())
        if "Write a quiz" in section.child(i).text(0)
    )
    editor.tree.setCurrentItem(item)
    assignment = editor.lesson.assignment_editor
    _wait(qtbot, lambda: assignment.isVisible() and assignment.lesson_id == lesson)
    assert assignment.chosen_kinds() == ["text"]
    assert assignment.max_score.value() == 100
    looker.look("editor-assignment")
    assert not looker.problems, "\n".join(looker.problems)


def test_an_essay_answer_waits_for_the_instructor(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    from lmsdesk.ui.quiz_view import QuizView

    app = _paid_student(qtbot, start_app, live_server, link, "Essa Writer")
    looker = Looker(qtbot, app, shots, "student")
    page = app.window.lesson_page
    app.learning.open_course(PAID, demo_id("practical-sqlite:quiz"))
    _wait(qtbot, lambda: page.quiz_holder.findChild(QuizView) is not None)
    view = page.quiz_holder.findChild(QuizView)
    assert view is not None
    _wait(qtbot, lambda: app.learning.quiz.state is not None)  # the intro is drawn
    view.start.click()
    _wait(qtbot, lambda: view.currentWidget() is view.attempt and view.boxes)
    essay = next(box for box in view.boxes if box.essay is not None)
    assert essay.essay is not None
    essay.essay.setPlainText("Readers never wait for the writer.")
    looker.look("quiz-essay")
    app.learning.quiz.submit()
    _wait(qtbot, lambda: view.currentWidget() is view.result)
    assert "wait for your instructor" in view.verdict.text()
    assert "so far" in view.score.text()
    looker.look("quiz-essay-result")
    assert not looker.problems, "\n".join(looker.problems)
