"""What the community screens show, read from the local store (so all of it works offline for
courses on this device): questions and answers, threads and their replies as a tree, who wrote
what, what is still waiting to be sent, and the counts behind the notifications.

Counts a user's own unsent changes would make wrong are worked out here rather than stored:
answers and replies are counted from their rows, and a vote not yet counted by the server
adds its `pending` effect to the server's count.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.community import EDIT_WINDOW
from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk.local_db.models.client import OutboxItem, OutboxState
from lmsdesk.local_db.models.community import (
    CommunityAnswer,
    CommunityEditConflict,
    CommunityQuestion,
    CommunityReport,
    CommunitySeen,
    CommunityVote,
    DiscussionPost,
    DiscussionThread,
)
from lmsdesk.local_db.models.mirror import Course, CourseSection, Enrollment, Lesson

_PUBLISHED = (CourseStatus.APPROVED, CourseStatus.ARCHIVED)
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")


def safe_markdown(text: str) -> str:
    """Markdown as people may write it here: images become links (nothing is fetched from
    another server just because a post is shown); raw HTML is left to the renderer to show as
    text (the UI renders with HTML turned off)."""
    return _IMAGE.sub(lambda m: f"[image: {m.group(1) or 'untitled'}]({m.group(2)})", text)


@dataclass(frozen=True)
class Conflict:
    """Another device's version of this post, kept for its author to choose."""

    id: uuid.UUID
    title: str | None
    body: str


@dataclass(frozen=True)
class Written:
    id: uuid.UUID
    body: str
    author: str
    mine: bool
    by_instructor: bool
    created_at: datetime
    edited: bool
    revision: int
    #: Written on this device and not yet on the server (or an edit not yet sent).
    waiting: bool
    can_change: bool
    conflict: Conflict | None


@dataclass(frozen=True)
class QuestionItem(Written):
    course_id: uuid.UUID
    title: str
    lesson_id: uuid.UUID | None
    lesson_title: str
    video_second: int | None
    resolved: bool
    accepted_answer_id: uuid.UUID | None
    votes: int
    voted: bool
    answers: int


@dataclass(frozen=True)
class AnswerItem(Written):
    accepted: bool
    votes: int
    voted: bool


@dataclass(frozen=True)
class ThreadItem(Written):
    course_id: uuid.UUID
    title: str
    section_title: str
    pinned: bool
    replies: int
    last_post_at: datetime


@dataclass(frozen=True)
class PostItem(Written):
    parent_id: uuid.UUID | None
    depth: int


