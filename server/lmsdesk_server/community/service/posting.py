"""Writing in a course's community: questions, answers, accepted solutions, discussion threads,
threaded replies and pins. Each is a sync mutation handler (offline writes arrive through it)
and a REST endpoint's rule (through the door): one rule, two doors.

A post's id is chosen by the device that wrote it, so a post sent twice (a retry after a lost
answer, or both doors) is the same post: the second arrival is `merged`, never a copy.
"""

from __future__ import annotations

from typing import Any

from lmsdesk.contracts.community import (
    AcceptArgs,
    AnswerArgs,
    AskArgs,
    PinArgs,
    PostKind,
    QuestionStatus,
    ReplyArgs,
    StartThreadArgs,
)
from lmsdesk.contracts.enums import LessonType
from lmsdesk_server.community.repository import CommunityRepository
from lmsdesk_server.community.service.access import Standing, within_edit_window, writable
from lmsdesk_server.db.models import (
    CommunityAnswer,
    CommunityQuestion,
    CourseSection,
    DiscussionPost,
    DiscussionThread,
    Lesson,
)
from lmsdesk_server.db.partitions import community_partition, stamp
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected

Row = dict[str, Any]


def _already(ctx: MutationContext, model: Any, row_id: Any, **content: str) -> Row | None:
    """A post id that exists: the same post arriving again, or someone else's id.

    The same post with other words is the author's edit made before it was sent: the device
    sends the post again rather than an edit it cannot base on a revision it never received
    ("editable until sent"), and the server applies it as one edit (within the window)."""
    existing = ctx.session.get(model, row_id, with_for_update=True)
    if existing is None:
        return None
    if existing.author_id != ctx.actor.id:
        raise MutationRejected("That id belongs to another post.", status=409, code="conflict")
    if existing.hidden_at is not None or existing.deleted_at is not None:
        raise MutationRejected("That post is no longer there.", status=404, code="not_found")
    changed = {k: v for k, v in content.items() if getattr(existing, k) != v}
    if not changed:
        raise MutationMerged("Already posted.", row_dict(existing))
    within_edit_window(existing.created_at, ctx.now)
    for key, value in changed.items():
        setattr(existing, key, value)
    existing.revision += 1
    existing.edited_at = ctx.now
    stamp(ctx.session, existing, existing.sync_partition)
    ctx.session.flush()
    return row_dict(existing)


def ask(ctx: MutationContext, args: AskArgs) -> Row:
    writable(ctx.session, ctx.actor, args.course_id, Standing.STUDENT)
    if (
        done := _already(ctx, CommunityQuestion, args.question_id, title=args.title, body=args.body)
    ) is not None:
        return done
    if args.lesson_id is not None:
        lesson = ctx.session.get(Lesson, args.lesson_id)
        if lesson is None or lesson.course_id != args.course_id:
            raise MutationRejected("That lesson is not part of this course.", status=422)
        if args.video_second is not None and lesson.lesson_type is not LessonType.VIDEO:
            raise MutationRejected("Only a video lesson has seconds to point at.", status=422)
    elif args.video_second is not None:
        raise MutationRejected("A second of a video needs its lesson.", status=422)
    question = CommunityQuestion(
        id=args.question_id,
        course_id=args.course_id,
        lesson_id=args.lesson_id,
        video_second=args.video_second,
        author_id=ctx.actor.id,
        title=args.title,
        body=args.body,
        status=QuestionStatus.OPEN,
        vote_count=0,
        answer_count=0,
        revision=1,
        created_at=ctx.now,
    )
    ctx.session.add(question)
    stamp(ctx.session, question, community_partition(args.course_id))
    ctx.session.flush()
    return row_dict(question)


def answer(ctx: MutationContext, args: AnswerArgs) -> Row:
    repo = CommunityRepository(ctx.session)
    if (done := _already(ctx, CommunityAnswer, args.answer_id, body=args.body)) is not None:
        return done
    question = repo.locked(PostKind.QUESTION, args.question_id)
    if question is None:
        raise MutationRejected("That question is no longer there.", status=404, code="not_found")
    writable(ctx.session, ctx.actor, question.course_id, Standing.STUDENT, Standing.INSTRUCTOR)
    reply = CommunityAnswer(
        id=args.answer_id,
        question_id=question.id,
        course_id=question.course_id,
        author_id=ctx.actor.id,
        body=args.body,
        vote_count=0,
        revision=1,
        created_at=ctx.now,
    )
    ctx.session.add(reply)
    question.answer_count += 1
    partition = community_partition(question.course_id)
    stamp(ctx.session, reply, partition)
    stamp(ctx.session, question, partition)
    ctx.session.flush()
    return row_dict(reply)


