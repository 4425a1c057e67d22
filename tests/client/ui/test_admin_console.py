"""The Admin page, driven by the demo admin against a real server of its own: users found and
suspended, a course granted, categories and archiving that show at once and reach the server
at the next sync, a decision made offline that waits, one the server refuses, and the audit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts.common import Role
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, sign_in

PAID = demo_id("course:practical-sqlite")


@pytest.fixture
def admin_link(publishing_server: LiveServer) -> Iterator[CuttableLink]:
    cuttable = CuttableLink(int(publishing_server.url.rsplit(":", 1)[1]))
    yield cuttable
    cuttable.close()


def _admin_app(qtbot: QtBot, start_app: AppFactory, url: str) -> Application:
    app = start_app(url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, url, "admin@example.com", password=DEMO_PASSWORD)
    app.window.go_to_page("Admin")
    return app


def _answers(app: Application, texts: list[str], choices: list[Any] | None = None) -> None:
    """The admin's answers to the questions the decisions ask, in order."""
    pending_texts, pending_choices = list(texts), list(choices or [])
    app.admin.ask_text = lambda *_a: pending_texts.pop(0)

    def choose(_title: str, _question: str, options: list[tuple[str, Any]]) -> Any:
        wanted = pending_choices.pop(0)
        return next(value for label, value in options if label == wanted)

    app.admin.ask_choice = choose


def _synced(qtbot: QtBot, app: Application) -> None:
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        app.sync.sync_now()


def _can_sign_in(server: LiveServer, email: str) -> bool:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    return answer.status_code == 200


def test_users_are_found_suspended_granted_a_course_and_reactivated(
    qtbot: QtBot, start_app: AppFactory, publishing_server: LiveServer
) -> None:
    email = publishing_server.create_user(Role.STUDENT, name="Una Unlucky")
    app = _admin_app(qtbot, start_app, publishing_server.url)
    page = app.window.admin_page
    page.query.setText("unlucky")
    page.search_button.click()
    qtbot.waitUntil(lambda: page.users.topLevelItemCount() == 1, timeout=10_000)
    assert page.users.topLevelItem(0).text(1) == email
    page.users.setCurrentItem(page.users.topLevelItem(0))
    qtbot.waitUntil(lambda: page.detail is not None, timeout=10_000)
    assert "Una Unlucky" in page.user_title.text()

    _answers(app, ["chargeback fraud"])
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        page.suspend_button.click()
    qtbot.waitUntil(lambda: "Suspended" in page.user_state.text(), timeout=10_000)
    assert page.suspend_button.text() == "Reactivate"
    assert not _can_sign_in(publishing_server, email)

    _answers(app, ["scholarship"], ["Practical SQLite"])
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        page.grant_button.click()
    qtbot.waitUntil(
        lambda: any(
            "Practical SQLite: active (admin grant)" in page.enrollments.item(i).text()
            for i in range(page.enrollments.count())
        ),
        timeout=10_000,
    )
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        page.suspend_button.click()  # Reactivate: no reason asked
    qtbot.waitUntil(lambda: "Active" in page.user_state.text(), timeout=10_000)
    assert _can_sign_in(publishing_server, email)

    page.tabs.setCurrentIndex(3)
    page.audit_refresh.click()
    qtbot.waitUntil(lambda: page.audit.topLevelItemCount() >= 3, timeout=10_000)
    whys = {page.audit.topLevelItem(i).text(3) for i in range(page.audit.topLevelItemCount())}
    assert {"chargeback fraud", "scholarship"} <= whys


def test_categories_and_archiving_show_at_once_and_reach_the_server(
    qtbot: QtBot, start_app: AppFactory, publishing_server: LiveServer, admin_link: CuttableLink
) -> None:
    app = _admin_app(qtbot, start_app, admin_link.url)
    page = app.window.admin_page
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.category_tree.topLevelItemCount() >= 2, timeout=10_000)

    admin_link.cut()  # offline: the decision waits, and the tree shows it at once
    _answers(app, ["Design"])
    page.add_top_button.click()
    qtbot.waitUntil(lambda: "Design" in _names(page.category_tree), timeout=10_000)
    qtbot.waitUntil(lambda: page.decisions.isVisible(), timeout=10_000)
    assert "Waiting to sync: New category “Design”" in page.decisions.item(0).text()
    admin_link.restore()
    _synced(qtbot, app)
    qtbot.waitUntil(lambda: not page.decisions.isVisible(), timeout=10_000)
    token = _token(publishing_server)
    served = httpx.get(
        f"{publishing_server.url}/api/v1/admin/categories",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["items"]
    assert "Design" in {c["name"] for c in served}

    page.category_tree.setCurrentItem(_item(page.category_tree, "Development"))
    notes: list[str] = []
    app.admin.notify = notes.append
    page.delete_button.click()
    qtbot.waitUntil(lambda: bool(notes), timeout=10_000)
    assert "still holds" in notes[0], "a category with subcategories is refused before sync"

    page.tabs.setCurrentIndex(2)
    course = _item(page.course_list, "Practical SQLite")
    page.course_list.setCurrentItem(course)
    assert page.archive_button.text() == "Archive…"
    _answers(app, ["outdated"])
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        page.archive_button.click()
    qtbot.waitUntil(lambda: publishing_server.course_status(PAID) == "archived", timeout=10_000)
    qtbot.waitUntil(
        lambda: _item(page.course_list, "Practical SQLite").text(2) == "archived", timeout=10_000
    )
    page.course_list.setCurrentItem(_item(page.course_list, "Practical SQLite"))
    assert page.archive_button.text() == "Restore"
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        page.archive_button.click()
    qtbot.waitUntil(lambda: publishing_server.course_status(PAID) == "approved", timeout=10_000)


def test_a_decision_the_server_refuses_comes_back_with_its_reason(
    qtbot: QtBot, start_app: AppFactory, publishing_server: LiveServer
) -> None:
    app = _admin_app(qtbot, start_app, publishing_server.url)
    page = app.window.admin_page
    page.query.setText("admin@example.com")
    page.search_button.click()
    qtbot.waitUntil(lambda: page.users.topLevelItemCount() == 1, timeout=10_000)
    page.users.setCurrentItem(page.users.topLevelItem(0))
    qtbot.waitUntil(lambda: page.detail is not None, timeout=10_000)
    page.role_boxes[Role.ADMIN].setChecked(False)
    page.role_boxes[Role.STUDENT].setChecked(True)
    with qtbot.waitSignal(app.sync.finished, timeout=20_000):
        page.save_roles_button.click()
    qtbot.waitUntil(
        lambda: page.decisions.count() > 0 and "Refused" in page.decisions.item(0).text(),
        timeout=10_000,
    )
    text = page.decisions.item(0).text()
    assert text.startswith("⚠ Refused"), text
    assert "last active admin" in text
    seq = page.decisions.item(0).data(Qt.ItemDataRole.UserRole)
    page.decision_dismissed.emit(seq)
    qtbot.waitUntil(lambda: not page.decisions.isVisible(), timeout=10_000)


def _names(tree: Any) -> set[str]:
    found: set[str] = set()

    def walk(item: Any) -> None:
        found.add(item.text(0))
        for i in range(item.childCount()):
            walk(item.child(i))

    for i in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(i))
    return found


def _item(tree: Any, name: str) -> Any:
    matches = tree.findItems(name, Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
    assert matches, name
    return matches[0]


def _token(server: LiveServer) -> str:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": "admin@example.com", "password": DEMO_PASSWORD},
    )
    token: str = answer.json()["access_token"]
    return token
