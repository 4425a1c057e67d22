"""Drives the Reports queue of the Moderation page: loads open reports on the database lane and
records an admin's decision (hide everywhere, with an optional note for the audit; or dismiss),
which waits in the outbox like every decision and is taken out of the queue at once."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from lmsdesk.contracts.community import PostKind
from lmsdesk.services.community import CommunityService
from lmsdesk.services.community_views import ReportItem
from lmsdesk.ui.compose_dialog import Composed, compose
from lmsdesk.ui.failures import explain
from lmsdesk.ui.moderation_page import ModerationPage, reports_tab_text
from lmsdesk.ui.tasks import TaskManager

_log = logging.getLogger(__name__)


class ReportsController(QObject):
    def __init__(
        self,
        *,
        page: ModerationPage,
        service: CommunityService,
        tasks: TaskManager,
        ask_note: Callable[[ReportItem], Composed | None] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(page)
        self._page, self._service, self._tasks = page, service, tasks
        self.ask_note = ask_note or self._note_dialog
        self.notify = notify or (lambda _text: None)
        page.reports.hide_requested.connect(self.hide)
        page.reports.dismiss_requested.connect(self.dismiss)

    def refresh(self) -> None:
        self._tasks.run(self._service.reports, on_success=self._show, on_failure=self._quiet)

    def _show(self, reports: list[ReportItem]) -> None:
        self._page.reports.show_reports(reports)
        self._page.sections.setTabText(1, reports_tab_text(len(reports)))

    def _quiet(self, error: BaseException) -> None:
        _log.info("reports not shown: %s", error)

    def hide(self, report: ReportItem | None) -> None:
        if report is None:
            return
        note = self.ask_note(report)
        if note is not None:
            self._decide(report, hide=True, note=note.body)

    def dismiss(self, report: ReportItem | None) -> None:
        if report is not None:
            self._decide(report, hide=False, note="")

    def _decide(self, report: ReportItem, *, hide: bool, note: str) -> None:
        service = self._service
        kind = PostKind(report.kind)

        def decided(_result: object) -> None:
            self.notify(
                "Hidden; it leaves every device at their next sync."
                if hide
                else "Reports dismissed."
            )
            self.refresh()

        def failed(error: BaseException) -> None:
            message = explain(error, doing="saving the decision")
            if message:
                QMessageBox.warning(self._page, "Reports", message)

        self._tasks.run(
            lambda: service.moderate(kind, report.target_id, hide, note),
            on_success=decided,
            on_failure=failed,
        )

    def _note_dialog(self, report: ReportItem) -> Composed | None:
        return compose(
            self._page,
            window_title="Hide everywhere",
            action="Hide",
            with_title=False,
            body_label="Note for the audit (optional)",
            body_min=0,
            body_max=2000,
            hint=f"“{report.context_title}” leaves every device at their next sync. "
            "Its author keeps no copy on the server's public lists.",
        )
