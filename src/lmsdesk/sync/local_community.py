"""The community's mutations on this device: what each does to the mirror before the server
has seen it, replayed after every pulled page until it has (see local_mutations.py).

Every applier sets state rather than adding to it, so replaying it on top of the server's
rows gives the same result however often it runs. Counts are the exception the mirror cannot
replay: a vote keeps its not-yet-counted effect in `community_votes.pending` instead, and
the number of answers and replies is counted from the rows themselves.

A post not yet sent is edited by sending the post again with the new words: the unsent copy
is replaced in the outbox, and one already on its way reaches the server as an edit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.community import (
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
)
from lmsdesk.contracts.partitions import community_partition, user_partition
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
from lmsdesk.local_db.models.mirror import CourseRating
from lmsdesk.local_db.outbox import Coalesce
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation, local

POSTS: dict[PostKind, Any] = {
    PostKind.QUESTION: CommunityQuestion,
    PostKind.ANSWER: CommunityAnswer,
    PostKind.THREAD: DiscussionThread,
    PostKind.POST: DiscussionPost,
    PostKind.REVIEW: CourseRating,
}


def _written(ctx: LocalContext, model: Any, row_id: Any, course_id: Any, **fields: Any) -> Any:
    """The post's local row: created on first apply, its words set on every apply."""
    row = ctx.session.get(model, row_id)
    if row is None:
        row = model(
            id=row_id,
            course_id=course_id,
            author_id=ctx.user_id,
            author_name="",
            revision=1,
            created_at=ctx.now,
            sync_partition=community_partition(course_id),
            sync_version=0,
        )
        ctx.session.add(row)
    for key, value in fields.items():
        setattr(row, key, value)
    return row


def _ask(ctx: LocalContext, args: AskArgs) -> None:
    _written(
        ctx,
        CommunityQuestion,
        args.question_id,
        args.course_id,
        lesson_id=args.lesson_id,
        video_second=args.video_second,
        title=args.title,
        body=args.body,
    )


def _answer(ctx: LocalContext, args: AnswerArgs) -> None:
    question = ctx.session.get(CommunityQuestion, args.question_id)
    if question is not None:
        _written(
            ctx,
            CommunityAnswer,
            args.answer_id,
            question.course_id,
            question_id=args.question_id,
            body=args.body,
        )


def _accept(ctx: LocalContext, args: AcceptArgs) -> None:
    answer = ctx.session.get(CommunityAnswer, args.answer_id)
    question = ctx.session.get(CommunityQuestion, answer.question_id) if answer else None
    if question is not None:
        question.accepted_answer_id = args.answer_id
        question.status = "resolved"


def _vote(ctx: LocalContext, args: VoteArgs) -> None:
    key = (ctx.user_id, args.kind.value, args.target_id)
    vote = ctx.session.get(CommunityVote, key)
    if args.up:
        if vote is None:
            ctx.session.add(
                CommunityVote(
                    user_id=ctx.user_id,
                    kind=args.kind.value,
                    target_id=args.target_id,
                    created_at=ctx.now,
                    pending=1,
                    sync_partition=user_partition(ctx.user_id),
                    sync_version=0,
                )
            )
        elif vote.pending < 0:
            vote.pending = 0
    elif vote is not None:
        if vote.pending > 0:
            ctx.session.delete(vote)
        else:
            vote.pending = -1


def _start_thread(ctx: LocalContext, args: StartThreadArgs) -> None:
    thread = _written(
        ctx,
        DiscussionThread,
        args.thread_id,
        args.course_id,
        section_id=args.section_id,
        title=args.title,
        body=args.body,
    )
    if thread.last_post_at is None:
        thread.last_post_at = ctx.now


def _reply(ctx: LocalContext, args: ReplyArgs) -> None:
    thread = ctx.session.get(DiscussionThread, args.thread_id)
    if thread is not None:
        _written(
            ctx,
            DiscussionPost,
            args.post_id,
            thread.course_id,
            thread_id=args.thread_id,
            parent_post_id=args.parent_post_id,
            body=args.body,
        )


def _pin(ctx: LocalContext, args: PinArgs) -> None:
    thread = ctx.session.get(DiscussionThread, args.thread_id)
    if thread is not None:
        thread.pinned = args.pinned


def _edit(ctx: LocalContext, args: EditPostArgs) -> None:
    post = ctx.session.get(POSTS[args.kind], args.id)
    if post is None:
        return
    if args.title is not None and hasattr(post, "title"):
        post.title = args.title
    post.body = args.body
    # Absolute, not +1: a replay gives the same revision, and the next edit starts from it.
    post.revision = args.base_revision + 1
    post.edited_at = ctx.now


