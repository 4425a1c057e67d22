"""My learning: each enrolled course with its progress, Continue (the exact lesson and position),
and its download: request, progress with speed and time left, pause, resume, cancel, delete.
Layout and display only; the learning and download controllers act on its signals."""

from __future__ import annotations

import bisect
import html
import uuid
from collections import deque

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.local_db.models.client import DownloadState
from lmsdesk.services.certificates import CertificateView, ProgramProgress
from lmsdesk.services.community_views import Notice
from lmsdesk.services.download_queue import human_bytes
from lmsdesk.services.downloader import TransferProgress
from lmsdesk.services.learning import CourseProgress
from lmsdesk.ui.fitting import ElidedLabel
from lmsdesk.ui.icons import icon
from lmsdesk.ui.pages import heading
from lmsdesk.ui.times import short_time
from lmsdesk.ui.video_view import clock

#: Course cards built per turn of the event loop (each takes 2.5-5 ms).
CARDS_PER_TURN = 4
#: Cards built before the list is scrolled: a few screens' worth. More are built as the list
#: scrolls near its end. Every card built makes each later change of the list's layout cost
#: more, so a student of a thousand courses got a window that stalled for seconds.
FIRST_CARDS = 24
MORE_CARDS = 16

S = DownloadState


def transfer_text(progress: TransferProgress) -> str:
    left = progress.seconds_left
    eta = f" · {clock(left)} left" if left is not None else ""
    return (
        f"Downloading {human_bytes(progress.bytes_done)} of {human_bytes(progress.bytes_total)}"
        f" · {human_bytes(progress.bytes_per_second)}/s{eta}"
    )


def cohort_line(course: CourseProgress) -> str:
    """ "Autumn cohort (Berlin) · week 2 opens Sun 29 Nov, 09:00 · Live Q&A Mon 30 Nov, 18:00"."""
    if not course.cohort_title:
        return ""
    parts = [course.cohort_title]
    if course.next_week is not None:
        number, when = course.next_week
        parts.append(f"week {number} opens {short_time(when)}")
    if course.next_live is not None:
        title, when = course.next_live
        parts.append(f"{title} {short_time(when)}")
    return " · ".join(parts)


