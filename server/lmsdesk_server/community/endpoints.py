"""The community over REST (DESIGN.md section 11.2). Every write runs its sync mutation's
handler through the door, so a question asked online and one asked offline meet the same rule;
writes answer the stored row as sync sends it. Reads are plain queries for the same readers as
the course's sync partition."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.community import (
    AcceptArgs,
    AnswerArgs,
    AnswerBody,
    AskArgs,
    AskBody,
    DecisionNote,
    DeletePostArgs,
    EditBody,
    EditPostArgs,
    MarkSeenArgs,
    ModerateArgs,
    PinArgs,
    PinBody,
    PostKind,
    QuestionDetail,
    QuestionPage,
    QuestionStatus,
    ReplyArgs,
    ReplyBody,
    ReportAction,
    ReportArgs,
    ReportBody,
    ReportPage,
    ReportStatus,
    SeenBody,
    StartThreadArgs,
    ThreadBody,
    ThreadDetail,
    ThreadPage,
    VoteArgs,
    VoteBody,
    VoteKind,
)
from lmsdesk_server.community.service import reading
from lmsdesk_server.deps import CurrentActor, Limit, Offset, SessionDep
from lmsdesk_server.sync.service import door

router = APIRouter(tags=["community"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
Row = dict[str, Any] | None


# ---------------------------------------------------------------- questions and answers
@router.get("/courses/{course_id}/questions", responses=_errors)
def list_questions(
    course_id: uuid.UUID,
    actor: CurrentActor,
    session: SessionDep,
    lesson_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    status: QuestionStatus | None = None,
    mine: bool = False,
    sort: Literal["newest", "votes"] = "newest",
    offset: Offset = 0,
    limit: Limit = 50,
) -> QuestionPage:
    return reading.questions(
        session,
        actor,
        course_id,
        lesson_id=lesson_id,
        q=q,
        status=status,
        mine=mine,
        sort=sort,
        offset=offset,
        limit=limit,
    )


@router.post("/courses/{course_id}/questions", status_code=201, responses=_errors)
def ask(course_id: uuid.UUID, body: AskBody, actor: CurrentActor, session: SessionDep) -> Row:
    fields = body.model_dump(exclude={"question_id"})
    args = AskArgs(question_id=body.question_id or uuid.uuid4(), course_id=course_id, **fields)
    return door.run(session, actor, m.ASK, args)


@router.get("/questions/{question_id}", responses=_errors)
def question(question_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> QuestionDetail:
    return reading.question(session, actor, question_id)


@router.post("/questions/{question_id}/answers", status_code=201, responses=_errors)
def answer(
    question_id: uuid.UUID, body: AnswerBody, actor: CurrentActor, session: SessionDep
) -> Row:
    args = AnswerArgs(
        answer_id=body.answer_id or uuid.uuid4(), question_id=question_id, body=body.body
    )
    return door.run(session, actor, m.ANSWER, args)


@router.post("/answers/{answer_id}/accept", responses=_errors)
def accept(answer_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Row:
    return door.run(session, actor, m.ACCEPT, AcceptArgs(answer_id=answer_id))


def _vote(kind: VoteKind, target: uuid.UUID, body: VoteBody, actor: Any, session: Any) -> Row:
    return door.run(session, actor, m.VOTE, VoteArgs(kind=kind, target_id=target, up=body.up))


@router.put("/questions/{question_id}/vote", responses=_errors)
def vote_question(
    question_id: uuid.UUID, body: VoteBody, actor: CurrentActor, session: SessionDep
) -> Row:
    return _vote(VoteKind.QUESTION, question_id, body, actor, session)


@router.put("/answers/{answer_id}/vote", responses=_errors)
def vote_answer(
    answer_id: uuid.UUID, body: VoteBody, actor: CurrentActor, session: SessionDep
) -> Row:
    return _vote(VoteKind.ANSWER, answer_id, body, actor, session)


@router.put("/reviews/{review_id}/helpful", responses=_errors)
def vote_review(
    review_id: uuid.UUID, body: VoteBody, actor: CurrentActor, session: SessionDep
) -> Row:
    return _vote(VoteKind.REVIEW, review_id, body, actor, session)


@router.get("/community/unanswered", responses=_errors)
def unanswered(
    actor: CurrentActor, session: SessionDep, offset: Offset = 0, limit: Limit = 50
) -> QuestionPage:
    """The instructor's inbox: open questions nobody has answered, oldest first."""
    return reading.unanswered(session, actor, offset=offset, limit=limit)


