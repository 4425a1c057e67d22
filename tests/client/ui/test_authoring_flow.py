"""The Authoring page as an instructor uses it: a course created and built offline, lessons
reordered by dragging, a delete undone, the checklist, and submit once back online."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QLabel, QPushButton, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.authoring import Keep
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType
from lmsdesk.local_db import outbox
from lmsdesk.services.authoring import Conflict, Draft, LessonOutline, SectionOutline
from lmsdesk.ui.course_editor import CourseEditor
from lmsdesk.ui.curriculum_tree import CurriculumTree
from lmsdesk_server.resources import resources_dir
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, sign_in

DEMO_VIDEO = resources_dir() / "demo" / "welcome.mp4"
DEMO_SUBTITLES = resources_dir() / "demo" / "welcome.vtt"


def _answers(app: Application, *titles: str) -> list[str]:
    """Type these into the next title prompts; collect what the app tells the user."""
    queue: Iterator[str] = iter(titles)
    told: list[str] = []
    app.authoring.ask_text = lambda _title, _label, _text: next(queue)
    app.authoring.tell = told.append
    return told


def _outline(tree: CurriculumTree) -> list[tuple[str, list[str]]]:
    def children(item: QTreeWidgetItem) -> list[str]:
        return [item.child(i).text(0) for i in range(item.childCount())]

    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [(item.text(0), children(item)) for item in items if item is not None]


def _drop(
    tree: CurriculumTree, dragged: QTreeWidgetItem, target: QTreeWidgetItem, *, upper: bool
) -> None:
    """What a mouse drag ends with: a drop near the top (or the bottom) edge of `target`."""
    tree.setCurrentItem(dragged)
    rect = tree.visualItemRect(target)
    y = rect.top() + 1 if upper else rect.bottom() - 1
    event = QDropEvent(
        QPointF(rect.center().x(), y),
        Qt.DropAction.MoveAction,
        QMimeData(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tree.dropEvent(event)


def test_an_instructor_builds_a_course_offline_and_submits_it_online(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    email = live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    assert "Authoring" in app.window.visible_pages()
    app.window.go_to_page("Authoring")
    page, control = app.window.authoring_page, app.authoring
    editor = page.editor
    told = _answers(app, "Testing offline apps", "Basics", "Later", "Why offline", "Clocks")

    link.cut()  # everything below until restore happens with no network
    with qtbot.waitActive(app.window):
        app.window.activateWindow()
    page.courses.setFocus()
    qtbot.keyClick(page.courses, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.courses.count() == 1 and editor.isVisible(), timeout=5000)
    assert page.courses.item(0).text() == "Testing offline apps\nDraft · 0 lessons"
    assert "Add at least one section with a lesson in it." in editor.checklist.text()
    assert not told

    for _ in range(2):
        editor.add_section_button.click()
        qtbot.wait(50)
    qtbot.waitUntil(lambda: editor.tree.topLevelItemCount() == 2, timeout=5000)
    editor.tree.setCurrentItem(editor.tree.topLevelItem(0))
    for _ in range(2):
        control.curriculum.add_lesson(None, LessonType.TEXT)
        qtbot.wait(50)
    qtbot.waitUntil(lambda: editor.tree.topLevelItem(0).childCount() == 2, timeout=5000)
    assert _outline(editor.tree) == [
        ("Section 1: Basics", ["≡  Why offline", "≡  Clocks"]),
        ("Section 2: Later", []),
    ]
    assert editor.checklist.text() == "✓ Ready for review"

    # Write the first lesson; the preview follows the Markdown.
    first_lesson = editor.tree.topLevelItem(0).child(0)
    editor.tree.setCurrentItem(first_lesson)
    # The lesson panel shows the last lesson added until the one picked has loaded: type only
    # once it is the picked one (under load the panel switches a moment later).
    picked = first_lesson.data(0, Qt.ItemDataRole.UserRole)
    qtbot.waitUntil(
        lambda: editor.panels.currentIndex() == 1 and editor.lesson_id == picked, timeout=5000
    )
    editor.lesson_body.source.setPlainText("# Why offline\n\nTrains have **no** signal.")
    assert "no" in editor.lesson_body.preview.toHtml()
    editor.flush()
    save_png(app.window, shots / "authoring-lesson.png")
    qtbot.waitUntil(
        lambda: control.curriculum.service.lesson_content(editor.lesson_id).startswith(
            "# Why offline"
        ),
        timeout=5000,
    )  # type: ignore[arg-type]

    # Drag Clocks above Why offline, then Why offline into Later.
    basics = editor.tree.topLevelItem(0)
    _drop(editor.tree, basics.child(1), basics.child(0), upper=True)
    qtbot.waitUntil(
        lambda: _outline(editor.tree)[0][1] == ["≡  Clocks", "≡  Why offline"], timeout=5000
    )
    basics, later = editor.tree.topLevelItem(0), editor.tree.topLevelItem(1)
    _drop(editor.tree, basics.child(1), later, upper=False)
    qtbot.waitUntil(lambda: _outline(editor.tree)[1][1] == ["≡  Why offline"], timeout=5000)

    # Delete Basics, see the undo bar, undo.
    editor.tree.setCurrentItem(editor.tree.topLevelItem(0))
    editor.delete_button.click()
    qtbot.waitUntil(lambda: editor.tree.topLevelItemCount() == 1, timeout=5000)
    assert editor.undo_bar.isVisible()
    assert editor.undo_text.text() == "Deleted section “Basics” and its 1 lesson(s)."
    editor.undo_button.click()
    qtbot.waitUntil(lambda: editor.tree.topLevelItemCount() == 2, timeout=5000)
    assert _outline(editor.tree) == [
        ("Section 1: Basics", ["≡  Clocks"]),
        ("Section 2: Later", ["≡  Why offline"]),
    ]
    assert not editor.undo_bar.isVisible()

    # Price below the minimum: the checklist says so and Submit refuses.
    editor.show_details()
    editor.price.setValue(0.3)
    editor.price.editingFinished.emit()
    qtbot.waitUntil(lambda: "at least 0.50" in editor.checklist.text(), timeout=5000)
    editor.submit_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert "Not ready for review yet" in told[-1]
    editor.price.setValue(19)
    editor.price.editingFinished.emit()
    editor.tags.setText("Offline, SQLite ,offline")
    editor.tags.editingFinished.emit()
    qtbot.waitUntil(lambda: editor.tags.text() == "offline, sqlite", timeout=5000)
    qtbot.waitUntil(lambda: editor.checklist.text() == "✓ Ready for review", timeout=5000)
    save_png(app.window, shots / "authoring-editor.png")

    asked: list[str] = []
    app.authoring.confirm = lambda question: asked.append(question) or False
    editor.submit_button.click()  # asked first, and "No" submits nothing
    assert asked[0].startswith("Submit “Testing offline apps” for review?")
    qtbot.wait(200)
    assert editor.submit_button.isEnabled()
    app.authoring.confirm = lambda question: asked.append(question) or True
    editor.submit_button.click()
    qtbot.waitUntil(lambda: editor.status.text().startswith("Waiting for review"), timeout=5000)
    assert not editor.submit_button.isEnabled()
    assert app.window.notice_banner.isVisible()
    assert "is submitted for review" in app.window.notice_text.text()
    assert page.courses.item(0).text() == "Testing offline apps\nIn review · 2 lessons"

    link.restore()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    assert live_server.course_status(page.selected_course()) == "pending"
    page.back_button.click()
    qtbot.waitUntil(lambda: page.views.currentIndex() == 0, timeout=5000)
    save_png(app.window, shots / "authoring-list.png")


def test_conflicts_and_the_reviewers_feedback_show_both_sides(qtbot: QtBot, shots: Path) -> None:
    editor = CourseEditor()
    qtbot.addWidget(editor)
    editor.resize(1000, 640)
    conflict = Conflict(
        uuid.uuid4(), "Title of the course", "Offline-first apps", "Apps that work offline"
    )
    fields = {
        "title": "Offline-first apps",
        "subtitle": "",
        "description": "# Hello",
        "category_id": None,
        "level": "beginner",
        "language_code": "en",
        "price_cents": 1900,
        "currency": "EUR",
    }
    editor.show_draft(
        Draft(
            id=uuid.uuid4(),
            status=CourseStatus.REJECTED,
            editable=True,
            fields=fields,
            sections=(
                SectionOutline(
                    uuid.uuid4(),
                    "Basics",
                    (LessonOutline(uuid.uuid4(), "Welcome", LessonType.VIDEO, True, False),),
                ),
            ),
            conflicts=(conflict,),
            problems=("Upload the video of 1 lesson(s).", "Resolve 1 conflicting edit(s)."),
            feedback="The welcome video is missing; please add it.",
            categories=(),
            tags=("offline", "sqlite"),
        )
    )
    editor.show()
    assert editor.feedback.text() == (
        "Reviewer's feedback: The welcome video is missing; please add it."
    )
    words = editor.conflicts.findChildren(QLabel)
    assert any(
        "this computer “Apps that work offline”" in w.text()
        and "the other “Offline-first apps”" in w.text()
        for w in words
    )
    assert editor.tree.topLevelItem(0).child(0).text(0) == (
        "▶  Welcome  · free preview  · video missing"
    )
    assert editor.level.currentText() == "Beginner"
    assert editor.currency.currentText() == "EUR"
    assert editor.tags.text() == "offline, sqlite"
    save_png(editor, shots / "authoring-conflict.png")
    keep_mine = next(
        b for b in editor.conflicts.findChildren(QPushButton) if b.text() == "Keep mine"
    )
    with qtbot.waitSignal(editor.resolve_requested) as chosen:
        keep_mine.click()
    assert chosen.args == [conflict.id, Keep.MINE]


def lesson_page_files(app: Application) -> list[object]:
    lesson = app.learning.lesson
    assert lesson is not None
    return [asset for _title, asset in lesson.files]


def _course_with_one_lesson(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    kind: LessonType,
    titles: tuple[str, str, str],
) -> Application:
    """An instructor signed in, on the editor of a new course: one section, one lesson."""
    email = live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    app.window.go_to_page("Authoring")
    editor = app.window.authoring_page.editor
    _answers(app, *titles)
    app.authoring.new_course()
    qtbot.waitUntil(lambda: editor.isVisible(), timeout=5000)
    editor.add_section_button.click()
    qtbot.waitUntil(lambda: editor.tree.topLevelItemCount() == 1, timeout=5000)
    app.authoring.curriculum.add_lesson(None, kind)
    qtbot.waitUntil(lambda: editor.tree.topLevelItem(0).childCount() == 1, timeout=5000)
    return app


def test_a_video_lesson_imports_its_file_and_shows_the_upload(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
    tmp_path: Path,
) -> None:
    app = _course_with_one_lesson(
        qtbot, start_app, live_server, link, LessonType.VIDEO, ("Video course", "Basics", "Welcome")
    )
    page, control = app.window.authoring_page, app.authoring
    editor = page.editor
    assert editor.tree.topLevelItem(0).child(0).text(0) == "▶  Welcome  · video missing"
    editor.tree.setCurrentItem(editor.tree.topLevelItem(0).child(0))
    qtbot.waitUntil(lambda: editor.video.isVisible(), timeout=5000)
    assert editor.video.status.text() == "No video yet. Import one; it uploads when you are online."

    cover, slides = tmp_path / "cover.png", tmp_path / "slides.pdf"
    picture = QImage(320, 180, QImage.Format.Format_RGB32)
    picture.fill(QColor("#e07a2f"))
    assert picture.save(str(cover))
    slides.write_bytes(b"%PDF-1.4\n" + b"x" * 4096)
    files = {
        "video": DEMO_VIDEO,
        "subtitles": DEMO_SUBTITLES,
        "thumbnail": cover,
        "resource": slides,
    }
    control.pick_file = files.get
    editor.video.import_button.click()
    qtbot.waitUntil(
        lambda: editor.video.status.text() == "welcome.mp4 · 0:30 · on the server", timeout=20_000
    )
    qtbot.waitUntil(
        lambda: editor.tree.topLevelItem(0).child(0).text(0) == "▶  Welcome", timeout=5000
    )
    assert "Upload the video" not in editor.checklist.text()
    assert editor.video.subtitles_status.text() == "No subtitles."
    editor.video.subtitles_button.click()
    qtbot.waitUntil(
        lambda: editor.video.subtitles_status.text() == "welcome.vtt · on the server",
        timeout=20_000,
    )
    save_png(app.window, shots / "authoring-video.png")

    # A link for further reading, then the preview shows it to the "student".
    _answers(app, "Offline-first essay", "example.com/offline")
    editor.links.add_button.click()
    qtbot.waitUntil(lambda: editor.links.items.count() == 1, timeout=5000)
    assert editor.links.items.item(0).text() == (
        "Link: Offline-first essay — https://example.com/offline"
    )
    editor.links.add_file_button.click()  # slides, uploaded like the video
    links = editor.links.items
    qtbot.waitUntil(
        lambda: links.count() == 2 and links.item(1).text() == "File: slides.pdf", timeout=20_000
    )
    save_png(app.window, shots / "authoring-resources.png")
    # The course's thumbnail, on the details page.
    editor.tree.setCurrentItem(None)
    editor.details_button.click()
    editor.thumbnail_button.click()
    qtbot.waitUntil(
        lambda: editor.thumbnail_note.text() == "" and not editor.thumbnail.pixmap().isNull(),
        timeout=20_000,
    )
    assert editor.remove_thumbnail.isEnabled()
    save_png(app.window, shots / "authoring-thumbnail.png")
    editor.tree.setCurrentItem(editor.tree.topLevelItem(0).child(0))

    # Preview as a student: the real lesson page plays the draft's video; nothing is recorded.
    link.cut()  # offline: the imported copy plays
    editor.preview_button.click()
    lesson_page = app.window.lesson_page
    qtbot.waitUntil(lambda: app.window.pages.currentWidget() is lesson_page, timeout=10_000)
    assert lesson_page.preview_note.isVisible()
    assert lesson_page.back.text() == "← Authoring"
    assert lesson_page.links.isVisible()
    assert '<a href="https://example.com/offline">Offline-first essay</a>' in (
        lesson_page.links.text()
    )
    assert "slides.pdf</a>" in lesson_page.links.text()
    opened: list[QUrl] = []
    app.learning.open_url = opened.append
    asset = lesson_page_files(app)[0]
    lesson_page.file_requested.emit(asset)  # as a click on the link does
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    assert opened[0].isLocalFile()  # the instructor's own copy, offline
    assert Path(opened[0].toLocalFile()).read_bytes() == slides.read_bytes()
    video = app.learning.video
    qtbot.waitUntil(
        lambda: video.player is not None and video.player.position() > 0.5, timeout=10_000
    )
    assert video.view.source.text() != "Streaming from the server"
    save_png(app.window, shots / "authoring-preview.png")
    lesson_page.back.click()
    qtbot.waitUntil(lambda: app.window.pages.currentWidget() is page, timeout=5000)
    store = app.session.store
    assert store is not None
    with store.reading() as session:
        queued = [m.name for m in outbox.pending(session)]
    assert not [name for name in queued if name.startswith("progress.")]


def test_the_quiz_editor_writes_a_question_with_its_answer(
    qtbot: QtBot,
    start_app: AppFactory,
    live_server: LiveServer,
    link: CuttableLink,
    shots: Path,
) -> None:
    app = _course_with_one_lesson(
        qtbot,
        start_app,
        live_server,
        link,
        LessonType.QUIZ,
        ("Quiz course", "Basics", "Check yourself"),
    )
    control = app.authoring
    editor = app.window.authoring_page.editor
    told: list[str] = []
    control.tell = told.append
    editor.tree.setCurrentItem(editor.tree.topLevelItem(0).child(0))
    quiz = editor.quiz_editor
    qtbot.waitUntil(lambda: quiz.isVisible(), timeout=5000)
    assert "Quiz 'Check yourself': add at least one question." in editor.checklist.text()

    single = quiz.add_button.menu().actions()[0]
    assert single.text() == "Single choice"
    single.trigger()
    qtbot.waitUntil(lambda: quiz.questions.count() == 1 and quiz.detail.isVisible(), timeout=5000)
    assert quiz.questions.item(0).text() == "⚠ 1. (no text yet)"
    assert "Question 1 has no text." in quiz.problems.text()

    quiz.prompt.setPlainText("Where does the data live?")
    quiz.prompt.focus_lost.emit()
    quiz.options.setPlainText("On the laptop\nOnly in the cloud\n")
    quiz.options.focus_lost.emit()
    qtbot.waitUntil(lambda: quiz.single.itemText(0) == "On the laptop", timeout=5000)
    assert quiz.single.count() == 2
    quiz.single.setCurrentIndex(0)
    quiz.single.activated.emit(0)
    quiz.passing.setValue(80)
    quiz.passing.editingFinished.emit()
    qtbot.waitUntil(
        lambda: quiz.questions.item(0).text() == "1. Where does the data live?", timeout=5000
    )
    qtbot.waitUntil(lambda: editor.checklist.text() == "✓ Ready for review", timeout=5000)
    assert not quiz.problems.isVisible()
    service, lesson = control.lessons.service, editor.lesson_id
    assert lesson is not None
    qtbot.waitUntil(lambda: service.quiz(lesson).settings["passing_percent"] == 80, timeout=5000)
    stored = service.quiz(lesson)
    assert stored.questions[0].correct_answer == 0
    assert stored.questions[0].options == ("On the laptop", "Only in the cloud")
    assert not told
    save_png(app.window, shots / "authoring-quiz.png")

    # Throw the draft away: asked first, then gone from the list.
    asked: list[str] = []
    control.confirm = lambda question: asked.append(question) or True
    editor.delete_course_button.click()
    page = app.window.authoring_page
    qtbot.waitUntil(
        lambda: page.views.currentIndex() == 0 and page.empty_state.isVisible(), timeout=5000
    )
    assert asked[0].startswith("Delete the draft “Quiz course” with all its lessons?")
    assert page.courses.count() == 0
