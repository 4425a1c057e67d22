"""Authors editing and deleting their own posts, within the edit window, and the conflicts of
two devices editing the same post.

An edit names the revision it started from. When another edit got there first, the post keeps
the version that arrived first and the late one is stored beside it as a conflict that only the
author sees; they choose which stays (DESIGN.md section 5's rule for drafts, applied to posts).
Nothing either device wrote is dropped without the author choosing.
"""

from __future__ import annotations

from typing import Any

from lmsdesk.contracts.community import (
    EDITABLE_KINDS,
    DeletePostArgs,
    EditPostArgs,
    PostKind,
    QuestionStatus,
    ResolveEditConflictArgs,
)
from lmsdesk_server.community.repository import TABLE_NAMES, CommunityRepository
from lmsdesk_server.community.service.access import Standing, within_edit_window, writable
from lmsdesk_server.db.models import CommunityEditConflict
from lmsdesk_server.db.partitions import (
    REMOVED_PARTITION,
    lock_partition,
    stamp,
    user_partition,
    write_tombstone,
)
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import (
    MutationConflict,
    MutationContext,
    MutationMerged,
    MutationRejected,
)

_TITLED = (PostKind.QUESTION, PostKind.THREAD)


def _own_post(ctx: MutationContext, kind: PostKind, post_id: Any) -> Any:
    if kind not in EDITABLE_KINDS:
        raise MutationRejected("A review is changed by rating the course again.", status=422)
    # The author's clock before the post's row, in the order a push takes them (a conflict is
    # stamped into the author's partition while the post is locked).
    lock_partition(ctx.session, user_partition(ctx.actor.id))
    post = CommunityRepository(ctx.session).locked(kind, post_id)
    if post is None:
        raise MutationRejected("That post is no longer there.", status=404, code="not_found")
    if post.author_id != ctx.actor.id:
        raise MutationRejected("You can only change your own posts.", status=403)
    writable(ctx.session, ctx.actor, post.course_id, Standing.STUDENT, Standing.INSTRUCTOR)
    return post


def _write(post: Any, kind: PostKind, title: str | None, body: str, ctx: MutationContext) -> None:
    if kind in _TITLED and title is not None:
        post.title = title
    post.body = body
    post.revision += 1
    post.edited_at = ctx.now
    stamp(ctx.session, post, post.sync_partition)


def edit(ctx: MutationContext, args: EditPostArgs) -> dict[str, Any]:
    post = _own_post(ctx, args.kind, args.id)
    within_edit_window(post.created_at, ctx.now)
    title = args.title if args.kind in _TITLED else None
    if args.base_revision == post.revision:
        _write(post, args.kind, title, args.body, ctx)
        ctx.session.flush()
        return row_dict(post)
    if post.body == args.body and (title is None or post.title == title):
        raise MutationMerged("Another device made the same change.", row_dict(post))
    conflict = CommunityEditConflict(
        author_id=ctx.actor.id,
        kind=args.kind,
        target_id=post.id,
        course_id=post.course_id,
        title=title,
        body=args.body,
        created_at=ctx.now,
    )
    ctx.session.add(conflict)
    stamp(ctx.session, conflict, user_partition(ctx.actor.id))
    ctx.session.flush()
    raise MutationConflict(
        "This post was changed on another device first; both versions are kept for you to choose.",
        row_dict(conflict),
    )


def resolve_conflict(ctx: MutationContext, args: ResolveEditConflictArgs) -> dict[str, Any]:
    lock_partition(ctx.session, user_partition(ctx.actor.id))
    conflict = ctx.session.get(CommunityEditConflict, args.conflict_id, with_for_update=True)
    if conflict is None or conflict.author_id != ctx.actor.id:
        raise MutationRejected("No such conflict.", status=404, code="not_found")
    if conflict.resolved_at is not None:
        raise MutationMerged("Already resolved.", row_dict(conflict))
    if args.use_other:
        post = _own_post(ctx, conflict.kind, conflict.target_id)
        _write(post, conflict.kind, conflict.title, conflict.body, ctx)
    conflict.resolved_at = ctx.now
    stamp(ctx.session, conflict, user_partition(ctx.actor.id))
    ctx.session.flush()
    return row_dict(conflict)


def remove(ctx: MutationContext, post: Any, kind: PostKind) -> None:
    """Take a post off every device: it moves to the partition no one reads, leaving a
    tombstone in its own; counters and an accepted answer follow. Used by authors deleting and
    admins hiding."""
    repo = CommunityRepository(ctx.session)
    partition = post.sync_partition
    if kind is PostKind.ANSWER:
        question = repo.locked(PostKind.QUESTION, post.question_id)
        if question is not None:
            question.answer_count = max(question.answer_count - 1, 0)
            if question.accepted_answer_id == post.id:
                question.accepted_answer_id = None
                question.status = QuestionStatus.OPEN
            stamp(ctx.session, question, question.sync_partition)
    elif kind is PostKind.POST:
        thread = repo.locked(PostKind.THREAD, post.thread_id)
        if thread is not None:
            thread.post_count = max(thread.post_count - 1, 0)
            stamp(ctx.session, thread, thread.sync_partition)
    stamp(ctx.session, post, REMOVED_PARTITION)
    write_tombstone(ctx.session, partition, TABLE_NAMES[kind], str(post.id))


def delete(ctx: MutationContext, args: DeletePostArgs) -> None:
    post = _own_post(ctx, args.kind, args.id)
    within_edit_window(post.created_at, ctx.now)
    post.deleted_at = ctx.now
    remove(ctx, post, args.kind)
    ctx.session.flush()
