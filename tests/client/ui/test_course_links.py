"""A click on "Open in LMSDesk" or "Buy in LMSDesk" on a public course page: the system starts
`lmsdesk <link>`, which hands the link to the app already running (a local socket per data
folder) and exits; the running app comes forward and shows that course, or starts buying it.
A course not synced yet is shown when the next sync brings it; a malformed link is refused."""

from __future__ import annotations

import uuid
from pathlib import Path

from pytestqt.qtbot import QtBot

from lmsdesk.config import ClientSettings
from lmsdesk.contracts.storefront import course_link
from lmsdesk.ui.links import instance_name, send_to_running
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import LiveServer
from tests.support.ui import AppFactory, sign_in

PAID = demo_id("course:practical-sqlite")
FREE = demo_id("course:offline-first-basics")


def test_a_running_app_receives_links_and_shows_the_course(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, tmp_path: Path
) -> None:
    app = start_app(live_server.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, live_server.url, live_server.create_user())
    window = app.window
    window.go_to_page("Account")
    name = instance_name(tmp_path / "client-data")
    assert send_to_running(name, course_link(PAID))
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.catalog_page, timeout=5000)
    detail = window.catalog_page.detail
    qtbot.waitUntil(lambda: detail.course is not None and detail.course.id == PAID)

    # A free course's "Enroll" link presses Enroll for the student.
    assert send_to_running(name, course_link(FREE, buy=True))
    qtbot.waitUntil(lambda: detail.course is not None and detail.course.id == FREE)

    # A course this computer does not have: said so, and nothing else happens.
    unknown = uuid.uuid4()
    assert send_to_running(name, course_link(unknown))
    waiting = app.links
    qtbot.waitUntil(
        lambda: waiting.waiting is not None and waiting.waiting.course_id == unknown, timeout=5000
    )
    assert "not on this computer yet" in window.notice_text.text()

    # Not a course link: refused with a message.
    assert send_to_running(name, "lmsdesk://course/../../etc")
    qtbot.waitUntil(lambda: "not one LMSDesk can open" in window.notice_text.text(), timeout=5000)


def test_no_app_running_means_the_link_starts_one(tmp_path: Path, qtbot: QtBot) -> None:  # noqa: ARG001 - a QApplication
    # Another data folder: nobody listens, so `lmsdesk <link>` goes on to start the app.
    from lmsdesk.app import hand_over

    settings = ClientSettings(data_dir=tmp_path / "elsewhere", server_url="http://127.0.0.1:9")
    assert hand_over(settings, course_link(PAID)) is False
