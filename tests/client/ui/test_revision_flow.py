"""A published course in the Authoring tab: it is changed through a revision, opened from the
editor, while students keep the published course."""

from __future__ import annotations

from pathlib import Path

import httpx
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import ReviewDecision
from lmsdesk.services.moderation import ModerationService
from tests.support.authoring import submitted_course
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (a server of their own)
from tests.support.ui import AppFactory, save_png, sign_in


def _lines(app: Application) -> list[str]:
    courses = app.window.authoring_page.courses
    return [courses.item(i).text() for i in range(courses.count())]


def test_a_published_course_is_changed_in_a_revision_from_the_editor(
    qtbot: QtBot,
    start_app: AppFactory,
    link: CuttableLink,
    live_server: LiveServer,
    http: httpx.Client,
    tmp_path: Path,
    shots: Path,
) -> None:
    instructor = live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")
    studio = Laptop(tmp_path / "studio", link, http)
    studio.sign_in(instructor).sync()
    course, _text, _quiz = submitted_course(studio, "Knots for sailors")
    reviewer = Laptop(tmp_path / "reviewer", link, http)
    reviewer.sign_in(live_server.create_user(Role.ADMIN)).sync()
    ModerationService(reviewer.service).decide(course, ReviewDecision.APPROVED)
    reviewer.engine.sync()

    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, instructor)
    app.window.go_to_page("Authoring")
    page = app.window.authoring_page
    qtbot.waitUntil(
        lambda: _lines(app) == ["Knots for sailors\nPublished · 2 lessons"], timeout=10_000
    )
    page.courses.itemClicked.emit(page.courses.item(0))
    editor = page.editor
    qtbot.waitUntil(lambda: editor.revise_button.isVisible(), timeout=5000)
    assert editor.revise_button.text() == "Change in a revision"
    assert not editor.add_section_button.isEnabled()  # the published course stays as it is

    link.cut()  # works offline
    editor.revise_button.click()
    qtbot.waitUntil(
        lambda: editor.draft is not None and editor.draft.revision_of == course, timeout=5000
    )
    assert editor.add_section_button.isEnabled()
    assert editor.status.text().startswith("Revision of a published course · Draft")
    assert "students see the published course" in editor.status.text()
    qtbot.waitUntil(lambda: len(_lines(app)) == 2, timeout=5000)
    assert _lines(app)[1] == "Knots for sailors\nRevision · Draft · 2 lessons"
    save_png(app.window, shots / "authoring-revision.png")

    page.back_button.click()
    page.courses.itemClicked.emit(page.courses.item(0))  # the published one again
    qtbot.waitUntil(lambda: editor.draft is not None and editor.draft.id == course, timeout=5000)
    assert editor.revise_button.text() == "Open the revision"
    link.restore()
