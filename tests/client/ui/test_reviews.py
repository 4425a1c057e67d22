"""Reviews in the catalog name their writer as others see them ("Wendy W.") with their
picture, fetched once and shown from disk afterwards; against a real server of its own."""

from __future__ import annotations

from pathlib import Path

import httpx
from pytestqt.qtbot import QtBot

from lmsdesk.contracts.common import Role
from lmsdesk_server.demo.seed import demo_id
from tests.support.images import png
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.ui import AppFactory, save_png, sign_in

FREE = demo_id("course:offline-first-basics")


def test_a_review_shows_who_wrote_it_with_their_picture(
    qtbot: QtBot, start_app: AppFactory, publishing_server: LiveServer, shots: Path
) -> None:
    writer = publishing_server.create_user(Role.STUDENT, name="Wendy Writer")
    publishing_server.enroll(writer, FREE)
    api = f"{publishing_server.url}/api/v1"
    token = httpx.post(f"{api}/auth/login", json={"email": writer, "password": PASSWORD}).json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    rated = httpx.put(
        f"{api}/courses/{FREE}/rating",
        json={"rating": 5, "title": "Worth it", "body": "Short and clear."},
        headers=headers,
    )
    assert rated.is_success, rated.text
    pictured = httpx.put(
        f"{api}/me/avatar", content=png(64, 64), headers={**headers, "Content-Type": "image/png"}
    )
    assert pictured.is_success, pictured.text

    reader = publishing_server.create_user(Role.STUDENT, name="Rita Reader")
    app = start_app(publishing_server.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, publishing_server.url, reader)
    catalog = app.window.catalog_page
    qtbot.waitUntil(lambda: catalog.items.count() >= 1, timeout=10_000)
    catalog.select(FREE)
    reviews = catalog.detail.reviews
    qtbot.waitUntil(lambda: "by Wendy W." in reviews.text(), timeout=10_000)
    assert "Writer" not in reviews.text(), "the surname stays with its owner"
    qtbot.waitUntil(lambda: "<img" in reviews.text(), timeout=10_000)
    assert "Worth it" in reviews.text()
    scroll = catalog.detail.parentWidget().parentWidget()  # the detail's scroll area
    scroll.ensureWidgetVisible(reviews)  # type: ignore[attr-defined]
    save_png(app.window, shots / "student-catalog-reviews.png")


def test_a_student_marks_a_review_helpful_once_and_reports_one(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer
) -> None:
    """The demo review (by Nia) as an enrolled student sees it: Helpful counts at once, offline
    too, and stays counted once after the sync; a report goes with its reason."""
    reader = live_server.create_user(Role.STUDENT, name="Rita Reader")
    live_server.enroll(reader, FREE)
    app = start_app(live_server.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, live_server.url, reader)
    catalog = app.window.catalog_page
    qtbot.waitUntil(lambda: catalog.items.count() >= 1, timeout=10_000)
    catalog.select(FREE)
    detail = catalog.detail
    qtbot.waitUntil(lambda: "A calm first course" in detail.reviews.text(), timeout=10_000)
    review = next(r for r in (detail._details.reviews if detail._details else []) if r.id)
    before = review.helpful
    assert f"helpful:{review.id}" in detail.reviews.text()
    detail.reviews.linkActivated.emit(f"helpful:{review.id}")
    qtbot.waitUntil(
        lambda: f"{before + 1} found this helpful" in detail.reviews.text(), timeout=10_000
    )
    assert f"unhelpful:{review.id}" in detail.reviews.text()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    catalog.select(FREE)
    qtbot.waitUntil(
        lambda: f"{before + 1} found this helpful" in detail.reviews.text(), timeout=10_000
    )

    app.catalog.ask_reason = lambda: "Not about this course"
    detail.reviews.linkActivated.emit(f"report:{review.id}")
    qtbot.waitUntil(lambda: app.window.notice_banner.isVisible(), timeout=10_000)
    assert "Report saved" in app.window.notice_text.text()