@router.put("/courses/{course_id}/community/seen", responses=_errors)
def mark_seen(
    course_id: uuid.UUID, body: SeenBody, actor: CurrentActor, session: SessionDep
) -> Row:
    args = MarkSeenArgs(course_id=course_id, seen_through=body.seen_through)
    return door.run(session, actor, m.MARK_SEEN, args)


# ---------------------------------------------------------------- discussions
@router.get("/courses/{course_id}/threads", responses=_errors)
def list_threads(
    course_id: uuid.UUID,
    actor: CurrentActor,
    session: SessionDep,
    section_id: uuid.UUID | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> ThreadPage:
    return reading.threads(
        session, actor, course_id, section_id=section_id, offset=offset, limit=limit
    )


@router.post("/courses/{course_id}/threads", status_code=201, responses=_errors)
def start_thread(
    course_id: uuid.UUID, body: ThreadBody, actor: CurrentActor, session: SessionDep
) -> Row:
    fields = body.model_dump(exclude={"thread_id"})
    args = StartThreadArgs(thread_id=body.thread_id or uuid.uuid4(), course_id=course_id, **fields)
    return door.run(session, actor, m.START_THREAD, args)


@router.get("/threads/{thread_id}", responses=_errors)
def thread(thread_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> ThreadDetail:
    return reading.thread(session, actor, thread_id)


@router.post("/threads/{thread_id}/posts", status_code=201, responses=_errors)
def reply(thread_id: uuid.UUID, body: ReplyBody, actor: CurrentActor, session: SessionDep) -> Row:
    args = ReplyArgs(
        post_id=body.post_id or uuid.uuid4(),
        thread_id=thread_id,
        parent_post_id=body.parent_post_id,
        body=body.body,
    )
    return door.run(session, actor, m.REPLY, args)


@router.post("/threads/{thread_id}/pin", responses=_errors)
def pin(thread_id: uuid.UUID, body: PinBody, actor: CurrentActor, session: SessionDep) -> Row:
    return door.run(session, actor, m.PIN, PinArgs(thread_id=thread_id, pinned=body.pinned))


# ---------------------------------------------------------------- authors' own posts
@router.patch("/community/{kind}/{post_id}", responses=_errors)
def edit(
    kind: PostKind, post_id: uuid.UUID, body: EditBody, actor: CurrentActor, session: SessionDep
) -> Row:
    args = EditPostArgs(kind=kind, id=post_id, **body.model_dump())
    return door.run(session, actor, m.EDIT_POST, args)


@router.delete("/community/{kind}/{post_id}", status_code=204, responses=_errors)
def delete(
    kind: PostKind, post_id: uuid.UUID, actor: CurrentActor, session: SessionDep
) -> Response:
    door.run(session, actor, m.DELETE_POST, DeletePostArgs(kind=kind, id=post_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- reports and moderation
@router.post("/reports", status_code=201, responses=_errors)
def report(body: ReportBody, actor: CurrentActor, session: SessionDep) -> Row:
    args = ReportArgs(report_id=uuid.uuid4(), kind=body.kind, target_id=body.id, reason=body.reason)
    return door.run(session, actor, m.REPORT, args)


@router.get("/moderation/reports", responses=_errors)
def reports(
    actor: CurrentActor,
    session: SessionDep,
    status: ReportStatus | None = ReportStatus.OPEN,
    offset: Offset = 0,
    limit: Limit = 50,
) -> ReportPage:
    return reading.reports(session, actor, status=status, offset=offset, limit=limit)


def _moderate(
    kind: PostKind,
    target: uuid.UUID,
    action: ReportAction,
    note: DecisionNote,
    actor: Any,
    session: Any,
) -> Row:
    args = ModerateArgs(kind=kind, target_id=target, action=action, note=note.note)
    return door.run(session, actor, m.MODERATE_REPORT, args)


@router.post("/moderation/posts/{kind}/{post_id}/hide", responses=_errors)
def hide(
    kind: PostKind, post_id: uuid.UUID, body: DecisionNote, actor: CurrentActor, session: SessionDep
) -> Row:
    return _moderate(kind, post_id, ReportAction.HIDE, body, actor, session)


@router.post("/moderation/posts/{kind}/{post_id}/dismiss", responses=_errors)
def dismiss(
    kind: PostKind, post_id: uuid.UUID, body: DecisionNote, actor: CurrentActor, session: SessionDep
) -> Row:
    return _moderate(kind, post_id, ReportAction.DISMISS, body, actor, session)
