"""The admins' Reports queue (a tab of the Moderation page): what people reported, oldest
first, each with the item as it was reported, who reported it and why; hide it everywhere or
dismiss the reports. Works offline: decisions wait to be sent like the course reviews."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.community_views import ReportItem
from lmsdesk.ui.markdown_text import MarkdownLabel
from lmsdesk.ui.post_card import when

ID_ROLE = Qt.ItemDataRole.UserRole
KIND_WORDS = {
    "question": "Question",
    "answer": "Answer",
    "thread": "Discussion",
    "post": "Reply",
    "review": "Review",
}


def report_line(report: ReportItem) -> str:
    others = len(report.also_reported_by)
    count = f" · {others + 1} reports" if others else ""
    return (
        f"{report.context_title}\n"
        f"{KIND_WORDS.get(report.kind, report.kind)} · {report.course_title} · "
        f"{when(report.created_at)}{count}"
    )


class ReportsPanel(QWidget):
    hide_requested = Signal(object)  # ReportItem
    dismiss_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.reports: dict[int, ReportItem] = {}
        self.selected: ReportItem | None = None
        self.queue = QListWidget()
        self.queue.setObjectName("courseList")
        self.queue.setAccessibleName("Reports, oldest first")
        self.queue.setWordWrap(True)
        self.queue.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue.currentItemChanged.connect(self._picked)
        self.empty = QLabel("No reports waiting. Reported posts and reviews appear here.")
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(self.queue, 1)
        left_layout.addWidget(self.empty, 1)

        self.where = QLabel()
        self.where.setObjectName("pageSubtitle")
        self.where.setWordWrap(True)
        self.item_title = QLabel()
        self.item_title.setObjectName("cardTitle")
        self.item_title.setWordWrap(True)
        self.author = QLabel()
        self.author.setObjectName("pageSubtitle")
        self.excerpt = MarkdownLabel()
        self.reason = QLabel()
        self.reason.setObjectName("feedbackBanner")
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.hide_button = QPushButton("Hide everywhere…")
        self.hide_button.setObjectName("primary")
        self.hide_button.setToolTip("Remove it from every device at their next sync (Ctrl+Shift+H)")
        self.hide_button.setShortcut("Ctrl+Shift+H")
        self.hide_button.clicked.connect(lambda: self.hide_requested.emit(self.selected))
        self.dismiss_button = QPushButton("Dismiss reports")
        self.dismiss_button.setToolTip("Nothing wrong: keep it and close its reports")
        self.dismiss_button.clicked.connect(lambda: self.dismiss_requested.emit(self.selected))
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.dismiss_button)
        actions.addWidget(self.hide_button)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 0, 8, 0)
        for widget in (self.where, self.item_title, self.author, self.excerpt, self.reason):
            body_layout.addWidget(widget)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(scroll, 1)
        detail_layout.addLayout(actions)
        nothing = QLabel("Pick a report to see what was reported and why.")
        nothing.setObjectName("emptyState")
        nothing.setWordWrap(True)
        nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QStackedWidget()
        self.detail.addWidget(nothing)
        self.detail.addWidget(detail)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter, 1)
        self.show_reports([])

    def show_reports(self, reports: list[ReportItem]) -> None:
        keep = self.selected.target_id if self.selected else None
        self.queue.blockSignals(True)
        self.queue.clear()
        self.reports = {}
        current: ReportItem | None = None
        for row, report in enumerate(reports):
            item = QListWidgetItem(report_line(report))
            item.setData(ID_ROLE, row)
            self.queue.addItem(item)
            self.reports[row] = report
            if report.target_id == keep:
                self.queue.setCurrentItem(item)
                current = report
        self.queue.blockSignals(False)
        self.queue.setVisible(bool(reports))
        self.empty.setVisible(not reports)
        self._show(current)

    def _picked(self, item: QListWidgetItem | None, _previous: object) -> None:
        self._show(self.reports.get(item.data(ID_ROLE)) if item is not None else None)

    def _show(self, report: ReportItem | None) -> None:
        self.selected = report
        self.detail.setCurrentIndex(0 if report is None else 1)
        if report is None:
            return
        self.where.setText(f"{KIND_WORDS.get(report.kind, report.kind)} · {report.course_title}")
        self.item_title.setText(report.context_title)
        self.author.setText(f"Written by {report.author_name}")
        self.excerpt.set_markdown(report.excerpt)
        others = ", ".join(report.also_reported_by)
        self.reason.setText(
            f"Reported by {report.reporter_name} {when(report.created_at)}: “{report.reason}”"
            + (f" (also reported by {others})" if others else "")
        )
