"""Reading a course's community over REST (devices read their synced copy instead): the same
readers as the sync partition, hidden and deleted posts left out."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.community import (
    AnswerOut,
    PostOut,
    QuestionDetail,
    QuestionOut,
    QuestionPage,
    QuestionStatus,
    ReportOut,
    ReportPage,
    ReportStatus,
    ThreadDetail,
    ThreadOut,
    ThreadPage,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.admin.service.audit import require_admin
from lmsdesk_server.community.repository import CommunityRepository
from lmsdesk_server.community.service.access import readable
from lmsdesk_server.mutation import MutationRejected

Out = TypeVar("Out", bound=BaseModel)


def _out(model: type[Out], row: Any) -> Out:
    """The fields the answer documents, out of a row that carries more."""
    get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    return model.model_validate({name: get(name) for name in model.model_fields})


def questions(
    session: Session,
    actor: Actor,
    course_id: uuid.UUID,
    *,
    lesson_id: uuid.UUID | None,
    q: str | None,
    status: QuestionStatus | None,
    mine: bool,
    sort: str,
    offset: int,
    limit: int,
) -> QuestionPage:
    readable(session, actor, course_id)
    rows, total = CommunityRepository(session).questions(
        course_id,
        lesson_id=lesson_id,
        q=q,
        status=status,
        author_id=actor.id if mine else None,
        sort=sort,
        offset=offset,
        limit=limit,
    )
    return QuestionPage(items=[_out(QuestionOut, r) for r in rows], total=total)


def _gone(what: str) -> MutationRejected:
    return MutationRejected(f"That {what} is no longer there.", status=404, code="not_found")


def question(session: Session, actor: Actor, question_id: uuid.UUID) -> QuestionDetail:
    repo = CommunityRepository(session)
    row = repo.question(question_id)
    if row is None:
        raise _gone("question")
    readable(session, actor, row["course_id"])
    answers = [_out(AnswerOut, a) for a in repo.answers(question_id)]
    return QuestionDetail(question=_out(QuestionOut, row), answers=answers)


def unanswered(session: Session, actor: Actor, *, offset: int, limit: int) -> QuestionPage:
    if not actor.has(Role.INSTRUCTOR):
        raise MutationRejected("Only instructors have a questions inbox.", status=403)
    rows, total = CommunityRepository(session).unanswered(actor.id, offset=offset, limit=limit)
    return QuestionPage(items=[_out(QuestionOut, r) for r in rows], total=total)


def threads(
    session: Session,
    actor: Actor,
    course_id: uuid.UUID,
    *,
    section_id: uuid.UUID | None,
    offset: int,
    limit: int,
) -> ThreadPage:
    readable(session, actor, course_id)
    rows, total = CommunityRepository(session).threads(
        course_id, section_id=section_id, offset=offset, limit=limit
    )
    return ThreadPage(items=[_out(ThreadOut, r) for r in rows], total=total)


def thread(session: Session, actor: Actor, thread_id: uuid.UUID) -> ThreadDetail:
    repo = CommunityRepository(session)
    row = repo.thread(thread_id)
    if row is None:
        raise _gone("thread")
    readable(session, actor, row["course_id"])
    posts = [_out(PostOut, p) for p in repo.posts(thread_id)]
    return ThreadDetail(thread=_out(ThreadOut, row), posts=posts)


def reports(
    session: Session, actor: Actor, *, status: ReportStatus | None, offset: int, limit: int
) -> ReportPage:
    require_admin(actor)
    rows, total = CommunityRepository(session).reports(status=status, offset=offset, limit=limit)
    return ReportPage(items=[_out(ReportOut, r) for r in rows], total=total)
