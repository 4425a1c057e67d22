"""Every screen of every role at the smallest window the app allows (760x480) and at the default
size (1100x720): saved as PNGs to look at, and checked that nothing a person reads or clicks is
squashed below what it needs or pushed out of the window (tests/support/layout.py).

The PNGs go to $LMSDESK_SCREENSHOT_DIR when set, named <role>-<screen>-<width>x<height>.png.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application
from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.sync import CompleteLessonArgs
from lmsdesk.ui.compose_dialog import ComposeDialog
from lmsdesk.ui.quiz_view import QuizView
from lmsdesk.ui.reject_dialog import RejectDialog
from lmsdesk.ui.sync_panel import SyncPanel
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.support.layout import DEFAULT, MINIMUM, squashed
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, first_dialog, save_png, sign_in

FREE = demo_id("course:offline-first-basics")
PAID = demo_id("course:practical-sqlite")
VIDEO, TEXT, QUIZ = (demo_id(f"offline-first-basics:{k}") for k in ("video", "text", "quiz"))


class Looker:
    """Shows a screen at both sizes, saves what it looks like, and collects what is squashed."""

    def __init__(self, qtbot: QtBot, app: Application, shots: Path, role: str) -> None:
        self.qtbot = qtbot
        self.app = app
        self.shots = shots
        self.role = role
        self.problems: list[str] = []

    def look(self, screen: str, widget: QWidget | None = None) -> None:
        target = widget or self.app.window
        for width, height in (MINIMUM, DEFAULT):
            if target is self.app.window:
                target.resize(width, height)
            self.qtbot.wait(30)  # layouts settle as they would on screen
            save_png(target, self.shots / f"{self.role}-{screen}-{width}x{height}.png")
            self.problems += [
                f"{screen} at {width}x{height}: {problem}" for problem in squashed(target)
            ]

    def look_at_dialog(self, screen: str, dialog: QWidget) -> None:
        """A dialog keeps the size it chose; it must fit what it shows at that size."""
        self.qtbot.wait(30)
        save_png(dialog, self.shots / f"{self.role}-{screen}.png")
        self.problems += [f"{screen}: {problem}" for problem in squashed(dialog)]


def _wait(qtbot: QtBot, condition: Callable[[], object]) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=15_000)


def test_every_student_screen_fits(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, link: CuttableLink, shots: Path
) -> None:
    email = live_server.create_user(Role.STUDENT, name="Sam Student")
    live_server.enroll(email, FREE)
    app = start_app(link.url)
    app.purchases._open_url = lambda _url: False  # type: ignore[method-assign,assignment]
    looker = Looker(qtbot, app, shots, "student")
    dialog = first_dialog(qtbot, app)
    looker.look_at_dialog("sign-in", dialog)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, email)
    window = app.window

    catalog = window.catalog_page
    _wait(qtbot, lambda: catalog.items.count() >= 2)
    catalog.select(PAID)
    _wait(qtbot, lambda: catalog.detail.curriculum.topLevelItemCount() > 0)
    _wait(qtbot, catalog.detail.instructor_picture.isVisible)  # the demo instructor's picture
    looker.look("catalog")

    window.go_to_page("My learning")
    _wait(qtbot, lambda: window.my_learning_page.cards)
    looker.look("my-learning")

    app.learning.open_course(FREE, VIDEO)
    _wait(qtbot, lambda: window.lesson_page.lesson_title.text() == "Welcome (video)")
    looker.look("lesson-video")
    app.learning.open_course(FREE, TEXT)
    _wait(qtbot, lambda: window.lesson_page.content.currentWidget() is window.lesson_page.text)
    looker.look("lesson-text")
    app.learning.open_course(FREE, QUIZ)
    _wait(qtbot, lambda: window.lesson_page.quiz_holder.findChild(QuizView) is not None)
    _wait(
        qtbot, lambda: window.lesson_page.content.currentWidget() is window.lesson_page.quiz_holder
    )
    looker.look("lesson-quiz")

    window.go_to_page("Catalog")
    catalog.select(PAID)
    catalog.detail.action.click()  # no browser opens: the link is shown to copy
    panel = app.purchases.panel
    _wait(qtbot, panel.isVisible)
    looker.look_at_dialog("checkout-no-browser", panel)
    panel.close()

    window.go_to_page("Community")
    community = window.community_page
    _wait(qtbot, lambda: community.questions.count() >= 3)
    community.questions.setCurrentRow(community.questions.count() - 1)  # the resolved one
    _wait(qtbot, lambda: community.view is not None and community.view.question is not None)
    looker.look("community-question")
    community.tabs.setCurrentIndex(1)
    community.threads.setCurrentRow(0)
    _wait(qtbot, lambda: community.view is not None and community.view.thread is not None)
    looker.look("community-discussion")
    ask = ComposeDialog(window, window_title="Ask a question", action="Ask", with_title=True)
    ask.show()
    looker.look_at_dialog("community-ask", ask)
    ask.reject()
    discuss = ComposeDialog(
        window,
        window_title="New discussion",
        action="Start discussion",
        with_title=True,
        choices=[("Getting started", None), ("Check yourself", None)],
        choice_label="Section or week (optional)",
    )
    discuss.show()
    looker.look_at_dialog("community-new-discussion", discuss)
    discuss.reject()

    window.go_to_page("Cart")
    looker.look("cart-empty")
    for course in ("course:sync-engines", "course:practical-sqlite"):
        app.cart.add(demo_id(course))
    qtbot.waitUntil(lambda: window.cart_page.table.rowCount() == 2, timeout=10_000)
    looker.look("cart")
    window.go_to_page("Purchases")
    looker.look("purchases")
    window.go_to_page("Account")
    looker.look("account")

    engine = app.session.sync_engine
    assert engine is not None
    for lesson in (VIDEO, TEXT, QUIZ):
        engine.record(
            m.COMPLETE_LESSON,
            CompleteLessonArgs(lesson_id=lesson, completed_at="2026-11-23T09:00:00Z"),  # type: ignore[arg-type]
        )
    for _ in range(2):  # the certificate issued by the push comes down in the next pull
        with qtbot.waitSignal(app.sync.finished, timeout=20_000):
            app.sync.sync_now()
    window.go_to_page("My learning")
    _wait(
        qtbot,
        lambda: any(
            card.certificate_button.isVisible() for card in window.my_learning_page.cards.values()
        ),
    )
    looker.look("my-learning-complete")
    card = next(
        c for c in window.my_learning_page.cards.values() if c.certificate_button.isVisible()
    )
    card.certificate_button.click()
    assert app.learning.certificate_dialog is not None
    looker.look_at_dialog("certificate", app.learning.certificate_dialog)
    app.learning.certificate_dialog.close()

    window.sync_panel_requested.emit()
    _wait(qtbot, lambda: window.findChild(SyncPanel) is not None)
    sync_panel = window.findChild(SyncPanel)
    assert sync_panel is not None
    looker.look_at_dialog("sync-panel", sync_panel)
    assert not looker.problems, "\n".join(looker.problems)


def test_every_instructor_screen_fits(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink, shots: Path
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "instructor@example.com", password=DEMO_PASSWORD)
    looker = Looker(qtbot, app, shots, "instructor")
    window = app.window
    window.go_to_page("Authoring")
    page = window.authoring_page
    _wait(qtbot, lambda: page.courses.count() >= 2)
    looker.look("authoring-list")
    page.offers_button.click()
    offers = app.offers.dialog
    assert offers is not None
    _wait(qtbot, lambda: offers.course.count() == 2)
    looker.look_at_dialog("offers", offers)
    offers.reject()

    draft = next(i for i in range(page.courses.count()) if "\nDraft" in page.courses.item(i).text())
    page.courses.itemClicked.emit(page.courses.item(draft))
    editor = page.editor
    _wait(qtbot, lambda: editor.isVisible() and editor.tree.topLevelItemCount() > 0)
    looker.look("editor-details")
    first_section = editor.tree.topLevelItem(0)
    for index in range(first_section.childCount()):
        editor.tree.setCurrentItem(first_section.child(index))
        qtbot.wait(200)
        looker.look(f"editor-lesson-{index + 1}")
    quiz_section = editor.tree.topLevelItem(editor.tree.topLevelItemCount() - 1)
    editor.tree.setCurrentItem(quiz_section.child(0))
    _wait(qtbot, lambda: editor.quiz_editor.questions.count() > 0)
    looker.look("editor-quiz")
    window.go_to_page("Community")
    community = window.community_page
    _wait(qtbot, lambda: community.inbox.count() >= 1)
    community.tabs.setCurrentIndex(2)
    looker.look("community-inbox")
    assert not looker.problems, "\n".join(looker.problems)


def test_every_admin_screen_fits(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink, shots: Path
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "admin@example.com", password=DEMO_PASSWORD)
    looker = Looker(qtbot, app, shots, "admin")
    window = app.window
    window.go_to_page("Moderation")
    page = window.moderation_page
    _wait(qtbot, lambda: page.queue.count() >= 1)
    page.queue.setCurrentRow(0)
    _wait(qtbot, lambda: page.review is not None)
    looker.look("moderation-review")
    assert page.review is not None
    dialog = RejectDialog(page.review, page.course_title.text(), page)
    dialog.show()
    looker.look_at_dialog("send-back", dialog)
    dialog.reject()
    page.sections.setCurrentIndex(1)
    _wait(qtbot, lambda: page.reports.queue.count() >= 1)
    page.reports.queue.setCurrentRow(0)
    looker.look("moderation-reports")

    window.go_to_page("Admin")
    admin = window.admin_page
    _wait(qtbot, lambda: admin.users.topLevelItemCount() >= 3)
    admin.users.setCurrentItem(admin.users.topLevelItem(0))
    _wait(qtbot, lambda: admin.detail is not None)
    looker.look("admin-users")
    for index, name in ((1, "admin-categories"), (2, "admin-courses"), (3, "admin-audit")):
        admin.tabs.setCurrentIndex(index)
        looker.look(name)
    assert not looker.problems, "\n".join(looker.problems)


def test_the_signed_out_window_fits(
    qtbot: QtBot, start_app: AppFactory, link: CuttableLink, shots: Path
) -> None:
    app = start_app(link.url)
    first_dialog(qtbot, app).reject()
    looker = Looker(qtbot, app, shots, "nobody")
    looker.look("signed-out")
    assert not looker.problems, "\n".join(looker.problems)


def test_the_account_screens_fit(
    qtbot: QtBot, start_app: AppFactory, live_server: LiveServer, shots: Path
) -> None:
    app = start_app(live_server.url)
    looker = Looker(qtbot, app, shots, "newcomer")
    sign_in_dialog = first_dialog(qtbot, app)

    def opened(action: Callable[[], object]) -> Any:
        with qtbot.waitSignal(app.account.dialog_shown, timeout=10_000) as shown:
            action()
        return shown.args[0]

    reset = opened(sign_in_dialog.forgot_button.click)
    looker.look_at_dialog("reset-password", reset)
    reset.email.setText("newcomer@example.com")
    reset.show_code_step()
    looker.look_at_dialog("reset-password-code", reset)
    reset.reject()

    sign_up = opened(sign_in_dialog.sign_up_button.click)
    sign_up.name.setText("Nia Newcomer")
    sign_up.email.setText("newcomer@example.com")
    sign_up.password.setText("password")
    looker.look_at_dialog("sign-up-weak-password", sign_up)
    sign_up.password.setText("quiet lantern orchard 42")
    sign_up.terms.setChecked(True)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_up.create_button.click()
    window = app.window
    _wait(qtbot, window.verify_banner.isVisible)
    window.go_to_page("Account")
    _wait(qtbot, window.account_page.profile_card.isVisible)
    looker.look("account-unverified")

    setup = opened(window.account_page.two_factor_button.click)
    looker.look_at_dialog("two-factor-setup", setup)
    setup.show_recovery_codes([f"abcd-efgh-{n:04d}" for n in range(10)])
    looker.look_at_dialog("two-factor-recovery-codes", setup)
    setup.reject()
    change = opened(window.account_page.password_button.click)
    looker.look_at_dialog("change-password", change)
    change.reject()
    assert not looker.problems, "\n".join(looker.problems)
