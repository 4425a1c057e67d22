"""Cohorts in the app, as people use them (rendered at both window sizes and looked at):

- a student of a cohort sees the course by week, a lesson of next week says when it opens in
  their time, and the Schedule shows the weeks and the live session with Join;
- a student enrolling in a course that runs in cohorts chooses one first (seats left, window);
- the instructor schedules a cohort and a week from the course editor's Schedule panel, and
  picks a lesson's prerequisites (a loop is refused in the dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from lmsdesk.contracts.common import Role
from lmsdesk.ui.schedule_dialog import ScheduleDialog
from lmsdesk_server.db.models import Enrollment
from lmsdesk_server.demo.content import DEMO_PASSWORD
from tests.client.ui.test_every_screen_fits import Looker
from tests.support.cohorts import CohortCourse
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (publishes courses: its own)
from tests.support.ui import AppFactory, sign_in


def _wait(qtbot: QtBot, condition: Callable[[], object]) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=15_000)


def _section_titles(app: object) -> list[str]:
    tree = app.window.lesson_page.outline  # type: ignore[attr-defined]
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_a_cohort_student_sees_the_weeks_and_when_next_week_opens(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    course = CohortCourse(live_server)
    cohort = course.add_cohort(live_server)
    email = live_server.create_user(Role.STUDENT, name="Cora Cohort")
    course.place(live_server, live_server.enroll(email, course.id), cohort)
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    opened: list[QUrl] = []
    app.learning.open_url = opened.append  # type: ignore[assignment]
    looker = Looker(qtbot, app, shots, "cohort-student")
    page = app.window.lesson_page

    # My learning says what opens next and when the next live session is.
    app.window.go_to_page("My learning")
    cards = app.window.my_learning_page.cards
    _wait(qtbot, lambda: course.id in cards)
    line = cards[course.id].cohort.text()
    assert line.startswith("Autumn cohort (Berlin) · week 2 opens ")
    assert " · Live Q&A " in line
    looker.look("my-learning")

    app.learning.open_course(course.id, course.lessons[1])
    _wait(qtbot, lambda: page.notice.isVisible() and "opens on" in page.notice.text())
    first, second = _section_titles(app)
    assert first.startswith("Week 1 · Part 1")
    assert second.startswith("Week 2 · Part 2\nopens ")
    assert "your time" in page.notice.text()
    assert "Autumn cohort (Berlin)" in page.notice.text()
    assert page.schedule_button.isVisible()
    looker.look("lesson-not-yet-open")

    page.schedule_button.click()
    _wait(qtbot, lambda: app.learning.schedule_dialog is not None)
    dialog = app.learning.schedule_dialog
    assert isinstance(dialog, ScheduleDialog)
    _wait(qtbot, dialog.isVisible)
    assert dialog.weeks.rowCount() == 2
    assert dialog.weeks.item(0, 1).text() == "open"
    [join] = dialog.join_buttons
    join.click()
    assert opened == [QUrl("https://meet.example.com/idx")]
    looker.look_at_dialog("schedule", dialog)
    dialog.close()

    app.learning.open_course(course.id, course.lessons[0])
    _wait(qtbot, lambda: page.content.currentWidget() is page.text)
    assert page.text.body.toPlainText().startswith("Week one")
    assert not looker.problems, "\n".join(looker.problems)


def test_enrolling_in_a_course_run_in_cohorts_asks_which_one(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    course = CohortCourse(live_server)
    soon = course.add_cohort(live_server, started=timedelta(days=-10), title="Winter cohort")
    course.add_cohort(
        live_server, started=timedelta(days=-40), title="Spring cohort", capacity=None
    )
    email = live_server.create_user(Role.STUDENT, name="Nell New")
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    looker = Looker(qtbot, app, shots, "cohort-joiner")
    catalog = app.window.catalog_page
    _wait(qtbot, lambda: any(c.id == course.id for c in catalog.courses))
    catalog.select(course.id)
    _wait(qtbot, lambda: catalog.detail.action.isEnabled())
    catalog.detail.action.click()
    _wait(qtbot, lambda: app.purchases.cohort_dialog is not None)
    dialog = app.purchases.cohort_dialog
    assert dialog is not None
    _wait(qtbot, dialog.isVisible)
    lines = [dialog.choices.item(i).text() for i in range(dialog.choices.count())]
    assert lines[0].startswith("Winter cohort: starts ")
    assert "20 seats left" in lines[0]
    assert "enrollment closes" in lines[0]
    assert lines[1].startswith("Spring cohort")
    assert dialog.selected() == soon
    looker.look_at_dialog("choose-cohort", dialog)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        dialog.ok.click()
    with live_server.context.session_factory() as db:
        joined = db.scalars(select(Enrollment.cohort_id).where(Enrollment.course_id == course.id))
        assert list(joined) == [soon]
    assert not looker.problems, "\n".join(looker.problems)


def _lesson_item(tree: object, title: str) -> QTreeWidgetItem:
    widget = tree  # the editor's curriculum tree
    for i in range(widget.topLevelItemCount()):  # type: ignore[attr-defined]
        top = widget.topLevelItem(i)  # type: ignore[attr-defined]
        for j in range(top.childCount()):
            if title in top.child(j).text(0):
                return top.child(j)
    raise AssertionError(f"no lesson {title!r}")


def test_the_instructor_schedules_a_cohort_and_sets_prerequisites(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    course = CohortCourse(live_server)
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "instructor@example.com", DEMO_PASSWORD)
    looker = Looker(qtbot, app, shots, "cohort-instructor")
    app.window.go_to_page("Authoring")
    app.authoring.open_course(course.id)
    editor = app.window.authoring_page.editor
    _wait(qtbot, lambda: editor.draft is not None and editor.draft.id == course.id)
    _wait(qtbot, editor.schedule_button.isVisible)

    editor.schedule_button.click()
    _wait(qtbot, lambda: app.schedule.editor is not None and app.schedule.editor.isVisible())
    panel = app.schedule.editor
    assert panel is not None
    _wait(qtbot, lambda: panel.closes.value() == 48)  # a new cohort's defaults
    panel.title_edit.setText("Evening cohort")
    panel.zone.setCurrentText("America/New_York")
    assert "your time" in panel.starts_yours.text()
    panel.capacity.setValue(25)
    panel.save_cohort_button.click()
    _wait(qtbot, lambda: panel.list.count() == 1 and panel.weeks.rowCount() == 2)
    assert panel.list.item(0).text().startswith("Evening cohort")
    panel.weeks.setCurrentCell(1, 0)
    panel.has_due.setChecked(True)
    panel.live_title.setText("Office hours")
    panel.live_url.setText("https://meet.example.com/office")
    panel.save_week_button.click()
    _wait(
        qtbot, lambda: "live" in (panel.weeks.item(1, 4).text() if panel.weeks.item(1, 4) else "")
    )
    looker.look_at_dialog("schedule-panel", panel)
    panel.close()

    # Prerequisites change the course: in a revision (students keep the published course
    # until it is approved).
    editor.revise_button.click()
    _wait(qtbot, lambda: editor.draft is not None and editor.draft.revision_of == course.id)
    _wait(qtbot, editor.panels.isEnabled)

    editor.tree.setCurrentItem(_lesson_item(editor.tree, "Week 2 notes"))
    _wait(qtbot, lambda: editor.lesson.lesson_id is not None)
    second = editor.lesson.lesson_id
    editor.lesson.prerequisites_button.click()
    _wait(qtbot, lambda: app.prerequisites.dialog is not None)
    picker = app.prerequisites.dialog
    assert picker is not None
    first = next(
        x.id for sec in editor.draft.sections for x in sec.lessons if x.title == "Week 1 notes"
    )
    picker.tick(first)
    looker.look_at_dialog("prerequisites", picker)
    picker.ok.click()
    _wait(qtbot, lambda: "Week 1 notes" in editor.lesson.prerequisites.text())
    # The other way round would be a loop: refused in the dialog, nothing saved.
    editor.tree.setCurrentItem(_lesson_item(editor.tree, "Week 1 notes"))
    _wait(qtbot, lambda: editor.lesson.lesson_id == first)
    editor.lesson.prerequisites_button.click()
    _wait(qtbot, lambda: app.prerequisites.dialog is not picker)
    loop = app.prerequisites.dialog
    assert loop is not None
    loop.tick(second)
    loop.ok.click()
    _wait(qtbot, lambda: loop.error.isVisible())
    assert "loop" in loop.error.text()
    loop.close()
    assert not looker.problems, "\n".join(looker.problems)
