"""The community of a course, for the screens: reading (community_views.py) and every action,
each one recorded as a sync mutation so it works offline and waits in the outbox.

Input is checked here first with the server's own limits, so a user learns what is wrong
while typing, not from a refusal at the next sync; the server checks again whatever arrives.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.community import (
    BODY_MAX,
    REASON_MAX,
    REASON_MIN,
    TITLE_MAX,
    TITLE_MIN,
    AcceptArgs,
    AnswerArgs,
    AskArgs,
    DeletePostArgs,
    EditPostArgs,
    MarkSeenArgs,
    ModerateArgs,
    PinArgs,
    PostKind,
    ReplyArgs,
    ReportAction,
    ReportArgs,
    ResolveEditConflictArgs,
    StartThreadArgs,
    VoteArgs,
    VoteKind,
)
from lmsdesk.contracts.mutations import MutationType
from lmsdesk.local_db.models.community import (
    CommunityAnswer,
    CommunityQuestion,
    DiscussionPost,
    DiscussionThread,
)
from lmsdesk.services.community_views import (
    AnswerItem,
    CommunityCourse,
    CommunityReader,
    Notice,
    PostItem,
    QuestionItem,
    ReportItem,
    ThreadItem,
)
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService
from lmsdesk.sync.local_community import POSTS

T = TypeVar("T")


class CommunityRefused(UserFacingError):
    """A community action cannot happen (not this user's course, text too long...)."""


def check_title(title: str) -> str:
    title = title.strip()
    if len(title) < TITLE_MIN:
        raise CommunityRefused(f"The title needs at least {TITLE_MIN} characters.")
    if len(title) > TITLE_MAX:
        raise CommunityRefused(f"The title can be at most {TITLE_MAX} characters.")
    return title


def check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise CommunityRefused("Write something first.")
    if len(body) > BODY_MAX:
        raise CommunityRefused(
            f"That is {len(body):,} characters; a post can be at most {BODY_MAX:,}."
        )
    return body


class CommunityService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    # ------------------------------------------------------------ reading
    def _read(self, query: Callable[[CommunityReader], T]) -> T:
        store = self._session.require_store()
        with store.reading() as session:
            return query(CommunityReader(session, self._me()))

    def communities(self) -> list[CommunityCourse]:
        if self._session.store is None:
            return []
        return self._read(lambda r: r.communities())

    def standing(self, course_id: uuid.UUID) -> str | None:
        return self._read(lambda r: r.standing(course_id))

    def questions(
        self,
        course_id: uuid.UUID,
        *,
        lesson_id: uuid.UUID | None = None,
        show: str = "all",
        search: str = "",
        sort: str = "newest",
    ) -> list[QuestionItem]:
        return self._read(
            lambda r: r.questions(
                course_id, lesson_id=lesson_id, show=show, search=search, sort=sort
            )
        )

    def question(self, question_id: uuid.UUID) -> tuple[QuestionItem, list[AnswerItem]] | None:
        return self._read(lambda r: r.question(question_id))

    def unanswered(self) -> list[QuestionItem]:
        return self._read(lambda r: r.unanswered())

    def threads(self, course_id: uuid.UUID) -> list[ThreadItem]:
        return self._read(lambda r: r.threads(course_id))

    def thread(self, thread_id: uuid.UUID) -> tuple[ThreadItem, list[PostItem]] | None:
        return self._read(lambda r: r.thread(thread_id))

    def notices(self) -> dict[uuid.UUID, Notice]:
        if self._session.store is None:
            return {}
        return self._read(lambda r: r.notices())

    def reports(self) -> list[ReportItem]:
        return self._read(lambda r: r.reports())

    # ------------------------------------------------------------ writing
    def ask(
        self,
        course_id: uuid.UUID,
        title: str,
        body: str,
        *,
        lesson_id: uuid.UUID | None = None,
        video_second: int | None = None,
    ) -> uuid.UUID:
        self._require_standing(course_id, "student", doing="ask questions")
        question_id = uuid.uuid4()
        self._record(
            m.ASK,
            lambda: AskArgs(
                question_id=question_id,
                course_id=course_id,
                lesson_id=lesson_id,
                video_second=video_second if lesson_id else None,
                title=check_title(title),
                body=check_body(body),
            ),
        )
        return question_id

    def answer(self, question_id: uuid.UUID, body: str) -> uuid.UUID:
        question = self.question(question_id)
        if question is None:
            raise CommunityRefused("That question is no longer here.")
        self._require_standing(question[0].course_id, "student", "instructor", doing="answer")
        answer_id = uuid.uuid4()
        self._record(
            m.ANSWER,
            lambda: AnswerArgs(answer_id=answer_id, question_id=question_id, body=check_body(body)),
        )
        return answer_id

    def accept(self, answer_id: uuid.UUID) -> None:
        self._record(m.ACCEPT, lambda: AcceptArgs(answer_id=answer_id))

    def vote(self, kind: VoteKind, target_id: uuid.UUID, up: bool) -> None:
        self._record(m.VOTE, lambda: VoteArgs(kind=kind, target_id=target_id, up=up))

    def start_thread(
        self, course_id: uuid.UUID, title: str, body: str, section_id: uuid.UUID | None = None
    ) -> uuid.UUID:
        self._require_standing(course_id, "student", "instructor", doing="start discussions")
        thread_id = uuid.uuid4()
        self._record(
            m.START_THREAD,
            lambda: StartThreadArgs(
                thread_id=thread_id,
                course_id=course_id,
                section_id=section_id,
                title=check_title(title),
                body=check_body(body),
            ),
        )
        return thread_id

    def reply(
        self, thread_id: uuid.UUID, body: str, parent_post_id: uuid.UUID | None = None
    ) -> uuid.UUID:
        found = self.thread(thread_id)
        if found is None:
            raise CommunityRefused("That discussion is no longer here.")
        self._require_standing(found[0].course_id, "student", "instructor", doing="reply")
        post_id = uuid.uuid4()
        self._record(
            m.REPLY,
            lambda: ReplyArgs(
                post_id=post_id,
                thread_id=thread_id,
                parent_post_id=parent_post_id,
                body=check_body(body),
            ),
        )
        return post_id

    def pin(self, thread_id: uuid.UUID, pinned: bool) -> None:
        self._record(m.PIN, lambda: PinArgs(thread_id=thread_id, pinned=pinned))

    def edit(self, kind: PostKind, post_id: uuid.UUID, body: str, title: str | None = None) -> None:
        """An edit of a post still on this device sends the post again with the new words;
        of one the server has, an edit from the revision this device last saw."""
        body = check_body(body)
        title = check_title(title) if title is not None else None
        store = self._session.require_store()
        model = POSTS[kind]  # the same table per kind as the local mutations use
        with store.reading() as session:
            row = session.get(model, post_id)
            if row is None:
                raise CommunityRefused("That post is no longer here.")
            if row.author_id != self._me():
                raise CommunityRefused("You can only change your own posts.")
            unsent = row.sync_version == 0
            revision = row.revision
            again = _sent_again(row, title, body) if unsent else None
        engine = self._session.require_engine()
        if again is not None:
            engine.record(again[0], again[1])
            return
        edit = EditPostArgs(kind=kind, id=post_id, title=title, body=body, base_revision=revision)
        engine.record(m.EDIT_POST, edit)

    def delete(self, kind: PostKind, post_id: uuid.UUID) -> None:
        self._record(m.DELETE_POST, lambda: DeletePostArgs(kind=kind, id=post_id))

    def choose_version(self, conflict_id: uuid.UUID, use_other: bool) -> None:
        args = ResolveEditConflictArgs(conflict_id=conflict_id, use_other=use_other)
        self._session.require_engine().record(m.RESOLVE_EDIT_CONFLICT, args)

    def report(self, kind: PostKind, target_id: uuid.UUID, reason: str) -> None:
        reason = reason.strip()
        if not REASON_MIN <= len(reason) <= REASON_MAX:
            raise CommunityRefused(
                f"Say in {REASON_MIN} to {REASON_MAX} characters what is wrong with it."
            )
        self._record(
            m.REPORT,
            lambda: ReportArgs(
                report_id=uuid.uuid4(), kind=kind, target_id=target_id, reason=reason
            ),
        )

    def moderate(self, kind: PostKind, target_id: uuid.UUID, hide: bool, note: str = "") -> None:
        action = ReportAction.HIDE if hide else ReportAction.DISMISS
        self._record(
            m.MODERATE_REPORT,
            lambda: ModerateArgs(kind=kind, target_id=target_id, action=action, note=note.strip()),
        )

    def mark_seen(self, course_id: uuid.UUID) -> bool:
        """Clear the course's notifications (on every device, after the next sync)."""
        newest, seen = self._read(lambda r: (r.newest_seen(course_id), r.seen_through(course_id)))
        if newest is None or (seen is not None and seen >= newest):
            return False
        args = MarkSeenArgs(course_id=course_id, seen_through=newest)
        self._session.require_engine().record(m.MARK_SEEN, args)
        return True

    # ------------------------------------------------------------ helpers
    def _me(self) -> uuid.UUID:
        current = self._session.current
        if current is None:
            raise CommunityRefused("Sign in first.")
        return current.profile.user_id

    def _require_standing(self, course_id: uuid.UUID, *allowed: str, doing: str) -> None:
        standing = self.standing(course_id)
        if standing not in allowed:
            if standing is None:
                raise CommunityRefused(
                    "Only the course's students and instructor take part in its community."
                )
            raise CommunityRefused(f"Instructors answer here; students {doing}.")

    def _record(self, mutation: MutationType[Any], build: Callable[[], BaseModel]) -> None:
        try:
            args = build()
        except ValidationError as exc:
            first = exc.errors()[0]
            raise CommunityRefused(str(first.get("msg", "That is not valid."))) from exc
        self._session.require_engine().record(mutation, args)


def _sent_again(
    row: CommunityQuestion | CommunityAnswer | DiscussionThread | DiscussionPost,
    title: str | None,
    body: str,
) -> tuple[MutationType[Any], BaseModel]:
    if isinstance(row, CommunityQuestion):
        return m.ASK, AskArgs(
            question_id=row.id,
            course_id=row.course_id,
            lesson_id=row.lesson_id,
            video_second=row.video_second,
            title=title or row.title,
            body=body,
        )
    if isinstance(row, CommunityAnswer):
        return m.ANSWER, AnswerArgs(answer_id=row.id, question_id=row.question_id, body=body)
    if isinstance(row, DiscussionThread):
        return m.START_THREAD, StartThreadArgs(
            thread_id=row.id,
            course_id=row.course_id,
            section_id=row.section_id,
            title=title or row.title,
            body=body,
        )
    return m.REPLY, ReplyArgs(
        post_id=row.id, thread_id=row.thread_id, parent_post_id=row.parent_post_id, body=body
    )