def accept(ctx: MutationContext, args: AcceptArgs) -> Row:
    """The asker or the course's instructor marks the solution; the question is resolved."""
    repo = CommunityRepository(ctx.session)
    chosen = ctx.session.get(CommunityAnswer, args.answer_id)
    if chosen is None or chosen.hidden_at is not None or chosen.deleted_at is not None:
        raise MutationRejected("That answer is no longer there.", status=404, code="not_found")
    question = repo.locked(PostKind.QUESTION, chosen.question_id)
    if question is None:
        raise MutationRejected("That question is no longer there.", status=404, code="not_found")
    member = writable(
        ctx.session, ctx.actor, question.course_id, Standing.STUDENT, Standing.INSTRUCTOR
    )
    if member.standing is Standing.STUDENT and question.author_id != ctx.actor.id:
        raise MutationRejected(
            "Only the person who asked, or the instructor, can accept an answer.", status=403
        )
    if question.accepted_answer_id == chosen.id:
        raise MutationMerged("Already the accepted answer.", row_dict(question))
    question.accepted_answer_id = chosen.id
    question.status = QuestionStatus.RESOLVED
    stamp(ctx.session, question, community_partition(question.course_id))
    ctx.session.flush()
    return row_dict(question)


def start_thread(ctx: MutationContext, args: StartThreadArgs) -> Row:
    writable(ctx.session, ctx.actor, args.course_id, Standing.STUDENT, Standing.INSTRUCTOR)
    if (
        done := _already(ctx, DiscussionThread, args.thread_id, title=args.title, body=args.body)
    ) is not None:
        return done
    if args.section_id is not None:
        section = ctx.session.get(CourseSection, args.section_id)
        if section is None or section.course_id != args.course_id:
            raise MutationRejected("That section is not part of this course.", status=422)
    thread = DiscussionThread(
        id=args.thread_id,
        course_id=args.course_id,
        section_id=args.section_id,
        author_id=ctx.actor.id,
        title=args.title,
        body=args.body,
        pinned=False,
        post_count=0,
        last_post_at=ctx.now,
        revision=1,
        created_at=ctx.now,
    )
    ctx.session.add(thread)
    stamp(ctx.session, thread, community_partition(args.course_id))
    ctx.session.flush()
    return row_dict(thread)


def reply(ctx: MutationContext, args: ReplyArgs) -> Row:
    repo = CommunityRepository(ctx.session)
    if (done := _already(ctx, DiscussionPost, args.post_id, body=args.body)) is not None:
        return done
    thread = repo.locked(PostKind.THREAD, args.thread_id)
    if thread is None:
        raise MutationRejected("That thread is no longer there.", status=404, code="not_found")
    writable(ctx.session, ctx.actor, thread.course_id, Standing.STUDENT, Standing.INSTRUCTOR)
    if args.parent_post_id is not None:
        parent = ctx.session.get(DiscussionPost, args.parent_post_id)
        if parent is None or parent.thread_id != thread.id:
            raise MutationRejected("The post replied to is not in this thread.", status=422)
    post = DiscussionPost(
        id=args.post_id,
        thread_id=thread.id,
        course_id=thread.course_id,
        parent_post_id=args.parent_post_id,
        author_id=ctx.actor.id,
        body=args.body,
        revision=1,
        created_at=ctx.now,
    )
    ctx.session.add(post)
    thread.post_count += 1
    thread.last_post_at = ctx.now
    partition = community_partition(thread.course_id)
    stamp(ctx.session, post, partition)
    stamp(ctx.session, thread, partition)
    ctx.session.flush()
    return row_dict(post)


def pin(ctx: MutationContext, args: PinArgs) -> Row:
    thread = CommunityRepository(ctx.session).locked(PostKind.THREAD, args.thread_id)
    if thread is None:
        raise MutationRejected("That thread is no longer there.", status=404, code="not_found")
    writable(ctx.session, ctx.actor, thread.course_id, Standing.INSTRUCTOR, Standing.ADMIN)
    if thread.pinned == args.pinned:
        raise MutationMerged("Already so.", row_dict(thread))
    thread.pinned = args.pinned
    stamp(ctx.session, thread, community_partition(thread.course_id))
    ctx.session.flush()
    return row_dict(thread)
