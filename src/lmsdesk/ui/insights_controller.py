"""Insights (instructors) and the admin's Overview: reports fetched off the UI thread when the
page is shown, after each sync while it is open, and when the range or course changes; the
kept copy when offline; CSV export to a file the user picks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from lmsdesk.contracts.analytics import CourseMetrics, PlatformMetrics
from lmsdesk.services.insights import CourseInsights, Fetched, InsightsService
from lmsdesk.ui.failures import explain
from lmsdesk.ui.insights_page import InsightsPage
from lmsdesk.ui.overview_panel import OverviewPanel
from lmsdesk.ui.report_parts import freshness
from lmsdesk.ui.tasks import Lane, TaskManager

SavePath = Callable[[QWidget, str], Path | None]


def _save_dialog(parent: QWidget, suggested: str) -> Path | None:
    name, _filter = QFileDialog.getSaveFileName(
        parent, "Export the figures", str(Path.home() / suggested), "CSV (*.csv)"
    )
    return Path(name) if name else None


class InsightsController(QObject):
    def __init__(
        self,
        *,
        page: InsightsPage,
        overview: OverviewPanel,
        service: InsightsService,
        tasks: TaskManager,
        notify: Callable[[str], None],
        save_path: SavePath = _save_dialog,
    ) -> None:
        super().__init__()
        self._page, self._overview = page, overview
        self._service, self._tasks, self._notify = service, tasks, notify
        self.save_path = save_path
        self.metrics: CourseMetrics | None = None
        self.platform: PlatformMetrics | None = None
        #: Requests answered out of order: only the newest one is shown.
        self._asked = 0
        page.reload_requested.connect(self.load)
        page.export_requested.connect(lambda: self._export(self.metrics, page))
        overview.reload_requested.connect(self.load_overview)
        overview.export_requested.connect(lambda: self._export(self.platform, overview))

    # ------------------------------------------------------------ instructors
    def refresh(self) -> None:
        """The course list from the laptop, then the figures from the server."""

        def listed(courses: list[tuple[uuid.UUID, str]]) -> None:
            self._page.set_courses(courses)
            self.load()

        self._tasks.run(self._service.courses, on_success=listed, on_failure=self._failed)

    def load(self) -> None:
        course = self._page.course_id()
        start, end = self._page.range.span()
        self._asked += 1
        asked = self._asked

        def shown(result: CourseInsights) -> None:
            if asked != self._asked:
                return
            fetched = result.metrics
            self.metrics = fetched.report
            funnel = result.funnel.report if result.funnel else None
            self._page.show_report(fetched.report, funnel, self._status(fetched))

        def failed(error: BaseException) -> None:
            if asked == self._asked:
                self.metrics = None
                self._page.show_problem(explain(error, doing="loading the figures") or "")

        self._page.status.setText("Fetching the figures…")
        self._tasks.run(
            lambda: self._service.course(course, start, end),
            on_success=shown,
            on_failure=failed,
            lane=Lane.IO,
        )

    # ------------------------------------------------------------ admins
    def load_overview(self) -> None:
        start, end = self._overview.range.span()

        def shown(fetched: Fetched[PlatformMetrics]) -> None:
            self.platform = fetched.report
            self._overview.show_report(fetched.report, self._status(fetched))

        def failed(error: BaseException) -> None:
            self.platform = None
            self._overview.show_problem(explain(error, doing="loading the overview") or "")

        self._overview.status.setText("Fetching the figures…")
        self._tasks.run(
            lambda: self._service.platform(start, end),
            on_success=shown,
            on_failure=failed,
            lane=Lane.IO,
        )

    # ------------------------------------------------------------ shared
    @staticmethod
    def _status(fetched: Fetched[CourseMetrics] | Fetched[PlatformMetrics]) -> str:
        report = fetched.report
        text = freshness(fetched.fresh, fetched.fetched_at, report.computed_at)
        if not fetched.fresh:
            text += f" Range: {report.start:%d %b %Y} – {report.end:%d %b %Y}."
        return text

    def _failed(self, error: BaseException) -> None:
        self._page.show_problem(explain(error, doing="listing your courses") or "")

    def _export(self, report: CourseMetrics | PlatformMetrics | None, parent: QWidget) -> None:
        if report is None:
            return
        target = self.save_path(parent, f"lmsdesk-figures-{report.start}-{report.end}.csv")
        if target is None:
            return
        self._tasks.run(
            lambda: self._service.export_csv(report, target),
            on_success=lambda path: self._notify(f"Figures saved as {path.name}."),
            on_failure=lambda error: self._notify(explain(error, doing="saving the CSV") or ""),
            lane=Lane.IO,
        )