def _delete(ctx: LocalContext, args: DeletePostArgs) -> None:
    post = ctx.session.get(POSTS[args.kind], args.id)
    if post is not None:
        ctx.session.delete(post)


def _resolve(ctx: LocalContext, args: ResolveEditConflictArgs) -> None:
    conflict = ctx.session.get(CommunityEditConflict, args.conflict_id)
    if conflict is None or conflict.resolved_at is not None:
        return
    conflict.resolved_at = ctx.now
    post = ctx.session.get(POSTS[PostKind(conflict.kind)], conflict.target_id)
    if args.use_other and post is not None:
        if conflict.title is not None and hasattr(post, "title"):
            post.title = conflict.title
        post.body = conflict.body


def _report(_ctx: LocalContext, _args: ReportArgs) -> None:
    """The admins' queue receives it from the server; the reporter's screen says it is sent."""


def _moderate(ctx: LocalContext, args: ModerateArgs) -> None:
    status = "hidden" if args.action is ReportAction.HIDE else "dismissed"
    reports = ctx.session.scalars(
        select(CommunityReport).where(
            CommunityReport.kind == args.kind.value,
            CommunityReport.target_id == args.target_id,
            CommunityReport.status == "open",
        )
    )
    for report in reports:
        report.status = status
        report.decided_at = ctx.now
        report.decision_note = args.note
    if args.action is ReportAction.HIDE:
        post = ctx.session.get(POSTS[args.kind], args.target_id)
        if post is not None:
            ctx.session.delete(post)


def _seen(ctx: LocalContext, args: MarkSeenArgs) -> None:
    mark = ctx.session.get(CommunitySeen, (ctx.user_id, args.course_id))
    if mark is None:
        ctx.session.add(
            CommunitySeen(
                user_id=ctx.user_id,
                course_id=args.course_id,
                seen_through=args.seen_through,
                sync_partition=user_partition(ctx.user_id),
                sync_version=0,
            )
        )
    elif mark.seen_through < args.seen_through:
        mark.seen_through = args.seen_through


# ------------------------------------------------------------------ how the sync panel names them
def _title_of(session: Session, model: Any, row_id: Any) -> str:
    row = session.get(model, row_id)
    return f"“{row.title}”" if row is not None else "a post"


def _shorten(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


COMMUNITY_MUTATIONS: list[LocalMutation[Any]] = [
    local(
        m.ASK,
        _ask,
        lambda _s, a: f"Question “{_shorten(a.title)}”",
        lambda a: f"post:{a.question_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.ANSWER,
        _answer,
        lambda s, a: f"Answer to {_title_of(s, CommunityQuestion, a.question_id)}",
        lambda a: f"post:{a.answer_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.ACCEPT,
        _accept,
        lambda _s, _a: "Accepted an answer",
    ),
    local(
        m.VOTE,
        _vote,
        lambda _s, a: ("Vote on a " if a.up else "Vote taken back from a ") + a.kind.value,
        lambda a: f"vote:{a.kind.value}:{a.target_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.START_THREAD,
        _start_thread,
        lambda _s, a: f"Discussion “{_shorten(a.title)}”",
        lambda a: f"post:{a.thread_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.REPLY,
        _reply,
        lambda s, a: f"Reply in {_title_of(s, DiscussionThread, a.thread_id)}",
        lambda a: f"post:{a.post_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.PIN,
        _pin,
        lambda s, a: (
            ("Pinned " if a.pinned else "Unpinned ") + _title_of(s, DiscussionThread, a.thread_id)
        ),
        lambda a: f"pin:{a.thread_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.EDIT_POST,
        _edit,
        lambda _s, a: f"Edited a {a.kind.value}",
        lambda a: f"edit:{a.id}",
        Coalesce.KEEP_BASE,
    ),
    local(m.DELETE_POST, _delete, lambda _s, a: f"Deleted a {a.kind.value}"),
    local(m.RESOLVE_EDIT_CONFLICT, _resolve, lambda _s, _a: "Chose a version of a post"),
    local(m.REPORT, _report, lambda _s, a: f"Report of a {a.kind.value}"),
    local(
        m.MODERATE_REPORT,
        _moderate,
        lambda _s, a: (
            ("Hid a " if a.action is ReportAction.HIDE else "Dismissed reports of a ")
            + a.kind.value
        ),
    ),
    local(
        m.MARK_SEEN,
        _seen,
        lambda _s, _a: "Read the community",
        lambda a: f"seen:{a.course_id}",
        Coalesce.REPLACE,
    ),
]
