"""My learning and the lesson page in the running app: download a course, unplug the network,
Continue, watch, read, complete; progress shows everywhere."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, signed_in_student

FREE = demo_id("course:offline-first-basics")


def test_download_then_learn_offline_and_see_progress(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    window = app.window
    window.resize(1100, 720)
    window.go_to_page("My learning")
    page = window.my_learning_page
    qtbot.waitUntil(lambda: len(page.cards) == 1, timeout=10_000)
    card = next(iter(page.cards.values()))
    assert card.progress_text.text() == "0% · 0 of 3 lessons complete"
    assert card.download_text.text() == "Not downloaded · 1.5 MB"
    assert card.continue_button.text() == "Start"

    qtbot.mouseClick(card.buttons["download"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: next(iter(page.cards.values())).download_text.text().startswith("Downloaded"),
        timeout=20_000,
    )
    card = next(iter(page.cards.values()))
    assert card.buttons["delete"].isVisible()
    assert "on this computer" in page.storage.text()
    save_png(window, shots / "my-learning-downloaded.png")

    link.cut()  # everything below works from this computer alone
    qtbot.mouseClick(card.continue_button, Qt.MouseButton.LeftButton)
    lesson_page = window.lesson_page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is lesson_page, timeout=10_000)
    assert lesson_page.lesson_title.text() == "Welcome (video)"
    video = app.learning.video
    qtbot.waitUntil(lambda: video.player is not None and video.player.is_playing(), timeout=10_000)
    assert video.view.source.text() == "Playing the downloaded copy"
    qtbot.waitUntil(lambda: video.player is not None and video.player.position() > 1.0)
    save_png(window, shots / "lesson-video.png")

    qtbot.mouseClick(lesson_page.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lesson_page.content.currentWidget() is lesson_page.text)
    assert video.player is None, "leaving the video lesson stops and saves it"
    assert lesson_page.text.body.toPlainText().strip(), "the Markdown lesson is shown"
    save_png(window, shots / "lesson-text.png")
    qtbot.mouseClick(lesson_page.text.mark_complete, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lesson_page.progress.value() == 33, timeout=5000)
    assert lesson_page.text.done_note.isVisible()

    qtbot.mouseClick(lesson_page.back, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is page
    qtbot.waitUntil(
        lambda: next(iter(page.cards.values())).progress_text.text().startswith("33%"), timeout=5000
    )
    card = next(iter(page.cards.values()))
    assert card.continue_button.text() == "Continue"
    assert card.where.text().startswith("Next: Welcome (video) at 0:0")
    save_png(window, shots / "my-learning-progress.png")


def test_a_course_without_its_download_says_so_offline(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    link.cut()
    app.window.go_to_page("My learning")
    page = app.window.my_learning_page
    qtbot.waitUntil(lambda: len(page.cards) == 1, timeout=10_000)
    qtbot.mouseClick(next(iter(page.cards.values())).continue_button, Qt.MouseButton.LeftButton)
    view = app.window.lesson_page.video
    qtbot.waitUntil(lambda: view.notice.isVisible(), timeout=10_000)
    assert "not downloaded" in view.notice.text()
    assert "Download the course" in view.notice.text()


def test_a_streamed_lesson_can_be_downloaded_from_the_lesson(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    app.learning.open_course(FREE, demo_id("offline-first-basics:video"))
    video = app.learning.video
    qtbot.waitUntil(lambda: video.view.source.text() == "Streaming from the server", timeout=10_000)
    assert video.view.download.isVisible()
    qtbot.mouseClick(video.view.download, Qt.MouseButton.LeftButton)
    page = app.window.my_learning_page
    qtbot.waitUntil(
        lambda: (
            bool(page.cards)
            and next(iter(page.cards.values())).download_text.text().startswith("Downloaded")
        ),
        timeout=20_000,
    )
    link.cut()
    app.learning.open_lesson(demo_id("offline-first-basics:video"))
    qtbot.waitUntil(
        lambda: video.view.source.text() == "Playing the downloaded copy", timeout=10_000
    )
