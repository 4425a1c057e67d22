"""Reports of what people wrote, and the admins' decisions on them.

A report keeps the item as it was when reported (its title or what it answers, its text and
author), so the admin judges what the reporter saw even if the author edits it afterwards.
A report is open until an admin hides the item (it leaves every device at their next sync) or
dismisses its reports; both decide every open report of the item at once, under the item's
lock, and write the admin audit record.
"""

from __future__ import annotations

from typing import Any

from lmsdesk.contracts.community import (
    ModerateArgs,
    PostKind,
    ReportAction,
    ReportArgs,
    ReportStatus,
)
from lmsdesk_server.admin.service.audit import record, require_admin
from lmsdesk_server.community.repository import POST_MODELS, CommunityRepository
from lmsdesk_server.community.service.access import readable
from lmsdesk_server.community.service.editing import remove
from lmsdesk_server.db.models import (
    CommunityQuestion,
    CommunityReport,
    Course,
    DiscussionThread,
)
from lmsdesk_server.db.partitions import MODERATION_PARTITION, stamp
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected

_EXCERPT = 2000


def _context_title(ctx: MutationContext, kind: PostKind, item: Any) -> str:
    if kind in (PostKind.QUESTION, PostKind.THREAD):
        return str(item.title)
    if kind is PostKind.ANSWER:
        question = ctx.session.get(CommunityQuestion, item.question_id)
        return f"Answer to: {question.title}" if question else "An answer"
    if kind is PostKind.POST:
        thread = ctx.session.get(DiscussionThread, item.thread_id)
        return f"Reply in: {thread.title}" if thread else "A reply"
    return f"Review: {item.title}" if item.title else f"Review ({item.rating} stars)"


def report(ctx: MutationContext, args: ReportArgs) -> dict[str, Any]:
    repo = CommunityRepository(ctx.session)
    item = repo.locked(args.kind, args.target_id)  # one reporter's two reports at once: one
    if item is None:
        raise MutationRejected("That is no longer there.", status=404, code="not_found")
    if args.kind is not PostKind.REVIEW:
        readable(ctx.session, ctx.actor, item.course_id)  # reviews are public
    author_id = item.student_id if args.kind is PostKind.REVIEW else item.author_id
    if author_id == ctx.actor.id:
        raise MutationRejected("You cannot report what you wrote.", status=409)
    existing = repo.report_of(ctx.actor.id, args.kind, args.target_id)
    if existing is not None:
        raise MutationMerged("You have already reported this.", row_dict(existing))
    course = ctx.session.get(Course, item.course_id)
    filed = CommunityReport(
        id=args.report_id,
        reporter_id=ctx.actor.id,
        kind=args.kind,
        target_id=args.target_id,
        course_id=item.course_id,
        reason=args.reason,
        status=ReportStatus.OPEN,
        course_title=course.title if course else "",
        context_title=_context_title(ctx, args.kind, item)[:200],
        excerpt=str(item.body)[:_EXCERPT],
        author_name=repo.user_name(author_id),
        reporter_name=repo.user_name(ctx.actor.id),
        created_at=ctx.now,
    )
    ctx.session.add(filed)
    stamp(ctx.session, filed, MODERATION_PARTITION)
    ctx.session.flush()
    return row_dict(filed)


def moderate(ctx: MutationContext, args: ModerateArgs) -> dict[str, Any] | None:
    require_admin(ctx.actor)
    repo = CommunityRepository(ctx.session)
    item = repo.locked(args.kind, args.target_id)
    reports = repo.open_reports(args.kind, args.target_id)
    if args.action is ReportAction.HIDE:
        if item is None:
            if ctx.session.get(POST_MODELS[args.kind], args.target_id) is None:
                raise MutationRejected("No such item.", status=404, code="not_found")
            if not reports:
                raise MutationMerged("Already hidden.")
        else:
            item.hidden_at = ctx.now
            remove(ctx, item, args.kind)
        status = ReportStatus.HIDDEN
    else:
        if not reports:
            raise MutationMerged("No open reports of this to dismiss.")
        status = ReportStatus.DISMISSED
    for filed in reports:
        filed.status = status
        filed.decided_by = ctx.actor.id
        filed.decided_at = ctx.now
        filed.decision_note = args.note
        stamp(ctx.session, filed, MODERATION_PARTITION)
    verb = "Hid" if status is ReportStatus.HIDDEN else "Dismissed reports of"
    record(
        ctx,
        action=f"community.{args.action.value}",
        target_kind=args.kind.value,
        target_id=args.target_id,
        summary=f"{verb} a {args.kind.value}" + (f" ({len(reports)} reports)" if reports else ""),
        reason=args.note,
        details={"reports": [str(r.id) for r in reports]},
    )
    ctx.session.flush()
    return row_dict(reports[0]) if reports else None
