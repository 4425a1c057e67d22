"""The Community page as a new user meets it: the demo student's news in the navigation and on
the course card, cleared once read; a question asked offline waiting to be sent; the accepted
answer first; the pinned discussion first; an instructor's inbox; an admin hiding a report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from lmsdesk.ui.compose_dialog import Composed
from lmsdesk.ui.main_window import NAVIGATION
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, sign_in

FREE = demo_id("course:offline-first-basics")
RESOLVED = demo_id("community:resume")
WELCOME = demo_id("community:welcome")
FIRST_SECTION = demo_id("offline-first-basics:s1")


def _wait(qtbot: QtBot, condition: Callable[[], object]) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=15_000)


def _writes(*answers: Composed | None) -> Callable[..., Composed | None]:
    queue = list(answers)
    return lambda **_options: queue.pop(0)


def test_a_student_reads_answers_asks_offline_and_the_news_clears(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "student@example.com", password=DEMO_PASSWORD)
    window = app.window
    navigation = window.navigation
    item = navigation.item([title for title, _role in NAVIGATION].index("Community"))
    _wait(qtbot, lambda: item.text() == "Community (2)")
    window.go_to_page("My learning")
    _wait(qtbot, lambda: FREE in window.my_learning_page.cards)
    card = window.my_learning_page.cards[FREE]
    _wait(qtbot, card.community.isVisible)
    assert card.community.text() == "2 new answers to your questions"

    card.community.click()  # opens the course's community, and reading it clears the news
    page = window.community_page
    _wait(qtbot, lambda: page.questions.count() >= 3)
    _wait(qtbot, lambda: item.text() == "Community")
    _wait(qtbot, lambda: not card.community.isVisible())
    titles = [page.questions.item(i).text() for i in range(page.questions.count())]
    assert any("Does my place in the video survive" in t and "resolved" in t for t in titles)
    assert any("at 0:12" in t for t in titles)

    row = next(
        i for i in range(page.questions.count()) if "Does my place" in page.questions.item(i).text()
    )
    page.questions.setCurrentRow(row)
    _wait(qtbot, lambda: page.view is not None and page.view.question is not None)
    assert page.view is not None
    assert page.view.question is not None
    question, answers = page.view.question
    assert question.id == RESOLVED
    assert answers[0].accepted
    assert answers[0].by_instructor

    link.cut()
    app.community.compose_text = _writes(Composed("Is the quiz timed?", "Asking before the trip."))
    app.community.ask()
    _wait(
        qtbot,
        lambda: any(
            "Is the quiz timed?" in page.questions.item(i).text()
            for i in range(page.questions.count())
        ),
    )
    line = next(
        page.questions.item(i).text()
        for i in range(page.questions.count())
        if "Is the quiz timed?" in page.questions.item(i).text()
    )
    assert "waiting to send" in line
    link.restore()
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        app.sync.sync_now()
    _wait(
        qtbot,
        lambda: any(
            "Is the quiz timed?" in page.questions.item(i).text()
            and "waiting" not in page.questions.item(i).text()
            for i in range(page.questions.count())
        ),
    )

    page.tabs.setCurrentIndex(1)
    _wait(qtbot, lambda: page.threads.count() >= 2)
    assert page.threads.item(0).text().startswith("[Pinned] Welcome!")
    page.threads.setCurrentRow(0)
    _wait(qtbot, lambda: page.view is not None and page.view.thread is not None)
    assert page.view is not None
    assert page.view.thread is not None
    thread, posts = page.view.thread
    assert thread.id == WELCOME
    assert [p.depth for p in posts] == [0, 1, 0]  # the instructor's reply under Nia's

    # A discussion of one section (a week, in a cohort course): offered in the dialog.
    offered: list[object] = []

    def write(**options: object) -> Composed:
        offered.extend(options.get("choices") or [])  # type: ignore[call-overload]
        return Composed("Notes on getting started", "My notes.", FIRST_SECTION)

    app.community.compose_text = write
    app.community.start_thread()
    _wait(
        qtbot,
        lambda: any(
            "Notes on getting started" in page.threads.item(i).text()
            and "Getting started" in page.threads.item(i).text().split("\n")[1]
            for i in range(page.threads.count())
        ),
    )
    assert ("Getting started", FIRST_SECTION) in offered


def test_an_instructor_answers_from_the_inbox(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "instructor@example.com", password=DEMO_PASSWORD)
    window = app.window
    window.go_to_page("Community")
    page = window.community_page
    _wait(qtbot, lambda: page.inbox.count() >= 1)
    assert page.tabs.isTabVisible(2)
    first = page.inbox.item(0)
    _course, question = first.data(0x0100)
    before = page.inbox.count()
    page.inbox.itemActivated.emit(first)
    _wait(
        qtbot,
        lambda: (
            page.view is not None
            and page.view.question is not None
            and page.view.question[0].id == question
        ),
    )
    app.community.compose_text = _writes(
        Composed(None, "The sync status icon: green means all sent.")
    )
    app.community.answer(question)
    _wait(qtbot, lambda: page.inbox.count() == before - 1)


def test_an_admin_hides_a_reported_reply(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "admin@example.com", password=DEMO_PASSWORD)
    window = app.window
    window.go_to_page("Moderation")
    page = window.moderation_page
    page.sections.setCurrentIndex(1)
    reports = page.reports
    _wait(qtbot, lambda: reports.queue.count() >= 1)
    assert page.sections.tabText(1).startswith("Reports (")
    row = next(
        i for i in range(reports.queue.count()) if "Study group" in reports.queue.item(i).text()
    )
    reports.queue.setCurrentRow(row)
    assert "password" in reports.excerpt.source_text
    app_reports: Any = app.reports
    app_reports.ask_note = lambda _report: Composed(None, "Phishing")
    reports.hide_button.click()
    _wait(
        qtbot,
        lambda: all(
            "Study group" not in reports.queue.item(i).text() for i in range(reports.queue.count())
        ),
    )
