"""The admin console's Overview: the platform's revenue, orders, refunds, new users and
conversion from a course's details to its purchase, over a date range; the top courses; CSV
export; the last copy when offline. Charts are built when the tab is first shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)

from lmsdesk.contracts.analytics import PlatformMetrics
from lmsdesk.ui.report_parts import ReportFrame, amount

if TYPE_CHECKING:
    from lmsdesk.ui.charts import DailyChart

FIGURES = ["Revenue", "Orders", "Refunds", "New users", "Detail views", "Conversion"]


class OverviewPanel(ReportFrame):
    def __init__(self) -> None:
        super().__init__(FIGURES, "The figures come from the server.")
        self.revenue: DailyChart | None = None
        self.people: DailyChart | None = None
        self.top = QTableWidget(0, 4)
        self.top.setHorizontalHeaderLabels(["Course", "Revenue", "Orders", "Enrollments"])
        self.top.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.top.verticalHeader().setVisible(False)
        header = self.top.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def showEvent(self, event: QShowEvent) -> None:
        self.build_charts()
        super().showEvent(event)

    def build_charts(self) -> tuple[DailyChart, DailyChart]:
        if self.revenue is not None and self.people is not None:
            return self.revenue, self.people
        from lmsdesk.ui.charts import DailyChart, whole

        self.revenue = DailyChart("Revenue and refunds", "Amount")
        self.people = DailyChart("New users, orders and detail views", "Count", whole)
        self.tabs.addTab(self.revenue, "Revenue")
        self.tabs.addTab(self.people, "People")
        self.tabs.addTab(self.top, "Top courses")
        return self.revenue, self.people

    def show_report(self, report: PlatformMetrics, status: str) -> None:
        from lmsdesk.ui.charts import Series, money

        revenue, people = self.build_charts()
        totals, currency = report.totals, report.currency
        self.figures.set("Revenue", amount(totals.revenue_cents, currency))
        self.figures.set("Orders", f"{totals.orders:,}")
        self.figures.set("Refunds", f"{totals.refunds} · {amount(totals.refunded_cents, currency)}")
        self.figures.set("New users", f"{totals.new_users:,}")
        self.figures.set("Detail views", f"{totals.detail_views:,}")
        self.figures.set(
            "Conversion",
            f"{totals.conversion_percent:.1f} % ({totals.converted} of {totals.viewers})",
        )
        days = [d.day for d in report.days]
        revenue.formatter = money(currency)
        revenue.plot.setLabel("left", currency)
        revenue.show_days(
            days,
            [
                Series("Revenue", [d.revenue_cents / 100 for d in report.days]),
                Series("Refunds", [d.refunded_cents / 100 for d in report.days]),
            ],
        )
        people.show_days(
            days,
            [
                Series("New users", [d.new_users for d in report.days]),
                Series("Orders", [d.orders for d in report.days]),
                Series("Detail views", [d.detail_views for d in report.days], kind="line"),
            ],
        )
        self.top.setRowCount(len(report.top_courses))
        for row, course in enumerate(report.top_courses):
            cells = [
                course.title,
                amount(course.revenue_cents, currency),
                f"{course.orders:,}",
                f"{course.enrollments:,}",
            ]
            for column, text in enumerate(cells):
                self.top.setItem(row, column, QTableWidgetItem(text))
        self.showing(status)
