"""The Community page: a course's questions and answers and its discussions, and for
instructors the inbox of unanswered questions across their courses. Works from this
computer's copy, so it reads and writes offline. Layout and display only; the controller
loads, records and decides.

Writing happens in dialogs (compose_dialog.py), never in a field on this page: a sync that
redraws the page can never touch what someone is typing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.community import PostKind
from lmsdesk.services.community_views import (
    AnswerItem,
    CommunityCourse,
    Notice,
    PostItem,
    QuestionItem,
    ThreadItem,
)
from lmsdesk.ui.pages import clear_layout, heading
from lmsdesk.ui.post_card import PostCard, when
from lmsdesk.ui.video_view import clock

ID_ROLE = Qt.ItemDataRole.UserRole
SHOW = [("All questions", "all"), ("Open", "open"), ("Resolved", "resolved"), ("Mine", "mine")]
SORT = [("Newest", "newest"), ("Most votes", "votes")]


@dataclass
class CommunityView:
    """Everything the page shows at once, loaded together off the UI thread."""

    courses: list[CommunityCourse]
    notices: dict[uuid.UUID, Notice]
    course_id: uuid.UUID | None
    questions: list[QuestionItem] = field(default_factory=list)
    question: tuple[QuestionItem, list[AnswerItem]] | None = None
    threads: list[ThreadItem] = field(default_factory=list)
    thread: tuple[ThreadItem, list[PostItem]] | None = None
    inbox: list[QuestionItem] = field(default_factory=list)
    lesson_filter: tuple[uuid.UUID, str] | None = None


def question_line(q: QuestionItem) -> str:
    facts = [f"{q.answers} answer{'s' * (q.answers != 1)}", f"{q.votes} vote{'s' * (q.votes != 1)}"]
    if q.resolved:
        facts.append("resolved")
    if q.lesson_title:
        facts.append(q.lesson_title + (f" at {clock(q.video_second)}" if q.video_second else ""))
    if q.waiting:
        facts.append("waiting to send")
    return f"{q.title}\n{' · '.join(facts)}"


def thread_line(t: ThreadItem) -> str:
    facts = [t.author, f"{t.replies} repl{'ies' if t.replies != 1 else 'y'}", when(t.last_post_at)]
    if t.section_title:
        facts.insert(0, t.section_title)
    if t.waiting:
        facts.append("waiting to send")
    return f"{'[Pinned] ' if t.pinned else ''}{t.title}\n{' · '.join(facts)}"


class CommunityPage(QWidget):
    course_changed = Signal(object)
    filters_changed = Signal()
    question_selected = Signal(object)
    thread_selected = Signal(object)
    inbox_opened = Signal(object, object)  # course id, question id
    ask_requested = Signal()
    new_thread_requested = Signal()
    answer_requested = Signal(object)  # question id
    reply_requested = Signal(object, object)  # thread id, parent post id or None
    #: (what, PostKind or vote kind, post) for vote/unvote/accept/edit/delete/report/...
    post_action = Signal(str, object, object)
    lesson_filter_cleared = Signal()
    seek_requested = Signal(object, object, int)  # course, lesson, second

    def __init__(self) -> None:
        super().__init__()
        self.title = "Community"
        self.view: CommunityView | None = None
        self.course = QComboBox()
        self.course.setAccessibleName("Course")
        self.course.setMinimumContentsLength(16)
        self.course.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.course.currentIndexChanged.connect(self._course_picked)
        self.notice = QLabel()
        self.notice.setObjectName("warningText")
        self.notice.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.course, 1)
        top.addWidget(self.notice, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._questions_tab(), "Questions")
        self.tabs.addTab(self._discussions_tab(), "Discussions")
        self.inbox_tab = self._inbox_tab()
        self.tabs.addTab(self.inbox_tab, "Unanswered")
        self.empty_state = QLabel(
            "Questions and discussions of the courses you take or teach appear here, "
            "also offline. Enroll in a course to take part."
        )
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 12)
        layout.addLayout(
            heading("Community", "Ask, answer and discuss. Written offline, sent when you sync.")
        )
        layout.addSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty_state, 1)
        search = QShortcut(QKeySequence.StandardKey.Find, self)
        search.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        search.activated.connect(self._focus_search)
        self.show_view(CommunityView([], {}, None))

    # ------------------------------------------------------------------ building
    def _questions_tab(self) -> QWidget:
        self.show_filter = QComboBox()
        self.show_filter.setAccessibleName("Which questions")
        for text, value in SHOW:
            self.show_filter.addItem(text, value)
        self.sort = QComboBox()
        self.sort.setAccessibleName("Order")
        for text, value in SORT:
            self.sort.addItem(text, value)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search questions")
        self.search.setClearButtonEnabled(True)
        self.ask = QPushButton("Ask a question…")
        self.ask.setObjectName("primary")
        self.ask.setToolTip("Ask the course's instructor and students (Ctrl+Shift+N)")
        self.ask.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.ask.clicked.connect(self.ask_requested)
        for combo in (self.show_filter, self.sort):
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed.emit())
        self.search.textChanged.connect(lambda _t: self.filters_changed.emit())
        self.lesson_filter = QPushButton()
        self.lesson_filter.setObjectName("linkButton")
        self.lesson_filter.setToolTip("Show the questions of every lesson again")
        self.lesson_filter.clicked.connect(self.lesson_filter_cleared)
        self.lesson_filter.hide()
        row = QHBoxLayout()
        row.addWidget(self.show_filter)
        row.addWidget(self.search, 1)
        row.addWidget(self.sort)
        row.addWidget(self.ask)

        self.questions = QListWidget()
        self.questions.setObjectName("courseList")
        self.questions.setAccessibleName("Questions")
        self.questions.setWordWrap(True)
        self.questions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.questions.currentItemChanged.connect(
            lambda item, _prev: self._picked(item, self.question_selected)
        )
        self.no_questions = QLabel()
        self.no_questions.setObjectName("emptyState")
        self.no_questions.setWordWrap(True)
        self.no_questions.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(self.lesson_filter)
        left_layout.addWidget(self.questions, 1)
        left_layout.addWidget(self.no_questions, 1)
        self.question_detail, self.question_posts = _scroll_column()
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.question_detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 560])
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        return tab

    def _discussions_tab(self) -> QWidget:
        self.new_thread = QPushButton("New discussion…")
        self.new_thread.setObjectName("primary")
        self.new_thread.clicked.connect(self.new_thread_requested)
        self.threads = QListWidget()
        self.threads.setObjectName("courseList")
        self.threads.setAccessibleName("Discussions")
        self.threads.setWordWrap(True)
        self.threads.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.threads.currentItemChanged.connect(
            lambda item, _prev: self._picked(item, self.thread_selected)
        )
        self.no_threads = QLabel("No discussions yet. Start one: a study group, a tip, a link.")
        self.no_threads.setObjectName("emptyState")
        self.no_threads.setWordWrap(True)
        self.no_threads.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(self.new_thread, 0, Qt.AlignmentFlag.AlignLeft)
        left_layout.addWidget(self.threads, 1)
        left_layout.addWidget(self.no_threads, 1)
        self.thread_detail, self.thread_posts = _scroll_column()
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.thread_detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 560])
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(splitter, 1)
        return tab

    def _inbox_tab(self) -> QWidget:
        self.inbox = QListWidget()
        self.inbox.setObjectName("courseList")
        self.inbox.setAccessibleName("Unanswered questions, oldest first")
        self.inbox.setWordWrap(True)
        self.inbox.itemActivated.connect(self._inbox_activated)
        self.inbox.itemDoubleClicked.connect(self._inbox_activated)
        self.no_inbox = QLabel("Every question in your courses has an answer.")
        self.no_inbox.setObjectName("emptyState")
        self.no_inbox.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Open questions nobody has answered yet, oldest first. Open one to answer.")
        hint.setObjectName("pageSubtitle")
        hint.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(hint)
        layout.addWidget(self.inbox, 1)
        layout.addWidget(self.no_inbox, 1)
        return tab

    # ------------------------------------------------------------------ reading the controls
    def filters(self) -> tuple[str, str, str]:
        return (
            str(self.show_filter.currentData()),
            self.search.text().strip(),
            str(self.sort.currentData()),
        )

    def selected_course(self) -> uuid.UUID | None:
        value = self.course.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _course_picked(self, _index: int) -> None:
        if not self._filling:
            self.course_changed.emit(self.selected_course())

    def _focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()

    @staticmethod
    def _picked(item: QListWidgetItem | None, signal: SignalInstance) -> None:
        if item is not None:
            signal.emit(item.data(ID_ROLE))

    def _inbox_activated(self, item: QListWidgetItem) -> None:
        course, question = item.data(ID_ROLE)
        self.inbox_opened.emit(course, question)

    # ------------------------------------------------------------------ showing
    _filling = False

    def show_view(self, view: CommunityView) -> None:
        self.view = view
        has_any = bool(view.courses)
        self.tabs.setVisible(has_any)
        self.course.setVisible(has_any)
        self.empty_state.setVisible(not has_any)
        self._fill_courses(view)
        notice = view.notices.get(view.course_id) if view.course_id else None
        self.notice.setText(notice.text() if notice else "")
        standing = next((c.standing for c in view.courses if c.course_id == view.course_id), None)
        self.ask.setVisible(standing == "student")
        teaches = any(c.standing == "instructor" for c in view.courses)
        self.tabs.setTabVisible(2, teaches)
        if view.lesson_filter is not None:
            self.lesson_filter.setText(f"Only “{view.lesson_filter[1]}”. Show all lessons")
        self.lesson_filter.setVisible(view.lesson_filter is not None)
        self._fill_list(
            self.questions,
            [(q.id, question_line(q)) for q in view.questions],
            view.question[0].id if view.question else None,
        )
        self.questions.setVisible(bool(view.questions))
        self.no_questions.setVisible(not view.questions)
        show, search, _sort = self.filters()
        filtered = show != "all" or bool(search) or view.lesson_filter is not None
        self.no_questions.setText(
            "No questions match." if filtered else "No questions yet. Stuck on a lesson? Ask."
        )
        self._fill_list(
            self.threads,
            [(t.id, thread_line(t)) for t in view.threads],
            view.thread[0].id if view.thread else None,
        )
        self.threads.setVisible(bool(view.threads))
        self.no_threads.setVisible(not view.threads)
        self._show_question(view.question, standing)
        self._show_thread(view.thread, standing)
        self.inbox.clear()
        course_titles = {c.course_id: c.title for c in view.courses}
        for q in view.inbox:
            item = QListWidgetItem(
                f"{q.title}\n{course_titles.get(q.course_id, '')} · asked {when(q.created_at)}"
                f" by {q.author}"
            )
            item.setData(ID_ROLE, (q.course_id, q.id))
            self.inbox.addItem(item)
        self.inbox.setVisible(bool(view.inbox))
        self.no_inbox.setVisible(not view.inbox)
        self.tabs.setTabText(2, f"Unanswered ({len(view.inbox)})" if view.inbox else "Unanswered")

    def _fill_courses(self, view: CommunityView) -> None:
        self._filling = True
        try:
            self.course.clear()
            for course in view.courses:
                notice = view.notices.get(course.course_id)
                suffix = f"  ({notice.total})" if notice and notice.total else ""
                role = " (teaching)" if course.standing == "instructor" else ""
                self.course.addItem(f"{course.title}{role}{suffix}", course.course_id)
            index = self.course.findData(view.course_id)
            self.course.setCurrentIndex(max(index, 0))
        finally:
            self._filling = False

    @staticmethod
    def _fill_list(
        widget: QListWidget, rows: list[tuple[uuid.UUID, str]], selected: uuid.UUID | None
    ) -> None:
        widget.blockSignals(True)
        try:
            widget.clear()
            for row_id, text in rows:
                item = QListWidgetItem(text)
                item.setData(ID_ROLE, row_id)
                widget.addItem(item)
                if row_id == selected:
                    widget.setCurrentItem(item)
        finally:
            widget.blockSignals(False)

    def _show_question(
        self, found: tuple[QuestionItem, list[AnswerItem]] | None, standing: str | None
    ) -> None:
        clear_layout(self.question_posts)
        if found is None:
            self.question_posts.addWidget(_hint("Pick a question to read its answers."))
            self.question_posts.addStretch(1)
            return
        question, answers = found
        where = question.lesson_title
        if where and question.video_second is not None:
            where += f" at {clock(question.video_second)}"
        card = PostCard(
            question,
            title=question.title,
            extra=where,
            badge="Resolved" if question.resolved else "",
        )
        card.add_vote(
            question.votes, question.voted, can_vote=standing == "student" and not question.mine
        )
        if question.lesson_id is not None:
            card.add_action("seek", "Open the lesson" + (" there" if question.video_second else ""))
        card.add_own_actions()
        card.finish()
        self._connect(card, PostKind.QUESTION, question)
        self.question_posts.addWidget(card)
        count = QLabel(f"{len(answers)} answer{'s' * (len(answers) != 1)}")
        count.setObjectName("cardTitle")
        self.question_posts.addWidget(count)
        can_accept = standing == "instructor" or question.mine
        for answer in answers:
            answer_card = PostCard(
                answer, indent=1, badge="Accepted answer" if answer.accepted else ""
            )
            answer_card.add_vote(
                answer.votes, answer.voted, can_vote=standing == "student" and not answer.mine
            )
            if can_accept and not answer.accepted and not answer.waiting:
                answer_card.add_action("accept", "Accept as the solution")
            answer_card.add_own_actions()
            answer_card.finish()
            self._connect(answer_card, PostKind.ANSWER, answer)
            self.question_posts.addWidget(answer_card)
        write = QPushButton("Write an answer…")
        write.setObjectName("primary")
        write.setVisible(standing in ("student", "instructor"))
        write.clicked.connect(lambda: self.answer_requested.emit(question.id))
        self.answer_button = write
        self.question_posts.addWidget(write, 0, Qt.AlignmentFlag.AlignLeft)
        self.question_posts.addStretch(1)

    def _show_thread(
        self, found: tuple[ThreadItem, list[PostItem]] | None, standing: str | None
    ) -> None:
        clear_layout(self.thread_posts)
        if found is None:
            self.thread_posts.addWidget(_hint("Pick a discussion to read it."))
            self.thread_posts.addStretch(1)
            return
        thread, posts = found
        card = PostCard(
            thread,
            title=thread.title,
            extra=thread.section_title,
            badge="Pinned" if thread.pinned else "",
        )
        if standing == "instructor":
            card.add_action(
                "unpin" if thread.pinned else "pin", "Unpin" if thread.pinned else "Pin to the top"
            )
        card.add_action("reply", "Reply")
        card.add_own_actions()
        card.finish()
        self._connect(card, PostKind.THREAD, thread)
        self.thread_posts.addWidget(card)
        for post in posts:
            post_card = PostCard(post, indent=min(post.depth + 1, 4))
            if not post.waiting:
                post_card.add_action("reply", "Reply")
            post_card.add_own_actions()
            post_card.finish()
            self._connect(post_card, PostKind.POST, post)
            self.thread_posts.addWidget(post_card)
        self.thread_posts.addStretch(1)

    def _connect(self, card: PostCard, kind: PostKind, post: object) -> None:
        card.acted.connect(lambda word: self.post_action.emit(word, kind, post))


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("emptyState")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _scroll_column() -> tuple[QScrollArea, QVBoxLayout]:
    inner = QWidget()
    layout = QVBoxLayout(inner)
    layout.setContentsMargins(6, 0, 6, 6)
    layout.setSpacing(8)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(inner)
    return scroll, layout
