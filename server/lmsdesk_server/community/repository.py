"""The community's SQL: rows by id under their lock, the lists REST serves, counters."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, select, update

from lmsdesk.contracts.community import PostKind, QuestionStatus, ReportStatus, VoteKind
from lmsdesk_server.db.models import (
    CommunityAnswer,
    CommunityQuestion,
    CommunityReport,
    CommunityVote,
    Course,
    CourseRating,
    DiscussionPost,
    DiscussionThread,
    User,
)
from lmsdesk_server.db.names import shown_name
from lmsdesk_server.db.repository import Repository

Post = CommunityQuestion | CommunityAnswer | DiscussionThread | DiscussionPost
POST_MODELS: dict[PostKind, Any] = {
    PostKind.QUESTION: CommunityQuestion,
    PostKind.ANSWER: CommunityAnswer,
    PostKind.THREAD: DiscussionThread,
    PostKind.POST: DiscussionPost,
    PostKind.REVIEW: CourseRating,
}
VOTED_MODELS: dict[VoteKind, Any] = {
    VoteKind.QUESTION: CommunityQuestion,
    VoteKind.ANSWER: CommunityAnswer,
    VoteKind.REVIEW: CourseRating,
}
TABLE_NAMES: dict[PostKind, str] = {
    kind: model.__tablename__ for kind, model in POST_MODELS.items()
}


class CommunityRepository(Repository):
    def locked(self, kind: PostKind, target_id: uuid.UUID) -> Any:
        """A post (or review) still shown, with its row locked until the transaction ends:
        counters and accepted answers change under that lock, one writer at a time."""
        model = POST_MODELS[kind]
        stmt = select(model).where(model.id == target_id, model.hidden_at.is_(None))
        if kind is not PostKind.REVIEW:
            stmt = stmt.where(model.deleted_at.is_(None))
        return self.session.scalars(stmt.with_for_update()).one_or_none()

    def vote(
        self, user_id: uuid.UUID, kind: VoteKind, target_id: uuid.UUID
    ) -> CommunityVote | None:
        return self.session.get(CommunityVote, (user_id, kind, target_id))

    def report_of(
        self, reporter_id: uuid.UUID, kind: PostKind, target_id: uuid.UUID
    ) -> CommunityReport | None:
        stmt = select(CommunityReport).where(
            CommunityReport.reporter_id == reporter_id,
            CommunityReport.kind == kind,
            CommunityReport.target_id == target_id,
        )
        return self.session.scalars(stmt).one_or_none()

    def open_reports(self, kind: PostKind, target_id: uuid.UUID) -> list[CommunityReport]:
        stmt = (
            select(CommunityReport)
            .where(
                CommunityReport.kind == kind,
                CommunityReport.target_id == target_id,
                CommunityReport.status == ReportStatus.OPEN,
            )
            .with_for_update()
        )
        return list(self.session.scalars(stmt))

    def user_name(self, user_id: uuid.UUID) -> str:
        return str(
            self.session.scalar(select(shown_name(User.full_name)).where(User.id == user_id))
        )

    # ------------------------------------------------------------ lists for REST
    def questions(
        self,
        course_id: uuid.UUID,
        *,
        lesson_id: uuid.UUID | None,
        q: str | None,
        status: QuestionStatus | None,
        author_id: uuid.UUID | None,
        sort: str,
        offset: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        stmt = _shown_questions().where(CommunityQuestion.course_id == course_id)
        if lesson_id is not None:
            stmt = stmt.where(CommunityQuestion.lesson_id == lesson_id)
        if status is not None:
            stmt = stmt.where(CommunityQuestion.status == status)
        if author_id is not None:
            stmt = stmt.where(CommunityQuestion.author_id == author_id)
        order: list[Any] = []
        if q:
            document = func.to_tsvector(
                "english", CommunityQuestion.title + " " + CommunityQuestion.body
            )
            query = func.websearch_to_tsquery("english", q)
            stmt = stmt.where(document.op("@@")(query))
            order.append(func.ts_rank(document, query).desc())
        if sort == "votes":
            order.append(CommunityQuestion.vote_count.desc())
        order += [CommunityQuestion.created_at.desc(), CommunityQuestion.id]
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.execute(stmt.order_by(*order).offset(offset).limit(limit))
        return [dict(row._mapping) for row in rows], int(total)

    def question(self, question_id: uuid.UUID) -> dict[str, Any] | None:
        row = self.session.execute(
            _shown_questions().where(CommunityQuestion.id == question_id)
        ).first()
        return dict(row._mapping) if row else None

    def answers(self, question_id: uuid.UUID) -> list[dict[str, Any]]:
        stmt = (
            select(
                CommunityAnswer,
                shown_name(User.full_name).label("author_name"),
                (Course.instructor_id == CommunityAnswer.author_id).label("is_instructor"),
            )
            .join(User, User.id == CommunityAnswer.author_id)
            .join(Course, Course.id == CommunityAnswer.course_id)
            .where(
                CommunityAnswer.question_id == question_id,
                CommunityAnswer.hidden_at.is_(None),
                CommunityAnswer.deleted_at.is_(None),
            )
            .order_by(CommunityAnswer.created_at, CommunityAnswer.id)
        )
        return [
            {**_columns(answer), "author_name": name, "is_instructor": bool(mine)}
            for answer, name, mine in self.session.execute(stmt)
        ]

    def unanswered(
        self, instructor_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Open questions nobody has answered, across an instructor's courses, oldest first."""
        stmt = (
            _shown_questions()
            .join(Course, Course.id == CommunityQuestion.course_id)
            .where(
                Course.instructor_id == instructor_id,
                CommunityQuestion.answer_count == 0,
                CommunityQuestion.status == QuestionStatus.OPEN,
            )
        )
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.execute(
            stmt.order_by(CommunityQuestion.created_at, CommunityQuestion.id)
            .offset(offset)
            .limit(limit)
        )
        return [dict(row._mapping) for row in rows], int(total)

    def threads(
        self, course_id: uuid.UUID, *, section_id: uuid.UUID | None, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        stmt = _shown(DiscussionThread).where(DiscussionThread.course_id == course_id)
        if section_id is not None:
            stmt = stmt.where(DiscussionThread.section_id == section_id)
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.execute(
            stmt.order_by(
                DiscussionThread.pinned.desc(),
                DiscussionThread.last_post_at.desc(),
                DiscussionThread.id,
            )
            .offset(offset)
            .limit(limit)
        )
        return [dict(row._mapping) for row in rows], int(total)

    def thread(self, thread_id: uuid.UUID) -> dict[str, Any] | None:
        row = self.session.execute(
            _shown(DiscussionThread).where(DiscussionThread.id == thread_id)
        ).first()
        return dict(row._mapping) if row else None

    def posts(self, thread_id: uuid.UUID) -> list[dict[str, Any]]:
        stmt = (
            _shown(DiscussionPost)
            .where(DiscussionPost.thread_id == thread_id)
            .order_by(DiscussionPost.created_at, DiscussionPost.id)
        )
        return [dict(row._mapping) for row in self.session.execute(stmt)]

    def reports(
        self, *, status: ReportStatus | None, offset: int, limit: int
    ) -> tuple[list[CommunityReport], int]:
        stmt = select(CommunityReport)
        if status is not None:
            stmt = stmt.where(CommunityReport.status == status)
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.scalars(
            stmt.order_by(CommunityReport.created_at, CommunityReport.id)
            .offset(offset)
            .limit(limit)
        )
        return list(rows), int(total)

    def bump(self, model: Any, row_id: uuid.UUID, column: str, by: int) -> None:
        column_attr = getattr(model, column)
        self.session.execute(
            update(model).where(model.id == row_id).values({column: column_attr + by})
        )


def _columns(row: Any) -> dict[str, Any]:
    return {
        c.key: getattr(row, c.key) for c in row.__table__.columns if not c.key.startswith("sync_")
    }


def _shown(model: Any) -> Select[Any]:
    columns = [c for c in model.__table__.columns if not c.key.startswith("sync_")]
    return (
        select(*columns, shown_name(User.full_name).label("author_name"))
        .join(User, User.id == model.author_id)
        .where(model.hidden_at.is_(None), model.deleted_at.is_(None))
    )


def _shown_questions() -> Select[Any]:
    return _shown(CommunityQuestion)
