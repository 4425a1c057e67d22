"""Drives the Community page: loads a course's questions, discussions and the instructor's
inbox on the database lane, asks for text in dialogs, records every action as a change that
waits in the outbox (so all of it works offline), and clears the course's notifications once
they have been seen. The navigation shows how many notifications wait."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from lmsdesk.contracts.community import REASON_MAX, REASON_MIN, PostKind, VoteKind
from lmsdesk.services.community import CommunityService
from lmsdesk.services.community_views import Notice, QuestionItem, ThreadItem, Written
from lmsdesk.services.errors import UserFacingError
from lmsdesk.ui.community_page import CommunityPage, CommunityView
from lmsdesk.ui.compose_dialog import Composed, compose
from lmsdesk.ui.failures import explain
from lmsdesk.ui.tasks import TaskManager
from lmsdesk.ui.video_view import clock

_log = logging.getLogger(__name__)
Compose = Callable[..., Composed | None]
#: Opens a lesson of a course (at a second of its video).
OpenLesson = Callable[[uuid.UUID, uuid.UUID, int | None], None]


class CommunityController(QObject):
    def __init__(
        self,
        *,
        page: CommunityPage,
        service: CommunityService,
        tasks: TaskManager,
        open_lesson: OpenLesson | None = None,
        show_count: Callable[[int], None] | None = None,
        show_notices: Callable[[dict[uuid.UUID, Notice]], None] | None = None,
        compose_text: Compose | None = None,
        confirm: Callable[[str], bool] | None = None,
        tell: Callable[[str], None] | None = None,
        notify: Callable[[str], None] | None = None,
        is_online: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(page)
        self._page, self._service, self._tasks = page, service, tasks
        self._open_lesson = open_lesson or (lambda _c, _l, _s: None)
        self._show_count = show_count or (lambda _n: None)
        self._show_notices = show_notices or (lambda _n: None)
        self.compose_text: Compose = compose_text or (lambda **kw: compose(page, **kw))
        self.confirm = confirm or self._confirm_dialog
        self.tell = tell or (lambda text: QMessageBox.information(page, "Community", text))
        self.notify = notify or (lambda _text: None)
        self._is_online = is_online or (lambda: True)
        self._course: uuid.UUID | None = None
        self._question: uuid.UUID | None = None
        self._thread: uuid.UUID | None = None
        self._lesson: tuple[uuid.UUID, str] | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.refresh)
        page.filters_changed.connect(self._debounce.start)
        page.course_changed.connect(self.open_course)
        page.question_selected.connect(self._pick_question)
        page.thread_selected.connect(self._pick_thread)
        page.inbox_opened.connect(self.open_question)
        page.ask_requested.connect(self.ask)
        page.new_thread_requested.connect(self.start_thread)
        page.answer_requested.connect(self.answer)
        page.reply_requested.connect(self.reply)
        page.post_action.connect(self.act)
        page.lesson_filter_cleared.connect(self._clear_lesson)

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        show, search, sort = self._page.filters()
        wanted = (self._course, self._question, self._thread, self._lesson)
        service = self._service

        def load() -> CommunityView:
            course, question, thread, lesson = wanted
            courses = service.communities()
            notices = service.notices()
            if course not in {c.course_id for c in courses}:
                # The course with news first, else the first one.
                news = [c.course_id for c in courses if c.course_id in notices]
                ordered = news + [c.course_id for c in courses]
                course = ordered[0] if ordered else None
                question = thread = lesson = None
            view = CommunityView(courses, notices, course, lesson_filter=lesson)
            if course is None:
                return view
            view.questions = service.questions(
                course, lesson_id=lesson[0] if lesson else None, show=show, search=search, sort=sort
            )
            view.question = service.question(question) if question else None
            view.threads = service.threads(course)
            view.thread = service.thread(thread) if thread else None
            if any(c.standing == "instructor" for c in courses):
                view.inbox = service.unanswered()
            return view

        self._tasks.run(load, on_success=self._show, on_failure=self._not_shown)

    def _show(self, view: CommunityView) -> None:
        self._course = view.course_id
        self._question = view.question[0].id if view.question else None
        self._thread = view.thread[0].id if view.thread else None
        self._page.show_view(view)
        self._show_count(sum(n.total for n in view.notices.values()))
        self._show_notices(view.notices)
        notice = view.notices.get(view.course_id) if view.course_id else None
        if notice and (notice.new_answers or notice.new_replies) and self._page.isVisible():
            self._mark_seen(view.course_id)

    def _not_shown(self, error: BaseException) -> None:
        _log.info("community not shown: %s", error)

    def _mark_seen(self, course: uuid.UUID | None) -> None:
        if course is None:
            return
        service = self._service

        def marked(changed: bool) -> None:
            if changed:
                self.refresh()

        self._tasks.run(
            lambda: service.mark_seen(course), on_success=marked, on_failure=self._not_shown
        )

    def page_shown(self) -> None:
        """The user opened the page: what it shows now counts as seen."""
        self.refresh()

    def open_course(
        self, course: uuid.UUID | None, *, lesson: tuple[uuid.UUID, str] | None = None
    ) -> None:
        if course != self._course:
            self._question = self._thread = None
        self._course, self._lesson = course, lesson
        self.refresh()

    def open_question(self, course: uuid.UUID, question: uuid.UUID) -> None:
        self._course, self._question, self._lesson = course, question, None
        self._page.tabs.setCurrentIndex(0)
        self.refresh()

    def _pick_question(self, question: uuid.UUID) -> None:
        self._question = question
        self.refresh()

    def _pick_thread(self, thread: uuid.UUID) -> None:
        self._thread = thread
        self.refresh()

    def _clear_lesson(self) -> None:
        self._lesson = None
        self.refresh()

    # ------------------------------------------------------------------ writing
    def _waits(self) -> str:
        return "" if self._is_online() else " It is kept here and sent when you are back online."

    def _record(self, change: Callable[[], Any], done: str = "") -> None:
        def saved(_result: object) -> None:
            if done:
                self.notify(done + self._waits())
            self.refresh()

        self._tasks.run(change, on_success=saved, on_failure=self._refused)

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, UserFacingError):
            self.tell(str(error))
        else:
            _log.exception("community action failed", exc_info=error)
            self.tell(explain(error, doing="saving that") or "That could not be saved.")

    def ask(self, lesson: tuple[uuid.UUID, str] | None = None, second: int | None = None) -> None:
        course = self._course
        if course is None:
            return
        lesson = lesson or self._lesson
        about = (
            f"About “{lesson[1]}”" + (f" at {clock(second)}" if second else "") if lesson else ""
        )
        written = self.compose_text(
            window_title="Ask a question",
            action="Ask",
            with_title=True,
            hint=(about + ". " if about else "") + "Markdown works: **bold**, `code`, lists.",
        )
        if written is None or written.title is None:
            return
        title, body = written.title, written.body
        service = self._service

        def change() -> uuid.UUID:
            return service.ask(
                course, title, body, lesson_id=lesson[0] if lesson else None, video_second=second
            )

        self._record(change, "Question saved.")

    def ask_about_lesson(
        self, course: uuid.UUID, lesson: uuid.UUID, lesson_title: str, second: int | None
    ) -> None:
        """From the lesson page: a question tied to the lesson (and the second of its video)."""
        self._course = course
        self.ask((lesson, lesson_title), second)

    def show_lesson_questions(self, course: uuid.UUID, lesson: uuid.UUID, title: str) -> None:
        self._page.tabs.setCurrentIndex(0)
        self.open_course(course, lesson=(lesson, title))

    def answer(self, question: uuid.UUID) -> None:
        written = self.compose_text(window_title="Answer", action="Post answer", with_title=False)
        if written is not None:
            service = self._service
            self._record(lambda: service.answer(question, written.body), "Answer saved.")

    def start_thread(self) -> None:
        course = self._course
        if course is None:
            return
        courses = self._page.view.courses if self._page.view else []
        sections = next((c.sections for c in courses if c.course_id == course), [])
        written = self.compose_text(
            window_title="New discussion",
            action="Start discussion",
            with_title=True,
            choices=[(title, section) for section, title in sections],
            choice_label="Section or week (optional)",
        )
        if written is None or written.title is None:
            return
        title, body, service = written.title, written.body, self._service
        section = written.choice if isinstance(written.choice, uuid.UUID) else None

        def change() -> None:
            self._thread = service.start_thread(course, title, body, section)

        self._record(change, "Discussion saved.")

    def reply(self, thread: uuid.UUID, parent: uuid.UUID | None = None) -> None:
        written = self.compose_text(window_title="Reply", action="Post reply", with_title=False)
        if written is not None:
            service = self._service
            self._record(lambda: service.reply(thread, written.body, parent), "Reply saved.")

    def act(self, word: str, kind: PostKind, post: Written) -> None:
        service = self._service
        if word in ("vote", "unvote"):
            voted = VoteKind(kind.value)
            self._record(lambda: service.vote(voted, post.id, word == "vote"))
        elif word == "accept":
            self._record(lambda: service.accept(post.id), "Marked as the solution.")
        elif word in ("pin", "unpin"):
            self._record(lambda: service.pin(post.id, word == "pin"))
        elif word == "reply":
            if isinstance(post, ThreadItem):
                self.reply(post.id)
            elif self._thread is not None:
                self.reply(self._thread, post.id)
        elif word == "edit":
            self._edit(kind, post)
        elif word == "delete":
            if self.confirm("Delete this post? Everyone will stop seeing it after the next sync."):
                self._record(lambda: service.delete(kind, post.id), "Deleted.")
        elif word == "report":
            self._report(kind, post)
        elif word in ("use_other", "keep_mine") and post.conflict is not None:
            conflict = post.conflict.id
            self._record(lambda: service.choose_version(conflict, word == "use_other"))
        elif word == "seek" and isinstance(post, QuestionItem) and post.lesson_id:
            self._open_lesson(post.course_id, post.lesson_id, post.video_second)

    def _edit(self, kind: PostKind, post: Written) -> None:
        titled = isinstance(post, QuestionItem | ThreadItem)
        written = self.compose_text(
            window_title="Edit",
            action="Save",
            with_title=titled,
            title=getattr(post, "title", ""),
            body=post.body,
        )
        if written is not None:
            service = self._service
            self._record(lambda: service.edit(kind, post.id, written.body, written.title), "Saved.")

    def _report(self, kind: PostKind, post: Written) -> None:
        written = self.compose_text(
            window_title="Report",
            action="Send report",
            with_title=False,
            body_label="What is wrong with it?",
            body_max=REASON_MAX,
            body_min=REASON_MIN,
            hint="The admins see the post, your reason and your name. The author is not told who.",
        )
        if written is not None:
            service = self._service
            self._record(
                lambda: service.report(kind, post.id, written.body),
                "Report saved; the admins will look at it.",
            )

    def _confirm_dialog(self, text: str) -> bool:
        answer = QMessageBox.question(self._page, "Community", text)
        return answer == QMessageBox.StandardButton.Yes