class CourseCard(QFrame):
    def __init__(self, course: CourseProgress, page: MyLearningPage) -> None:
        super().__init__()
        self.setObjectName("card")
        self.course = course
        title = QLabel(course.title)
        title.setObjectName("cardTitle")
        by = QLabel(f"by {course.instructor}" if course.instructor else "")
        by.setObjectName("pageSubtitle")
        # The words under a thin bar, never printed over the bar's fill.
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress.setValue(course.percent_complete)
        self.progress_text = QLabel(
            f"{course.percent_complete}% · {course.lessons_done} of {course.lessons_total} "
            "lessons complete"
        )
        self.progress_text.setObjectName("pageSubtitle")
        where = (
            f"Next: {course.continue_title}"
            + (f" at {clock(course.continue_position)}" if course.continue_position >= 1 else "")
            if course.continue_lesson_id
            else "Every lesson is complete. Review any lesson from the outline."
        )
        self.where = QLabel(where)
        self.where.setObjectName("pageSubtitle")
        # A course taken in a cohort: what opens next and the next live session.
        self.cohort = ElidedLabel(cohort_line(course))
        self.cohort.setObjectName("pageSubtitle")
        self.cohort.setVisible(bool(course.cohort_title))
        # The course's community news ("2 new answers to your questions"); a click opens it.
        self.community = QPushButton()
        self.community.setObjectName("linkButton")
        self.community.setToolTip("Open the course's questions and discussions")
        self.community.clicked.connect(lambda: page.community_requested.emit(course.course_id))
        self.show_notice(page.notices.get(course.course_id))
        self.continue_button = QPushButton(
            "Continue" if course.continue_position or course.lessons_done else "Start"
        )
        self.continue_button.setObjectName("primary")
        lesson = course.continue_lesson_id
        self.continue_button.clicked.connect(
            lambda: page.continue_requested.emit(course.course_id, lesson)
        )
        self.certificate_button = QPushButton(icon("certificate"), "Certificate")
        self.certificate_button.setToolTip("View, verify and export your certificate")
        self.certificate_button.setVisible(course.certificate is not None)
        self.certificate_button.clicked.connect(
            lambda: page.certificate_requested.emit(course.certificate)
        )

        self.download_text = QLabel()
        self.download_text.setObjectName("pageSubtitle")
        self.download_text.setWordWrap(True)
        self.download_bar = QProgressBar()
        self.download_bar.setTextVisible(False)
        self.download_bar.setFixedHeight(8)
        self.buttons: dict[str, QPushButton] = {}
        download_row = QHBoxLayout()
        download_row.addWidget(self.download_text, 1)
        for name, label, signal in (
            ("download", "Download for offline", page.download_requested),
            ("pause", "Pause", page.pause_requested),
            ("resume", "Resume", page.resume_requested),
            ("cancel", "Cancel", page.cancel_requested),
            ("delete", "Delete download", page.delete_requested),
        ):
            button = QPushButton(label)
            button.clicked.connect(lambda _c=False, s=signal: s.emit(course.course_id))
            self.buttons[name] = button
            download_row.addWidget(button)

        top = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(by)
        top.addLayout(text, 1)
        top.addWidget(self.certificate_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.where)
        layout.addWidget(self.cohort)
        layout.addWidget(self.community, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(4)
        layout.addLayout(download_row)
        layout.addWidget(self.download_bar)
        self.show_download()

    def show_notice(self, notice: Notice | None) -> None:
        self.community.setText(notice.text() if notice else "")
        self.community.setVisible(bool(notice and notice.total))

    def show_download(self, live: TransferProgress | None = None) -> None:
        summary = self.course.downloads
        state = summary.state if summary else None
        size = human_bytes(self.course.media_bytes)
        if live is not None and state in (None, S.QUEUED, S.DOWNLOADING):
            state = S.DOWNLOADING
        texts = {
            None: f"Not downloaded · {size}" if self.course.media_bytes else "No media to download",
            S.QUEUED: "Waiting to download…",
            S.DOWNLOADING: transfer_text(live) if live else "Downloading…",
            S.VERIFYING: "Checking the downloaded files…",
            S.PAUSED: "Download paused",
            S.FAILED: f"Download stopped: {summary.error}" if summary else "",
            S.DONE: f"Downloaded · {human_bytes(summary.bytes_total)} on this computer"
            if summary
            else "",
        }
        if state is S.QUEUED and summary and summary.error:
            texts[S.QUEUED] = summary.error
        self.download_text.setText(texts[state])
        self.download_text.setObjectName("errorText" if state is S.FAILED else "pageSubtitle")
        self.download_text.style().polish(self.download_text)
        active = state in (S.QUEUED, S.DOWNLOADING, S.VERIFYING)
        visible = {
            "download": state is None and self.course.media_bytes > 0,
            "pause": active,
            "resume": state in (S.PAUSED, S.FAILED),
            "cancel": active or state in (S.PAUSED, S.FAILED),
            "delete": state is S.DONE,
        }
        for name, button in self.buttons.items():
            button.setVisible(visible[name])
        self.download_bar.setVisible(active or state is S.PAUSED)
        total = summary.bytes_total if summary else 0
        done = live.bytes_done if live else (summary.bytes_done if summary else 0)
        self.download_bar.setRange(0, 1000)
        self.download_bar.setValue(int(1000 * done / total) if total else 0)


class MyLearningPage(QWidget):
    continue_requested = Signal(object, object)  # course id, lesson id (or None)
    download_requested = Signal(object)
    pause_requested = Signal(object)
    resume_requested = Signal(object)
    cancel_requested = Signal(object)
    delete_requested = Signal(object)
    certificate_requested = Signal(object)  # CertificateView
    community_requested = Signal(object)  # course id

    def __init__(self) -> None:
        super().__init__()
        self.title = "My learning"
        self.cards: dict[uuid.UUID, CourseCard] = {}
        #: Community news per course, kept for cards built later.
        self.notices: dict[uuid.UUID, Notice] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(heading("My learning", "Your courses, with where you left off."))
        self.storage = QLabel()
        self.storage.setObjectName("pageSubtitle")
        layout.addWidget(self.storage)
        # Programs the student works through, and their certificates.
        self.programs = QLabel()
        self.programs.setWordWrap(True)
        self.programs.setTextFormat(Qt.TextFormat.RichText)
        self.programs.linkActivated.connect(self._program_certificate)
        self.programs.hide()
        self._program_certificates: dict[str, CertificateView] = {}
        layout.addWidget(self.programs)
        layout.addSpacing(10)
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setContentsMargins(0, 0, 8, 0)
        self.list_layout.setSpacing(12)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(self.list)
        layout.addWidget(self.scroller, 1)
        self.empty_state = QLabel(
            "Courses you enroll in appear here, ready to learn offline. Find one in the Catalog."
        )
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_state, 1)
        self._wanted: list[uuid.UUID] = []
        #: Cards still to build, with their place in the list.
        self._pending: deque[tuple[int, CourseProgress]] = deque()
        #: The list places of the cards in the layout, in layout order.
        self._laid: list[int] = []
        #: Cards are built for list places below this (more as the list scrolls).
        self._build_below = FIRST_CARDS
        bar = self.scroller.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._scrolled)
        self.show_courses([], 0)

    def show_programs(self, programs: list[ProgramProgress]) -> None:
        self._program_certificates = {
            str(p.id): p.certificate for p in programs if p.certificate is not None
        }
        lines = []
        for program in programs:
            title = html.escape(program.title)
            line = f"Program <b>{title}</b>: {program.done} of {program.total} courses complete"
            if program.certificate is not None:
                line += f' · <a href="{program.id}">program certificate</a>'
            lines.append(line)
        self.programs.setText("<br>".join(lines))
        self.programs.setVisible(bool(lines))

    def _program_certificate(self, program_id: str) -> None:
        certificate = self._program_certificates.get(program_id)
        if certificate is not None:
            self.certificate_requested.emit(certificate)

    def show_courses(self, courses: list[CourseProgress], bytes_used: int) -> None:
        """Cards for the courses: unchanged ones are kept, new or changed ones built a few per
        turn of the event loop (a hundred cards at once held the window still for 250 ms)."""
        self._wanted = [course.course_id for course in courses]
        for course_id in [c for c in self.cards if c not in set(self._wanted)]:
            self.cards.pop(course_id).deleteLater()
        # Laid out once here in the listed order; cards built later are inserted at their
        # place (re-laying every card on every turn made a thousand courses stall the window).
        while self.list_layout.count():
            self.list_layout.takeAt(0)
        self._laid = []
        self._pending = deque()
        for position, course in enumerate(courses):
            card = self.cards.get(course.course_id)
            if card is not None and card.course == course:
                self.list_layout.addWidget(card)
                self._laid.append(position)
            else:
                if card is not None:
                    card.hide()  # out of the layout until its replacement is built
                self._pending.append((position, course))
        self.list_layout.addStretch(1)
        self.scroller.setVisible(bool(courses))
        self.empty_state.setVisible(not courses)
        self.storage.setText(
            f"Downloads use {human_bytes(bytes_used)} on this computer." if courses else ""
        )
        self._build_some()

    def _scrolled(self, *_: object) -> None:
        """Near the end of what is built (or nothing to scroll yet): build the next cards."""
        bar = self.scroller.verticalScrollBar()
        if not self._pending or bar.value() < bar.maximum() - bar.pageStep():
            return
        if self._pending[0][0] >= self._build_below:
            self._build_below = self._pending[0][0] + MORE_CARDS
            QTimer.singleShot(0, self._build_some)

    def _build_some(self) -> None:
        fresh: list[CourseCard] = []
        while (
            self._pending
            and len(fresh) < CARDS_PER_TURN
            and self._pending[0][0] < self._build_below
        ):
            position, course = self._pending.popleft()
            old = self.cards.get(course.course_id)
            if old is not None:
                old.deleteLater()
            self.cards[course.course_id] = card = CourseCard(course, self)
            index = bisect.bisect_left(self._laid, position)
            self._laid.insert(index, position)
            self.list_layout.insertWidget(index, card)
            fresh.append(card)
        for card in fresh:  # shown now, not on the layout's next turn: it is part of the page
            card.show()
        if self._pending and self._pending[0][0] < self._build_below:
            QTimer.singleShot(0, self._build_some)

    def show_notices(self, notices: dict[uuid.UUID, Notice]) -> None:
        self.notices = notices
        for course_id, card in self.cards.items():
            card.show_notice(notices.get(course_id))

    def course_titles(self) -> list[str]:
        """The titles as the cards stand in the list, top to bottom."""
        items = (self.list_layout.itemAt(i) for i in range(self.list_layout.count()))
        widgets = (item.widget() for item in items if item is not None)
        return [w.course.title for w in widgets if isinstance(w, CourseCard)]

    def show_transfer(self, progress: TransferProgress) -> None:
        card = self.cards.get(progress.course_id)
        if card is not None:
            card.show_download(progress)
