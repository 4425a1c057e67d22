"""Drives the Admin page: searches users and reads the audit on the server, loads categories
and courses from the mirror, asks for what a decision needs (a reason, a name, an amount),
queues the decision and asks for a sync. Refusals come back in the page's decision list."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from lmsdesk.contracts.admin import AdminUserDetail
from lmsdesk.contracts.common import Role
from lmsdesk.services.admin_console import AdminConsole, AdminProblem, CategoryRow
from lmsdesk.ui.admin_page import AdminPage
from lmsdesk.ui.failures import explain
from lmsdesk.ui.tasks import Lane, TaskManager

_log = logging.getLogger(__name__)

#: (title, question, prefilled) -> the answer, or None when cancelled.
AskText = Callable[[str, str, str], str | None]
#: (title, question, [(label, value)]) -> the value picked, or None.
AskChoice = Callable[[str, str, list[tuple[str, Any]]], Any]


class AdminController(QObject):
    def __init__(
        self,
        *,
        page: AdminPage,
        service: AdminConsole,
        tasks: TaskManager,
        sync_now: Callable[[], None],
        notify: Callable[[str], None],
        ask_text: AskText | None = None,
        ask_choice: AskChoice | None = None,
    ) -> None:
        super().__init__(page)
        self._page, self._service, self._tasks = page, service, tasks
        self._sync_now, self.notify = sync_now, notify
        self.ask_text: AskText = ask_text or self._text_dialog
        self.ask_choice: AskChoice = ask_choice or self._choice_dialog
        self._categories: list[CategoryRow] = []
        self._selected_user: uuid.UUID | None = None
        page.search_requested.connect(self.search)
        page.user_selected.connect(self.select_user)
        page.roles_saved.connect(self.save_roles)
        page.active_requested.connect(self.set_active)
        page.grant_requested.connect(self.grant)
        page.refund_requested.connect(self.refund)
        page.category_add_requested.connect(self.add_category)
        page.category_rename_requested.connect(self.rename_category)
        page.category_move_requested.connect(self.move_category)
        page.category_delete_requested.connect(self.delete_category)
        page.archive_requested.connect(self.archive)
        page.program_requested.connect(self.new_program)
        page.audit_requested.connect(self.load_audit)
        page.decision_dismissed.connect(self.dismiss)

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """The mirror's part (after sign-in and every sync) and, online, the server's part."""
        service = self._service

        def load() -> tuple[Any, Any, Any, Any]:
            return service.categories(), service.courses(), service.decisions(), service.programs()

        self._tasks.run(load, on_success=self._show_local, on_failure=self._failed)
        self.search(self._page.query.text(), self._page.role_filter.currentData())
        self.load_audit(self._page.audit_filter.currentData() or "")
        if self._selected_user is not None:
            self.select_user(self._selected_user)

    def _show_local(self, loaded: tuple[Any, Any, Any, Any]) -> None:
        categories, courses, decisions, programs = loaded
        self._page.show_programs(programs)
        self._categories = categories
        self._page.show_categories(categories)
        self._page.show_courses(courses)
        self._page.show_decisions(decisions)

    def search(self, text: str, role: Role | None) -> None:
        self._tasks.run(
            lambda: self._service.users(text, role),
            on_success=self._page.show_users,
            on_failure=lambda error: self._page.show_users(None, self._say(error)),
            lane=Lane.IO,
        )

    def select_user(self, user_id: uuid.UUID) -> None:
        self._selected_user = user_id
        self._tasks.run(
            lambda: self._service.user(user_id),
            on_success=self._show_user,
            on_failure=self._failed,
            lane=Lane.IO,
        )

    def _show_user(self, detail: AdminUserDetail) -> None:
        if detail.user.id == self._selected_user:  # not one clicked past meanwhile
            self._page.show_user(detail)

    def load_audit(self, action: str) -> None:
        self._tasks.run(
            lambda: self._service.audit(action),
            on_success=self._page.show_audit,
            on_failure=lambda error: self._page.show_audit(None, self._say(error)),
            lane=Lane.IO,
        )

    # ------------------------------------------------------------------ decisions
    def save_roles(self, user_id: uuid.UUID, roles: set[Role]) -> None:
        self._decide(lambda: self._service.set_roles(user_id, roles), "Role change queued.")

    def set_active(self, user_id: uuid.UUID, active: bool) -> None:
        reason = ""
        if not active:
            answer = self.ask_text(
                "Suspend user",
                "Why? (The audit keeps it.) Every sign-in of the account ends.",
                "",
            )
            if answer is None:
                return
            reason = answer
        self._decide(
            lambda: self._service.set_active(user_id, active, reason),
            "Reactivation queued." if active else "Suspension queued.",
        )

    def grant(self, user_id: uuid.UUID) -> None:
        def pick(courses: list[Any]) -> None:
            options = [(c.title, c.id) for c in courses if not c.archived]
            course = self.ask_choice("Grant a course", "Which course?", options)
            if course is None:
                return
            reason = self.ask_text("Grant a course", "Why? (A scholarship, a support case…)", "")
            if reason is not None:
                self._decide(lambda: self._service.grant(user_id, course, reason), "Grant queued.")

        self._tasks.run(self._service.courses, on_success=pick, on_failure=self._failed)

    def refund(self, order_id: uuid.UUID) -> None:
        amount = self.ask_text(
            "Refund",
            "Amount to refund (for example 5.00), or empty for all that is left:",
            "",
        )
        if amount is None:
            return
        try:
            cents = round(float(amount.replace(",", ".")) * 100) if amount.strip() else None
        except ValueError:
            self.notify(f"“{amount}” is not an amount.")
            return
        reason = self.ask_text("Refund", "Why? (The audit keeps it.)", "")
        if reason is not None:
            self._decide(
                lambda: self._service.refund(order_id, cents, reason),
                "Refund queued: it goes to the payment provider at the next sync.",
            )

    def new_program(self, course_ids: list[uuid.UUID]) -> None:
        title = self.ask_text("New program", "The program's title:", "")
        if title:
            self._decide(
                lambda: self._service.create_program(title, course_ids),
                "Program saved: it reaches the server at the next sync.",
            )

    def add_category(self, parent: uuid.UUID | None) -> None:
        name = self.ask_text("New category", "Name:", "")
        if name:
            self._decide(lambda: self._service.add_category(name, parent), "Category added.")

    def rename_category(self, category_id: uuid.UUID) -> None:
        current = next((c.name for c in self._categories if c.id == category_id), "")
        name = self.ask_text("Rename category", "New name:", current)
        if name and name != current:
            self._decide(
                lambda: self._service.change_category(category_id, name=name), "Category renamed."
            )

    def move_category(self, category_id: uuid.UUID) -> None:
        options: list[tuple[str, Any]] = [("(top level)", "top")] + [
            (c.name, c.id) for c in self._categories if c.id != category_id
        ]
        target = self.ask_choice("Move category", "Move under:", options)
        if target is None:
            return
        self._decide(
            lambda: self._service.change_category(
                category_id, parent=None if target == "top" else target, to_top=target == "top"
            ),
            "Category moved.",
        )

    def delete_category(self, category_id: uuid.UUID) -> None:
        self._decide(lambda: self._service.delete_category(category_id), "Category deleted.")

    def archive(self, course_id: uuid.UUID, archive: bool) -> None:
        reason = ""
        if archive:
            answer = self.ask_text("Archive course", "Why? (Its instructor reads it.)", "")
            if answer is None:
                return
            reason = answer
        self._decide(
            lambda: self._service.set_archived(course_id, archive, reason),
            "Course archived." if archive else "Course restored.",
        )

    def dismiss(self, seq: int) -> None:
        self._tasks.run(
            lambda: self._service.dismiss(seq),
            on_success=lambda _none: self.refresh(),
            on_failure=self._failed,
        )

    # ------------------------------------------------------------------ helpers
    def _decide(self, decide: Callable[[], int], done: str) -> None:
        def decided(_seq: int) -> None:
            self.notify(done)
            self.refresh()
            self._sync_now()

        self._tasks.run(decide, on_success=decided, on_failure=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.notify(self._say(error))

    @staticmethod
    def _say(error: BaseException) -> str:
        if isinstance(error, AdminProblem):
            return error.message
        return explain(error, doing="working in the admin console") or "That did not work."

    def _text_dialog(self, title: str, question: str, prefilled: str) -> str | None:
        text, ok = QInputDialog.getText(
            self._parent(), title, question, QLineEdit.EchoMode.Normal, prefilled
        )
        return text.strip() if ok else None

    def _choice_dialog(self, title: str, question: str, options: list[tuple[str, Any]]) -> Any:
        if not options:
            self.notify("There is nothing to choose from.")
            return None
        labels = [label for label, _value in options]
        picked, ok = QInputDialog.getItem(self._parent(), title, question, labels, 0, False)
        return dict(options)[picked] if ok else None

    def _parent(self) -> QWidget:
        return self._page
