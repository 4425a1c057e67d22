"""An assignment lesson, for a student: the instructions, the due time in their own time zone,
the rubric, the work being written (text, a file, a link) and every submission with its grade
and feedback. Layout and display only; the assignment controller adds behaviour."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.assignments import takes_words
from lmsdesk.services.assignments import AssignmentView as Assignment
from lmsdesk.services.assignments import SubmissionView
from lmsdesk.ui.markdown_text import MarkdownLabel
from lmsdesk.ui.pages import clear_layout
from lmsdesk.ui.theme import DANGER, MUTED, OK
from lmsdesk.ui.times import local_time


def due_line(assignment: Assignment, now: datetime | None = None) -> tuple[str, str]:
    """The due time in words and the colour to show it in."""
    if assignment.due_at is None:
        return "No due time.", MUTED
    now = now or datetime.now(UTC)
    when = f"Due {local_time(assignment.due_at)} (your time)"
    left = assignment.due_at - now
    if left.total_seconds() < 0:
        if assignment.accept_late:
            return f"{when}: past due. Work handed in now is marked late.", DANGER
        return f"{when}: past due. This assignment takes no late work.", DANGER
    days, hours = left.days, left.seconds // 3600
    remaining = f"{days} day{'s' if days != 1 else ''} left" if days else f"{hours} h left"
    return f"{when} · {remaining}", MUTED


class AssignmentPanel(QWidget):
    text_edited = Signal(str)
    link_edited = Signal(str)
    attach_requested = Signal()
    remove_file_requested = Signal()
    submit_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.assignment: Assignment | None = None
        self.instructions = MarkdownLabel()
        self.due = QLabel()
        self.due.setWordWrap(True)
        self.scoring = QLabel()
        self.scoring.setWordWrap(True)
        self.scoring.setStyleSheet(f"color: {MUTED}")
        self.rubric = QLabel()
        self.rubric.setWordWrap(True)

        self.work_heading = QLabel("<b>Your work</b>")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Write your answer here (Markdown). It is kept as you type.")
        self.text.setMinimumHeight(110)
        self.text.textChanged.connect(lambda: self.text_edited.emit(self.text.toPlainText()))
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://… (a repository, a document)")
        self.link.textEdited.connect(self.link_edited)
        self.link_label = QLabel("Link:")
        self.attach = QPushButton("Attach a file…")
        self.attach.setToolTip("A PDF, ZIP, text file or picture; it uploads when you are online")
        self.attach.clicked.connect(self.attach_requested)
        self.file_name = QLabel()
        self.file_name.setWordWrap(True)
        self.remove_file = QPushButton("Remove")
        self.remove_file.setObjectName("linkButton")
        self.remove_file.clicked.connect(self.remove_file_requested)
        self.file_progress = QProgressBar()
        self.file_progress.setMaximumWidth(160)
        self.file_progress.setTextVisible(True)
        files = QHBoxLayout()
        files.addWidget(self.attach)
        files.addWidget(self.file_name, 1)
        files.addWidget(self.file_progress)
        files.addWidget(self.remove_file)
        links = QHBoxLayout()
        links.addWidget(self.link_label)
        links.addWidget(self.link, 1)
        self.submit = QPushButton("Hand in")
        self.submit.setObjectName("primary")
        self.submit.setToolTip("Hand in your work (Ctrl+Return); offline, it is sent later")
        self.submit.clicked.connect(self.submit_requested)
        hand_in = QShortcut(QKeySequence("Ctrl+Return"), self)
        hand_in.activated.connect(self.submit_requested)
        self.status = QLabel()
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.submit)

        self.history_heading = QLabel("<b>Handed in</b>")
        self.history = QVBoxLayout()

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 0)
        for widget in (self.due, self.scoring, self.instructions, self.rubric):
            column.addWidget(widget)
        # What was handed in (and its grade) before the editor for the next piece of work.
        column.addSpacing(8)
        column.addWidget(self.history_heading)
        column.addLayout(self.history)
        column.addSpacing(8)
        column.addWidget(self.work_heading)
        column.addWidget(self.text)
        column.addLayout(files)
        column.addLayout(links)
        column.addLayout(actions)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # ---------------------------------------------------------------- display
    def show_assignment(self, assignment: Assignment, *, first: bool) -> None:
        """Draw it. The text and link the student is typing are set only on first show (a
        sync that redraws never moves their cursor or undoes a keystroke)."""
        self.assignment = assignment
        text, colour = due_line(assignment)
        self.due.setText(text)
        self.due.setStyleSheet(f"color: {colour}")
        takes = takes_words(assignment.kinds)
        resubmit = "You can hand in again." if assignment.allow_resubmission else "One submission."
        self.scoring.setText(
            f"Out of {assignment.max_score} points · pass at {assignment.pass_score} · "
            f"takes {takes} · {resubmit}"
        )
        self.instructions.set_markdown(assignment.instructions)
        self.rubric.setVisible(bool(assignment.rubric))
        rows = "".join(
            f"<tr><td>{escape(c.name)}</td><td align='right'>&nbsp;{c.points} pts</td></tr>"
            for c in assignment.rubric
        )
        self.rubric.setText(f"<b>Rubric</b><table>{rows}</table>")
        draft = assignment.draft
        typing = self.text.hasFocus() and not first
        if not typing and self.text.toPlainText() != draft.text:
            self.text.blockSignals(True)
            self.text.setPlainText(draft.text)
            self.text.blockSignals(False)
        if first or not self.link.hasFocus():
            self.link.setText(draft.url)
        self.text.setVisible("text" in assignment.kinds)
        for widget in (self.link, self.link_label):
            widget.setVisible("link" in assignment.kinds)
        self.attach.setVisible("file" in assignment.kinds)
        self._show_file(assignment)
        self._show_state(assignment)
        self._show_history(assignment.submissions)

    def show_upload(self, sent: int, size: int) -> None:
        if size:
            self.file_progress.setVisible(True)
            self.file_progress.setRange(0, 100)
            self.file_progress.setValue(int(100 * sent / size))

    def _show_file(self, assignment: Assignment) -> None:
        draft = assignment.draft
        has_file = draft.file_name is not None
        self.file_name.setText(escape(draft.file_name or "No file attached."))
        self.remove_file.setVisible(has_file and not draft.waiting_for_file)
        uploading = has_file and draft.file_state in ("queued", "uploading")
        self.file_progress.setVisible(uploading)
        if uploading and draft.file_size:
            self.file_progress.setRange(0, 100)
            self.file_progress.setValue(int(100 * draft.file_sent / draft.file_size))
        if draft.file_state == "failed":
            self.file_name.setText(
                f"{escape(draft.file_name or '')} <span style='color:{DANGER}'>"
                f"could not be uploaded: {escape(draft.file_error or 'refused')}</span>"
            )

    def _show_state(self, assignment: Assignment) -> None:
        draft = assignment.draft
        closed = assignment.past_due and not assignment.accept_late
        editable = not draft.waiting_for_file and assignment.can_hand_in and not closed
        for widget in (self.text, self.link, self.attach, self.submit):
            widget.setEnabled(editable)
        self.text.setReadOnly(not editable)
        if draft.waiting_for_file:
            self.status.setText(
                "Handed in on this computer: it is sent once your file is uploaded."
            )
        elif not assignment.can_hand_in:
            self.status.setText("Handed in. This assignment takes one submission.")
        elif closed:
            self.status.setText("The due time has passed; this assignment takes no late work.")
        else:
            self.status.setText("Your draft is kept on this computer as you type.")
        self.status.setStyleSheet(f"color: {MUTED}")
        self.submit.setText("Hand in again" if assignment.submissions else "Hand in")

    def _show_history(self, submissions: tuple[SubmissionView, ...]) -> None:
        clear_layout(self.history)
        self.history_heading.setVisible(bool(submissions))
        for submission in submissions:
            self.history.addWidget(SubmissionCard(submission, self.assignment))

    def set_problem(self, text: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {DANGER}")


def _points(assignment: Assignment | None, name: str) -> str:
    worth = {c.name: c.points for c in assignment.rubric} if assignment else {}
    return str(worth.get(name, "?"))


class SubmissionCard(QFrame):
    """One submission: when, late or not, waiting to send, and the grade with its feedback."""

    def __init__(self, submission: SubmissionView, assignment: Assignment | None) -> None:
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        head = [f"<b>Submission {submission.number or ''}</b>", local_time(submission.submitted_at)]
        if submission.is_late:
            head.append(f"<span style='color:{DANGER}'>late</span>")
        if submission.waiting:
            head.append(f"<span style='color:{MUTED}'>waiting to send</span>")
        self.header = QLabel(" · ".join(head))
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        parts = []
        if submission.text:
            first = submission.text.strip().splitlines()[0] if submission.text.strip() else ""
            parts.append(escape(first[:120]) + ("…" if len(submission.text) > len(first) else ""))
        if submission.file_name:
            parts.append(f"File: {escape(submission.file_name)}")
        if submission.url:
            parts.append(f"Link: {escape(submission.url)}")
        work = QLabel("<br>".join(parts))
        work.setWordWrap(True)
        work.setStyleSheet(f"color: {MUTED}")
        layout.addWidget(work)
        self.grade = QLabel()
        self.grade.setWordWrap(True)
        layout.addWidget(self.grade)
        if submission.graded and submission.score is not None:
            maximum = assignment.max_score if assignment else 0
            passed = assignment is not None and submission.score >= assignment.pass_score
            colour = OK if passed else DANGER
            lines = [
                f"<b style='color:{colour}'>Graded: {submission.score:g} / {maximum}</b>"
                + (" (passed)" if passed else " (below the pass mark)")
            ]
            # In the rubric's order (the server's JSON keeps its own).
            order = [c.name for c in assignment.rubric] if assignment else []
            for name in sorted(
                submission.rubric_scores,
                key=lambda n: (n not in order, order.index(n) if n in order else 0, n),
            ):
                score = submission.rubric_scores[name]
                lines.append(f"{escape(name)}: {score:g} / {_points(assignment, name)}")
            self.grade.setText("<br>".join(lines))
            if submission.feedback:
                layout.addWidget(MarkdownLabel(submission.feedback))
        else:
            self.grade.setText("Not graded yet.")
            self.grade.setStyleSheet(f"color: {MUTED}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
