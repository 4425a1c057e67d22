"""The Moderation tab as an admin uses it: find a course in the queue, read it with its quiz
answers, send it back with feedback (offline), take a decision back, see what a resubmission
changed, and approve it."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import LessonType
from lmsdesk.services.moderation import CourseReview
from lmsdesk.ui.reject_dialog import RejectDialog
from tests.support.authoring import Author, submitted_course
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (a server of their own)
from tests.support.ui import AppFactory, save_png, sign_in


def _queue_titles(app: Application) -> list[str]:
    queue = app.window.moderation_page.queue
    return [queue.item(i).text().split("\n")[0] for i in range(queue.count())]


def _select(qtbot: QtBot, app: Application, title: str) -> None:
    page = app.window.moderation_page
    qtbot.waitUntil(lambda: title in _queue_titles(app), timeout=10_000)
    page.queue.setCurrentRow(_queue_titles(app).index(title))
    qtbot.waitUntil(
        lambda: page.review is not None and page.course_title.text() == title, timeout=5000
    )


def test_an_admin_sends_a_course_back_then_approves_the_resubmission(
    qtbot: QtBot,
    start_app: AppFactory,
    link: CuttableLink,
    live_server: LiveServer,
    http: httpx.Client,
    tmp_path: Path,
    shots: Path,
) -> None:
    studio = Laptop(tmp_path / "studio", link, http)
    studio.sign_in(live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")).sync()
    course, text, _quiz = submitted_course(studio, "Field guide to offline maps")
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, live_server.create_user(Role.ADMIN, name="Grace Reviewer"))
    app.window.go_to_page("Moderation")
    page = app.window.moderation_page
    page.search.setText("offline maps")
    qtbot.waitUntil(lambda: _queue_titles(app) == ["Field guide to offline maps"], timeout=5000)
    assert "Ada Instructor · submitted just now · first submission" in page.queue.item(0).text()
    _select(qtbot, app, "Field guide to offline maps")
    shown = page.curriculum.toPlainText()
    assert "Where do offline tiles live?" in shown
    assert "✓ On the device" in shown  # the correct answer, marked
    assert page.tabs.tabText(2) == "Changes"
    assert "first submission" in page.changes.toPlainText()
    save_png(app.window, shots / "moderation-review.png")

    link.cut()  # the rest of the first review happens offline
    app.moderation.ask_rejection = lambda _review, _title: (
        "Explain how tiles reach the device.",
        {text: "Start with the download button."},
    )
    page.reject.click()
    qtbot.waitUntil(lambda: _queue_titles(app) == [], timeout=5000)
    assert page.waiting.count() == 1
    assert page.waiting.item(0).text() == "↩ Send back “Field guide to offline maps”"
    assert "1 decision to sync" in page.counts.text()
    assert app.window.notice_banner.isVisible()
    assert app.window.notice_text.text().startswith(
        "“Field guide to offline maps” is sent back to its instructor"
    )
    page.take_back.click()  # changed their mind before it left
    qtbot.waitUntil(lambda: _queue_titles(app) == ["Field guide to offline maps"], timeout=5000)
    assert page.waiting_title.isHidden()
    _select(qtbot, app, "Field guide to offline maps")
    page.reject.click()
    qtbot.waitUntil(lambda: page.waiting.count() == 1, timeout=5000)
    save_png(app.window, shots / "moderation-waiting.png")

    link.restore()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    qtbot.waitUntil(lambda: live_server.course_status(course) == "rejected", timeout=10_000)

    # The instructor reworks it; the reviewer sees exactly what changed.
    studio.engine.sync()
    author = Author(studio.service)
    author.edit("lesson", text, "title", "Getting tiles onto the device")
    author.add_lesson(
        author.draft(course).sections[0].id, "Downloading a region", LessonType.TEXT, "Steps"
    )
    author.submit(course)
    studio.engine.sync()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    _select(qtbot, app, "Field guide to offline maps")
    assert "revision 2" in page.queue.item(0).text()
    assert page.tabs.tabText(2) == "Changes (2)"
    assert page.tabs.tabText(3) == "History (1)"
    changes = page.changes.toPlainText()
    assert "renamed from “Reading a map offline”" in changes
    assert "Downloading a region" in changes
    assert "Explain how tiles reach the device." in page.history.toPlainText()
    page.tabs.setCurrentIndex(2)
    save_png(app.window, shots / "moderation-changes.png")
    page.tabs.setCurrentIndex(3)
    save_png(app.window, shots / "moderation-history.png")

    asked: list[str] = []
    app.moderation.confirm = lambda question: asked.append(question) or True
    page.approve.click()
    qtbot.waitUntil(lambda: _queue_titles(app) == [], timeout=5000)
    assert "publish it to the catalog" in asked[0]
    assert "is approved; it is published" in app.window.notice_text.text()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    qtbot.waitUntil(lambda: live_server.course_status(course) == "approved", timeout=10_000)
    qtbot.waitUntil(lambda: page.waiting.count() == 0, timeout=5000)
    assert page.waiting_title.isHidden()


def test_the_send_back_dialog_needs_feedback_and_collects_lesson_notes(
    qtbot: QtBot, shots: Path
) -> None:
    from lmsdesk.services.moderation import LessonReview, SectionReview

    lesson = uuid.uuid4()
    review = CourseReview(
        course_id=uuid.uuid4(),
        version=3,
        revision=1,
        fields={},
        description="",
        history=(),
        changes=None,
        refused=None,
        sections=(
            SectionReview(
                "Basics",
                (
                    LessonReview(
                        id=lesson,
                        title="Why offline",
                        lesson_type=LessonType.TEXT,
                        duration_seconds=None,
                        is_preview=False,
                        has_video=False,
                        words=120,
                        settings="",
                        questions=(),
                        links=(),
                    ),
                ),
            ),
        ),
    )
    dialog = RejectDialog(review, "Offline maps")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.send.isEnabled()  # no feedback yet
    qtbot.keyClicks(dialog.feedback, "   ")
    assert not dialog.send.isEnabled()
    qtbot.keyClicks(dialog.feedback, "Explain tiles first.")
    assert dialog.send.isEnabled()
    dialog.set_note(lesson, "Open with the download button.")
    save_png(dialog, shots / "moderation-send-back.png")
    assert dialog.result_value() == (
        "Explain tiles first.",
        {lesson: "Open with the download button."},
    )
    qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
    assert dialog.result() == RejectDialog.DialogCode.Accepted


def test_the_demo_admin_previews_the_course_in_review_with_its_video(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink, shots: Path
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "admin@example.com", password="lmsdesk-demo")
    app.window.go_to_page("Moderation")
    _select(qtbot, app, "Qt for Python, Step by Step")
    page = app.window.moderation_page
    assert page.meta.text() == "Ines Instructor · first submission · 29.00 USD · Desktop apps"
    save_png(app.window, shots / "moderation-demo.png")

    page.preview.click()  # the learning screens, on the course in review
    lessons = app.window.lesson_page
    qtbot.waitUntil(lambda: app.window.pages.currentWidget() is lessons, timeout=5000)
    assert lessons.preview_note.isVisible()  # nothing the admin does here is recorded
    assert lessons.back.text() == "← Moderation"
    video = app.learning.video.view
    qtbot.waitUntil(lambda: video.source.text() == "Streaming from the server", timeout=15_000)
    save_png(app.window, shots / "moderation-preview-video.png")
    lessons.back.click()
    qtbot.waitUntil(lambda: app.window.pages.currentWidget() is page, timeout=5000)
