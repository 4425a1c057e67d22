"""The Catalog page: search and filters over the local copy, the detail with curriculum and
ratings, and a preview lesson that streams before enrolling."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, signed_in_student


def test_search_filter_detail_and_preview(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    page = app.window.catalog_page
    qtbot.waitUntil(lambda: page.items.count() == 3, timeout=10_000)

    page.search.setText("sqlite")
    qtbot.waitUntil(lambda: page.items.count() == 1, timeout=5000)
    assert page.items.item(0).text().startswith("Practical SQLite")
    detail = page.detail
    qtbot.waitUntil(lambda: detail.curriculum.topLevelItemCount() == 2, timeout=5000)
    first = detail.curriculum.topLevelItem(0).child(0)
    assert first.text(0) == "Welcome (video) · 0:30   ▶ Preview"
    assert "No ratings yet" in detail.facts.text()
    assert detail.wish.isVisible()
    save_png(app.window, shots / "catalog-detail.png")

    page.search.setText("no such course")
    qtbot.waitUntil(lambda: page.empty_state.isVisible(), timeout=5000)
    assert page.empty_state.text() == "No course matches this search and these filters."
    page.search.clear()
    page.price.setCurrentIndex(page.price.findText("Free"))
    qtbot.waitUntil(lambda: page.items.count() == 1, timeout=5000)
    assert page.items.item(0).text().startswith("Offline-First Apps")

    page.price.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.items.count() == 3, timeout=5000)
    page.select(next(c.id for c in page.courses if c.title == "Practical SQLite"))
    qtbot.waitUntil(lambda: detail.curriculum.topLevelItemCount() == 2, timeout=5000)
    detail.curriculum.itemDoubleClicked.emit(detail.curriculum.topLevelItem(0).child(0), 0)
    lesson_page = app.window.lesson_page
    qtbot.waitUntil(lambda: app.window.pages.currentWidget() is lesson_page, timeout=10_000)
    video = app.learning.video
    qtbot.waitUntil(lambda: video.view.source.text() == "Streaming from the server", timeout=10_000)
    qtbot.waitUntil(
        lambda: video.player is not None and video.player.position() > 0.5, timeout=10_000
    )
    assert not video.view.download.isVisible(), "a preview before enrolling is not downloadable"
    # Opened from the Catalog, not enrolled: Back goes to the Catalog, no progress is shown,
    # and the lessons that need enrolling say so.
    assert lesson_page.back.text() == "← Catalog"
    assert not lesson_page.progress.isVisible()
    assert not lesson_page.progress_text.isVisible()
    locked = lesson_page.outline.topLevelItem(0).child(1)
    assert locked.toolTip(0) == "Opens once you enroll in this course"
    save_png(app.window, shots / "lesson-preview-streaming.png")

    app.learning.next_lesson()  # not a preview, and not enrolled
    qtbot.waitUntil(lambda: lesson_page.content.currentWidget() is lesson_page.notice_panel)
    assert lesson_page.notice.text().startswith("Enroll in this course to open this lesson")
    assert lesson_page.enroll_button.isVisible()
    assert lesson_page.enroll_button.text() == "Buy for 19.99 USD"
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:  # the system browser, recorded
        opened.append(url.toString())
        return True

    app.purchases._open_url = open_url  # type: ignore[method-assign]
    qtbot.mouseClick(lesson_page.enroll_button, Qt.MouseButton.LeftButton)
    assert app.window.pages.currentWidget() is page
    assert detail.course is not None
    assert detail.course.title == "Practical SQLite"
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)  # the checkout, in the browser


def test_a_chosen_category_stays_chosen_and_levels_are_listed_once(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink
) -> None:
    app = signed_in_student(qtbot, start_app, live_server, link)
    page = app.window.catalog_page
    qtbot.waitUntil(lambda: page.items.count() == 3, timeout=10_000)

    levels = [page.level.itemText(i) for i in range(page.level.count())]
    assert len(levels) == len(set(levels)), levels
    assert levels == ["Any level", "Beginner", "Intermediate", "Advanced"]

    page.category.setCurrentIndex(page.category.findText("Databases"))
    qtbot.waitUntil(lambda: page.items.count() == 1, timeout=5000)
    qtbot.wait(300)  # the list and its facets have been redrawn
    assert page.category.currentText() == "Databases", "the dropdown says what filters"
    page.level.setCurrentIndex(page.level.findText("Intermediate"))
    qtbot.wait(300)
    assert page.category.currentText() == "Databases", "another filter keeps the category"
    assert page.items.count() == 1
    assert page.items.item(0).text().startswith("Practical SQLite")
    page.level.setCurrentIndex(page.level.findText("Beginner"))
    qtbot.waitUntil(lambda: page.empty_state.isVisible(), timeout=5000)