@dataclass(frozen=True)
class ReportItem:
    id: uuid.UUID
    kind: str
    target_id: uuid.UUID
    course_title: str
    context_title: str
    excerpt: str
    author_name: str
    reporter_name: str
    reason: str
    created_at: datetime
    #: Other open reports of the same item (one decision settles them all).
    also_reported_by: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CommunityCourse:
    course_id: uuid.UUID
    title: str
    #: "student" or "instructor"
    standing: str
    #: Sections (weeks, when the course runs in cohorts) a discussion may belong to.
    sections: list[tuple[uuid.UUID, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Notice:
    """A course's community news for this user."""

    new_answers: int = 0
    new_replies: int = 0
    unanswered: int = 0

    @property
    def total(self) -> int:
        return self.new_answers + self.new_replies + self.unanswered

    def text(self) -> str:
        parts = []
        if self.new_answers:
            parts.append(_plural(self.new_answers, "new answer") + " to your questions")
        if self.new_replies:
            parts.append(_plural(self.new_replies, "new reply", "new replies") + " in your threads")
        if self.unanswered:
            parts.append(_plural(self.unanswered, "unanswered question"))
        return "; ".join(parts)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


class CommunityReader:
    """Queries over one open store session, for one user."""

    def __init__(self, session: Session, user_id: uuid.UUID) -> None:
        self._s = session
        self._me = user_id
        self._waiting = _waiting_keys(session)
        self._now = datetime.now(UTC)

    # ------------------------------------------------------------ who
    def standing(self, course_id: uuid.UUID) -> str | None:
        """'instructor', 'student' or None (not this user's course community)."""
        course = self._s.get(Course, course_id)
        if course is not None and course.instructor_id == self._me:
            return "instructor"
        active = self._s.scalar(
            select(Enrollment.id).where(
                Enrollment.course_id == course_id,
                Enrollment.student_id == self._me,
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
        )
        return "student" if active is not None else None

    def communities(self) -> list[CommunityCourse]:
        """The courses whose community this user takes part in: taught, then studied."""
        taught = self._s.scalars(
            select(Course)
            .where(Course.instructor_id == self._me, Course.status.in_(_PUBLISHED))
            .order_by(Course.title)
        ).all()
        studied = self._s.scalars(
            select(Course)
            .join(Enrollment, Enrollment.course_id == Course.id)
            .where(
                Enrollment.student_id == self._me,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Course.status.in_(_PUBLISHED),
                Course.instructor_id != self._me,
            )
            .order_by(Course.title)
        ).all()
        found = [(c, "instructor") for c in taught] + [(c, "student") for c in studied]
        return [
            CommunityCourse(
                course.id,
                course.title,
                standing,
                [
                    (s.id, s.title)
                    for s in self._s.scalars(
                        select(CourseSection)
                        .where(CourseSection.course_id == course.id)
                        .order_by(CourseSection.position)
                    )
                ],
            )
            for course, standing in found
        ]

    def _instructor_of(self, course_id: uuid.UUID) -> uuid.UUID | None:
        course = self._s.get(Course, course_id)
        return course.instructor_id if course else None

    # ------------------------------------------------------------ questions
    def questions(
        self,
        course_id: uuid.UUID,
        *,
        lesson_id: uuid.UUID | None = None,
        show: str = "all",
        search: str = "",
        sort: str = "newest",
    ) -> list[QuestionItem]:
        stmt = select(CommunityQuestion).where(CommunityQuestion.course_id == course_id)
        if lesson_id is not None:
            stmt = stmt.where(CommunityQuestion.lesson_id == lesson_id)
        if show == "open":
            stmt = stmt.where(CommunityQuestion.status == "open")
        elif show == "resolved":
            stmt = stmt.where(CommunityQuestion.status == "resolved")
        elif show == "mine":
            stmt = stmt.where(CommunityQuestion.author_id == self._me)
        for word in search.split():
            like = f"%{word}%"
            stmt = stmt.where(
                or_(CommunityQuestion.title.ilike(like), CommunityQuestion.body.ilike(like))
            )
        items = self._question_items(self._s.scalars(stmt).all())
        if sort == "votes":
            items.sort(key=lambda q: (q.votes, q.created_at), reverse=True)
        else:
            items.sort(key=lambda q: q.created_at, reverse=True)
        return items

    def question(self, question_id: uuid.UUID) -> tuple[QuestionItem, list[AnswerItem]] | None:
        row = self._s.get(CommunityQuestion, question_id)
        if row is None:
            return None
        (item,) = self._question_items([row])
        answers = self._s.scalars(
            select(CommunityAnswer)
            .where(CommunityAnswer.question_id == question_id)
            .order_by(CommunityAnswer.created_at, CommunityAnswer.id)
        ).all()
        instructor = self._instructor_of(row.course_id)
        votes = self._votes("answer", [a.id for a in answers])
        conflicts = self._conflicts([a.id for a in answers])
        shown = [
            AnswerItem(
                **self._written(a, instructor, conflicts),
                accepted=a.id == row.accepted_answer_id,
                votes=a.vote_count + votes.get(a.id, (0, False))[0],
                voted=votes.get(a.id, (0, False))[1],
            )
            for a in answers
        ]
        # The solution first, then the rest by votes, then oldest first.
        shown.sort(key=lambda a: (not a.accepted, -a.votes, a.created_at))
        return item, shown

    def unanswered(self) -> list[QuestionItem]:
        """The instructor's inbox: open questions with no answer in their courses, oldest
        first."""
        mine = select(Course.id).where(Course.instructor_id == self._me)
        answered = select(CommunityAnswer.question_id)
        rows = self._s.scalars(
            select(CommunityQuestion)
            .where(
                CommunityQuestion.course_id.in_(mine),
                CommunityQuestion.status == "open",
                CommunityQuestion.id.not_in(answered),
            )
            .order_by(CommunityQuestion.created_at)
        ).all()
        return self._question_items(rows)

    def _question_items(self, rows: Iterable[CommunityQuestion]) -> list[QuestionItem]:
        rows = list(rows)
        ids = [q.id for q in rows]
        answers = dict(
            self._s.execute(
                select(CommunityAnswer.question_id, func.count())
                .where(CommunityAnswer.question_id.in_(ids))
                .group_by(CommunityAnswer.question_id)
            ).all()
        )
        votes = self._votes("question", ids)
        conflicts = self._conflicts(ids)
        lesson_ids = {q.lesson_id for q in rows if q.lesson_id}
        lessons = dict(
            self._s.execute(select(Lesson.id, Lesson.title).where(Lesson.id.in_(lesson_ids))).all()
        )
        instructors: dict[uuid.UUID, uuid.UUID | None] = {}
        items = []
        for q in rows:
            if q.course_id not in instructors:
                instructors[q.course_id] = self._instructor_of(q.course_id)
            items.append(
                QuestionItem(
                    **self._written(q, instructors[q.course_id], conflicts),
                    course_id=q.course_id,
                    title=q.title,
                    lesson_id=q.lesson_id,
                    lesson_title=lessons.get(q.lesson_id, "") if q.lesson_id else "",
                    video_second=q.video_second,
                    resolved=q.status == "resolved",
                    accepted_answer_id=q.accepted_answer_id,
                    votes=q.vote_count + votes.get(q.id, (0, False))[0],
                    voted=votes.get(q.id, (0, False))[1],
                    answers=int(answers.get(q.id, 0)),
                )
            )
        return items

    # ------------------------------------------------------------ discussions
    def threads(self, course_id: uuid.UUID) -> list[ThreadItem]:
        rows = self._s.scalars(
            select(DiscussionThread).where(DiscussionThread.course_id == course_id)
        ).all()
        ids = [t.id for t in rows]
        replies = dict(
            self._s.execute(
                select(DiscussionPost.thread_id, func.count())
                .where(DiscussionPost.thread_id.in_(ids))
                .group_by(DiscussionPost.thread_id)
            ).all()
        )
        latest = dict(
            self._s.execute(
                select(DiscussionPost.thread_id, func.max(DiscussionPost.created_at))
                .where(DiscussionPost.thread_id.in_(ids))
                .group_by(DiscussionPost.thread_id)
            ).all()
        )
        sections = dict(
            self._s.execute(
                select(CourseSection.id, CourseSection.title).where(
                    CourseSection.course_id == course_id
                )
            ).all()
        )
        instructor = self._instructor_of(course_id)
        conflicts = self._conflicts(ids)
        items = [
            ThreadItem(
                **self._written(t, instructor, conflicts),
                course_id=t.course_id,
                title=t.title,
                section_title=sections.get(t.section_id, "") if t.section_id else "",
                pinned=t.pinned,
                replies=int(replies.get(t.id, 0)),
                last_post_at=max(t.last_post_at, _aware(latest.get(t.id)) or t.last_post_at),
            )
            for t in rows
        ]
        items.sort(key=lambda t: (t.pinned, t.last_post_at), reverse=True)
        return items

    def thread(self, thread_id: uuid.UUID) -> tuple[ThreadItem, list[PostItem]] | None:
        row = self._s.get(DiscussionThread, thread_id)
        if row is None:
            return None
        item = next(t for t in self.threads(row.course_id) if t.id == thread_id)
        posts = self._s.scalars(
            select(DiscussionPost)
            .where(DiscussionPost.thread_id == thread_id)
            .order_by(DiscussionPost.created_at, DiscussionPost.id)
        ).all()
        instructor = self._instructor_of(row.course_id)
        conflicts = self._conflicts([p.id for p in posts])
        children: dict[uuid.UUID | None, list[DiscussionPost]] = {}
        known = {p.id for p in posts}
        for post in posts:
            # A reply to a removed post stays, at the top level.
            parent = post.parent_post_id if post.parent_post_id in known else None
            children.setdefault(parent, []).append(post)
        ordered: list[PostItem] = []

        def walk(parent: uuid.UUID | None, depth: int) -> None:
            for post in children.get(parent, []):
                ordered.append(
                    PostItem(
                        **self._written(post, instructor, conflicts),
                        parent_id=post.parent_post_id,
                        depth=depth,
                    )
                )
                walk(post.id, min(depth + 1, 6))

        walk(None, 0)
        return item, ordered

    # ------------------------------------------------------------ notifications
    def notices(self) -> dict[uuid.UUID, Notice]:
        marks = dict(
            self._s.execute(
                select(CommunitySeen.course_id, CommunitySeen.seen_through).where(
                    CommunitySeen.user_id == self._me
                )
            ).all()
        )
        since_mark = {course: _aware(at) for course, at in marks.items()}
        found: dict[uuid.UUID, dict[str, int]] = {}

        def count(course: uuid.UUID, key: str, created: datetime) -> None:
            seen = since_mark.get(course)
            if seen is None or _aware(created) > seen:  # type: ignore[operator]
                found.setdefault(course, {}).setdefault(key, 0)
                found[course][key] += 1

        my_questions = select(CommunityQuestion.id).where(CommunityQuestion.author_id == self._me)
        for course, created in self._s.execute(
            select(CommunityAnswer.course_id, CommunityAnswer.created_at).where(
                CommunityAnswer.question_id.in_(my_questions),
                CommunityAnswer.author_id != self._me,
            )
        ):
            count(course, "new_answers", created)
        my_threads = select(DiscussionThread.id).where(DiscussionThread.author_id == self._me)
        for course, created in self._s.execute(
            select(DiscussionPost.course_id, DiscussionPost.created_at).where(
                DiscussionPost.thread_id.in_(my_threads), DiscussionPost.author_id != self._me
            )
        ):
            count(course, "new_replies", created)
        for question in self.unanswered():
            found.setdefault(question.course_id, {}).setdefault("unanswered", 0)
            found[question.course_id]["unanswered"] += 1
        return {course: Notice(**counts) for course, counts in found.items()}

    def newest_seen(self, course_id: uuid.UUID) -> datetime | None:
        """The newest server time among what the course's community shows (the read mark)."""
        times = [
            self._s.scalar(
                select(func.max(model.created_at)).where(
                    model.course_id == course_id, model.sync_version > 0
                )
            )
            for model in (CommunityQuestion, CommunityAnswer, DiscussionThread, DiscussionPost)
        ]
        known = [_aware(t) for t in times if t is not None]
        return max(known) if known else None  # type: ignore[type-var]

    def seen_through(self, course_id: uuid.UUID) -> datetime | None:
        mark = self._s.get(CommunitySeen, (self._me, course_id))
        return _aware(mark.seen_through) if mark else None

    # ------------------------------------------------------------ moderation
    def reports(self) -> list[ReportItem]:
        rows = self._s.scalars(
            select(CommunityReport)
            .where(CommunityReport.status == "open")
            .order_by(CommunityReport.created_at)
        ).all()
        first: dict[tuple[str, uuid.UUID], ReportItem] = {}
        for r in rows:
            key = (r.kind, r.target_id)
            if key in first:
                first[key].also_reported_by.append(r.reporter_name)
                continue
            first[key] = ReportItem(
                id=r.id,
                kind=r.kind,
                target_id=r.target_id,
                course_title=r.course_title,
                context_title=r.context_title,
                excerpt=r.excerpt,
                author_name=r.author_name,
                reporter_name=r.reporter_name,
                reason=r.reason,
                created_at=r.created_at,
            )
        return list(first.values())

    # ------------------------------------------------------------ shared
    def _written(
        self,
        row: CommunityQuestion | CommunityAnswer | DiscussionThread | DiscussionPost,
        instructor: uuid.UUID | None,
        conflicts: dict[uuid.UUID, Conflict],
    ) -> dict[str, Any]:
        mine = row.author_id == self._me
        waiting = row.sync_version == 0 or f"edit:{row.id}" in self._waiting
        age = self._now - (_aware(row.created_at) or self._now)
        return {
            "id": row.id,
            "body": row.body,
            "author": "You" if mine else (row.author_name or "Someone"),
            "mine": mine,
            "by_instructor": instructor is not None and row.author_id == instructor,
            "created_at": _aware(row.created_at),
            "edited": row.edited_at is not None,
            "revision": row.revision,
            "waiting": waiting,
            # A post still on this device is always editable; a sent one within the window.
            "can_change": mine and (row.sync_version == 0 or age <= EDIT_WINDOW),
            "conflict": conflicts.get(row.id) if mine else None,
        }

    def _votes(self, kind: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, bool]]:
        """target -> (this device's uncounted effect, whether the user's vote stands)."""
        rows = self._s.execute(
            select(CommunityVote.target_id, CommunityVote.pending).where(
                CommunityVote.user_id == self._me,
                CommunityVote.kind == kind,
                CommunityVote.target_id.in_(ids),
            )
        )
        return {target: (pending, pending >= 0) for target, pending in rows}

    def _conflicts(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Conflict]:
        rows = self._s.scalars(
            select(CommunityEditConflict)
            .where(
                CommunityEditConflict.target_id.in_(ids),
                CommunityEditConflict.author_id == self._me,
                CommunityEditConflict.resolved_at.is_(None),
            )
            .order_by(CommunityEditConflict.created_at)
        )
        return {c.target_id: Conflict(c.id, c.title, c.body) for c in rows}


def _waiting_keys(session: Session) -> set[str]:
    keys = session.scalars(
        select(OutboxItem.coalesce_key).where(
            OutboxItem.state == OutboxState.PENDING, OutboxItem.coalesce_key.like("edit:%")
        )
    )
    return {k for k in keys if k}


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
