"""Insights (instructors): a course's (or all courses') enrollments, revenue and refunds over
time, active students, completion, the lesson funnel, the hardest quiz questions and the
rating over time; a date range, CSV export, and the last copy when offline.

The charts (pyqtgraph) are built the first time the page is shown: the app's start never waits
for the charting library.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
)

from lmsdesk.contracts.analytics import CourseFunnel, CourseMetrics
from lmsdesk.ui.pages import heading
from lmsdesk.ui.report_parts import ReportFrame, amount

if TYPE_CHECKING:
    from lmsdesk.ui.charts import DailyChart, ItemChart

FIGURES = [
    "Enrollments",
    "Revenue",
    "Refunds",
    "Active students",
    "Completion rate",
    "Average rating",
]


class InsightsPage(ReportFrame):
    """`reload_requested` also when the course changes (None: all of them)."""

    title = "Insights"

    def __init__(self) -> None:
        self.course = QComboBox()
        self.course.setAccessibleName("Course")
        self.course.setMinimumContentsLength(14)
        self.course.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.course.addItem("All your courses", None)
        super().__init__(
            FIGURES, "Open a course's figures here once you have published one.", self.course
        )
        self.frame.setContentsMargins(28, 24, 28, 16)
        self.frame.insertLayout(
            0, heading("Insights", "How your courses sell, and where students stop.")
        )
        self.refresh.setToolTip("Fetch the figures again (Ctrl+R)")
        self.sales: DailyChart | None = None
        self.enrollments: DailyChart | None = None
        self.active: DailyChart | None = None
        self.rating: DailyChart | None = None
        self.funnel: ItemChart | None = None
        self.questions: ItemChart | None = None
        self.course.currentIndexChanged.connect(lambda _i: self.reload_requested.emit())
        # Ctrl+R: F5 is the window's "check the connection".
        QShortcut(QKeySequence("Ctrl+R"), self, self.reload_requested.emit)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export_requested.emit)

    # ------------------------------------------------------------ building
    def showEvent(self, event: QShowEvent) -> None:
        self.build_charts()
        super().showEvent(event)

    def build_charts(
        self,
    ) -> tuple[DailyChart, DailyChart, DailyChart, DailyChart, ItemChart, ItemChart]:
        """The six charts (built on first use): sales, enrollments, active, rating, funnel,
        questions."""
        if (
            self.sales is not None
            and self.enrollments is not None
            and self.active is not None
            and self.rating is not None
            and self.funnel is not None
            and self.questions is not None
        ):
            return (
                self.sales,
                self.enrollments,
                self.active,
                self.rating,
                self.funnel,
                self.questions,
            )
        from lmsdesk.ui.charts import DailyChart, ItemChart, one_decimal, whole

        self.sales = DailyChart("Revenue and refunds", "Amount")
        self.enrollments = DailyChart("Enrollments and completions", "Students", whole)
        self.active = DailyChart("Students active each day", "Students", whole)
        self.funnel = ItemChart("Lesson funnel", "Students", whole)
        self.questions = ItemChart("Hardest quiz questions", "% correct", one_decimal)
        self.rating = DailyChart("Average rating", "Stars (1–5)", lambda v: f"{v:.2f}")
        for chart, name in (
            (self.sales, "Revenue"),
            (self.enrollments, "Enrollments"),
            (self.active, "Active students"),
            (self.funnel, "Funnel"),
            (self.questions, "Questions"),
            (self.rating, "Rating"),
        ):
            self.tabs.addTab(chart, name)
        return self.build_charts()

    def set_courses(self, courses: list[tuple[uuid.UUID, str]]) -> None:
        chosen = self.course_id()
        self.course.blockSignals(True)
        self.course.clear()
        self.course.addItem("All your courses", None)
        for course_id, title in courses:
            self.course.addItem(title, course_id)
        self.course.setCurrentIndex(max(0, self.index_of(chosen)))
        self.course.blockSignals(False)

    def index_of(self, course_id: uuid.UUID | None) -> int:
        """The course's row in the picker (0, "All your courses", for None; -1 if absent)."""
        found = [i for i in range(self.course.count()) if self.course.itemData(i) == course_id]
        return found[0] if found else -1

    def course_id(self) -> uuid.UUID | None:
        data = self.course.currentData()
        return data if isinstance(data, uuid.UUID) else None

    # ------------------------------------------------------------ showing
    def show_report(self, metrics: CourseMetrics, funnel: CourseFunnel | None, status: str) -> None:
        from lmsdesk.ui.charts import Series, money

        sales, enrollments, active, rating = self.build_charts()[:4]
        totals, currency = metrics.totals, metrics.currency
        self.figures.set("Enrollments", f"{totals.enrollments:,}")
        self.figures.set("Revenue", amount(totals.revenue_cents, currency))
        self.figures.set("Refunds", f"{totals.refunds} · {amount(totals.refunded_cents, currency)}")
        self.figures.set("Active students", f"{totals.active_students:,}")
        self.figures.set("Completion rate", f"{totals.completion_rate:.1f} %")
        stars = totals.average_rating
        self.figures.set("Average rating", "no ratings" if stars is None else f"{stars:.2f} / 5")
        days = [d.day for d in metrics.days]
        sales.formatter = money(currency)
        sales.plot.setLabel("left", currency)
        sales.show_days(
            days,
            [
                Series("Revenue", [d.revenue_cents / 100 for d in metrics.days]),
                Series("Refunds", [d.refunded_cents / 100 for d in metrics.days]),
            ],
        )
        enrollments.show_days(
            days,
            [
                Series("Enrollments", [d.enrollments for d in metrics.days]),
                Series("Completions", [d.completions for d in metrics.days]),
                Series("Detail views", [d.detail_views for d in metrics.days], kind="line"),
            ],
        )
        active.show_days(
            days, [Series("Active", [d.active_students for d in metrics.days], kind="line")]
        )
        rating.show_days(
            days, [Series("Average", [d.average_rating for d in metrics.days], kind="line")]
        )
        self._show_funnel(funnel)
        self.showing(status)

    def _show_funnel(self, funnel: CourseFunnel | None) -> None:
        from lmsdesk.ui.charts import Series

        _s, _e, _a, _r, funnel_chart, questions_chart = self.build_charts()
        for index in (3, 4):
            self.tabs.setTabEnabled(index, funnel is not None)
            self.tabs.setTabToolTip(index, "" if funnel else "Pick one course to see this.")
        if funnel is None:
            if self.tabs.currentIndex() in (3, 4):
                self.tabs.setCurrentIndex(0)
            return
        lessons = funnel.lessons
        funnel_chart.show_items(
            [lesson.title for lesson in lessons],
            [
                Series("Started", [lesson.started for lesson in lessons]),
                Series("Completed", [lesson.completed for lesson in lessons]),
                Series("Stopped here", [lesson.dropped for lesson in lessons]),
            ],
        )
        questions = funnel.questions[:20]
        questions_chart.show_items(
            [f"{q.prompt} ({q.quiz_title})" for q in questions],
            [Series("% correct", [q.percent_correct for q in questions])],
        )
