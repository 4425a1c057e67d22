"""One post on the community screens (a question, an answer, a discussion or a reply): who
wrote it and when, whether it waits to be sent, its text, another device's version of it when
there is one, and the actions this user may take on it. Display only: actions are signals."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lmsdesk.services.community_views import Written
from lmsdesk.ui.icons import icon
from lmsdesk.ui.markdown_text import MarkdownLabel


def when(moment: datetime, now: datetime | None = None) -> str:
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    if seconds < 90:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return moment.astimezone().strftime("%d %b %Y")


def byline(post: Written, *extra: str) -> str:
    parts = [post.author + (" (instructor)" if post.by_instructor else ""), when(post.created_at)]
    if post.edited:
        parts.append("edited")
    parts += [e for e in extra if e]
    if post.waiting:
        parts.append("waiting to send")
    return " · ".join(parts)


class PostCard(QFrame):
    """Actions: `acted` with a word ("vote", "unvote", "accept", "reply", "edit", "delete",
    "report", "use_other", "keep_mine", "pin", "unpin", "seek")."""

    acted = Signal(str)

    def __init__(
        self,
        post: Written,
        *,
        title: str = "",
        extra: str = "",
        indent: int = 0,
        badge: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("card")
        self.post = post
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14 + indent * 18, 10, 14, 10)
        layout.setSpacing(4)
        if title:
            heading = QLabel(title)
            heading.setObjectName("cardTitle")
            heading.setWordWrap(True)
            heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(heading)
        if badge:
            mark = QLabel(badge)
            mark.setObjectName("okText")
            layout.addWidget(mark)
        self.byline = QLabel(byline(post, extra))
        self.byline.setObjectName("warningText" if post.waiting else "pageSubtitle")
        self.byline.setWordWrap(True)
        layout.addWidget(self.byline)
        self.body = MarkdownLabel(post.body)
        layout.addWidget(self.body)
        if post.conflict is not None:
            layout.addWidget(self._conflict_banner(post))
        self.action_row = QHBoxLayout()
        self.action_row.setSpacing(6)
        layout.addLayout(self.action_row)
        self.buttons: dict[str, QPushButton] = {}

    def _conflict_banner(self, post: Written) -> QWidget:
        assert post.conflict is not None
        banner = QFrame()
        banner.setObjectName("conflictBanner")
        column = QVBoxLayout(banner)
        column.setContentsMargins(10, 8, 10, 8)
        note = QLabel(
            "You edited this on another device at the same time. Both versions are kept; "
            "the other one is:"
        )
        note.setWordWrap(True)
        column.addWidget(note)
        column.addWidget(MarkdownLabel(post.conflict.body))
        row = QHBoxLayout()
        use = QPushButton("Use that version")
        use.clicked.connect(lambda: self.acted.emit("use_other"))
        keep = QPushButton("Keep this one")
        keep.clicked.connect(lambda: self.acted.emit("keep_mine"))
        row.addWidget(use)
        row.addWidget(keep)
        row.addStretch(1)
        column.addLayout(row)
        self.conflict_buttons = (use, keep)
        return banner

    def add_action(
        self, word: str, text: str, *, tip: str = "", icon_name: str = ""
    ) -> QPushButton:
        button = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
        button.setObjectName("linkButton")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(lambda: self.acted.emit(word))
        self.action_row.addWidget(button)
        self.buttons[word] = button
        return button

    def add_vote(self, votes: int, voted: bool, *, can_vote: bool, noun: str = "Vote") -> None:
        text = f"{noun}{'d' if voted and noun == 'Vote' else ''} ({votes})"
        button = self.add_action(
            "unvote" if voted else "vote",
            text,
            tip="Take your vote back" if voted else "This helped me",
            icon_name="vote",
        )
        button.setCheckable(True)
        button.setChecked(voted)
        button.setEnabled(can_vote)
        if not can_vote:
            button.setToolTip("You cannot vote on what you wrote" if self.post.mine else "")

    def add_own_actions(self, *, reportable: bool = True) -> None:
        """Edit and delete for the author (while it may still change); report for others."""
        if self.post.mine and self.post.can_change:
            self.add_action("edit", "Edit")
            self.add_action("delete", "Delete")
        elif not self.post.mine and reportable:
            self.add_action("report", "Report", tip="Tell the admins something is wrong with it")

    def finish(self) -> None:
        self.action_row.addStretch(1)
