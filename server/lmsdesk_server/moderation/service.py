"""Moderation: the queue of courses waiting for review, decisions, and their history.

`decide` serves both the `moderation.decide` mutation (an admin's offline decision, queued) and
`POST /moderation/courses/{id}/decision`. A decision is taken on the version the admin saw: if
the course changed since, or is no longer waiting, it is refused and nothing changes.

Approval publishes: every row of the course moves from its `draft:{id}` partition to the
catalog in one version, so the course reaches every client in one pull, and the draft
partition, no longer visible to anyone, leaves the instructor's and admins' devices.
Rejection sends the course back to its instructor with the feedback (the review row is in the
draft partition, which the instructor keeps).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts.course_snapshot import CourseSnapshot, snapshot_of
from lmsdesk.contracts.enums import CourseStatus, ReviewDecision
from lmsdesk.contracts.moderation import (
    DecideArgs,
    HistoryEntry,
    HistoryResponse,
    QueueItem,
    QueueResponse,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.authoring.service.revisions import publish_revision
from lmsdesk_server.authoring.service.states import move_course
from lmsdesk_server.db.models import (
    Course,
    ModerationReview,
)
from lmsdesk_server.db.partitions import (
    CATALOG_PARTITION,
    bump_partition,
    draft_partition,
    stamp,
)
from lmsdesk_server.errors import ApiError
from lmsdesk_server.moderation.repository import ModerationRepository
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected

_STATUS_WORDS = {
    CourseStatus.DRAFT: "is a draft again",
    CourseStatus.APPROVED: "was approved",
    CourseStatus.REJECTED: "was rejected",
    CourseStatus.ARCHIVED: "is archived",
}


def decide(ctx: MutationContext, args: DecideArgs) -> dict[str, object]:
    if not ctx.actor.has_admin():
        raise MutationRejected("Only admins can review courses.")
    session, repo = ctx.session, ModerationRepository(ctx.session)
    existing = repo.find(ModerationReview, args.review_id)
    if existing is not None:
        if existing.course_id == args.course_id and existing.reviewer_id == ctx.actor.id:
            raise MutationMerged("This decision was recorded already.", _entry(existing))
        raise MutationRejected("That review id is taken.", status=409)
    course = repo.get_or_refuse(
        Course,
        args.course_id,
        "That course does not exist.",
        lock=True,
        status=404,
        code="not_found",
    )
    if course.instructor_id == ctx.actor.id:
        raise MutationRejected("You cannot review your own course; another admin must.")
    if course.status is not CourseStatus.PENDING:
        raise MutationRejected(
            f"“{course.title}” is no longer waiting for review: it {_STATUS_WORDS[course.status]}"
            " since. Your decision was not applied.",
            status=409,
            code="not_pending",
        )
    if course.version != args.course_version:
        raise MutationRejected(
            f"“{course.title}” changed after you reviewed it (you saw version "
            f"{args.course_version}, it is now version {course.version}). Your decision was not "
            "applied; review it again.",
            status=409,
            code="stale_version",
        )
    lessons = repo.lesson_ids(course.id)
    strangers = [str(lesson) for lesson in args.lesson_notes if lesson not in lessons]
    if strangers:
        raise MutationRejected(
            f"Notes name lessons that are not in this course: {', '.join(strangers)}.",
            status=422,
            code="invalid",
        )
    review = ModerationReview(
        id=args.review_id,
        course_id=course.id,
        course_version=course.version,
        reviewer_id=ctx.actor.id,
        reviewer_name=repo.reviewer_name(ctx.actor.id),
        decision=args.decision,
        feedback=args.feedback.strip(),
        lesson_notes={str(k): v.strip() for k, v in args.lesson_notes.items()},
        revision=repo.decisions_on(course.id) + 1,
        snapshot=course_snapshot(session, course).model_dump(mode="json"),
        created_at=ctx.now,
    )
    session.add(review)
    stamp(session, review, draft_partition(course.id))
    if args.decision is ReviewDecision.APPROVED:
        move_course(course, CourseStatus.APPROVED, now=ctx.now)
        if course.revision_of is None:
            _publish(session, course)
        else:  # a revision: its content goes into the published course, which stays live
            published = publish_revision(session, course, ctx.now)
            stamp(session, course, draft_partition(course.id))
            _publish(session, published, media_from=course.id)
    else:
        move_course(course, CourseStatus.REJECTED, now=ctx.now)
        stamp(session, course, draft_partition(course.id))
    session.flush()
    return _entry(review)


def _publish(session: Session, course: Course, media_from: uuid.UUID | None = None) -> None:
    """Move every row of the course into the catalog, all at one version (with the media a
    revision uploaded, when `media_from` names it)."""
    session.flush()  # the status change first; the bulk updates below bypass the ORM
    version = bump_partition(session, CATALOG_PARTITION)
    drafts = [draft_partition(c) for c in (course.id, media_from) if c is not None]
    ModerationRepository(session).move_content(
        course.id, drafts, sync_partition=CATALOG_PARTITION, sync_version=version
    )
    course.sync_partition, course.sync_version = CATALOG_PARTITION, version


def course_snapshot(session: Session, course: Course) -> CourseSnapshot:
    return snapshot_of(course, **ModerationRepository(session).content(course))


def _entry(review: ModerationReview) -> dict[str, Any]:
    return HistoryEntry(
        review_id=review.id,
        decision=review.decision,
        feedback=review.feedback,
        lesson_notes={uuid.UUID(k): v for k, v in (review.lesson_notes or {}).items()},
        reviewer_name=review.reviewer_name,
        course_version=review.course_version,
        revision=review.revision,
        created_at=review.created_at,
    ).model_dump(mode="json")


# ------------------------------------------------------------------------------ reads
def queue(
    session: Session,
    actor: Actor,
    *,
    q: str | None = None,
    category: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> QueueResponse:
    """Courses waiting for review, oldest submission first."""
    if not actor.has_admin():
        raise ApiError(403, "forbidden", "Only admins can see the review queue.")
    rows, total = ModerationRepository(session).queue(
        q=q, category=category, offset=offset, limit=limit
    )
    items = []
    for course, instructor, category_name, done, count in rows:
        items.append(
            QueueItem(
                course_id=course.id,
                title=course.title,
                instructor_name=instructor or "",
                category=category_name,
                submitted_at=course.submitted_at,
                course_version=course.version,
                revision=done + 1,
                lessons=count,
            )
        )
    return QueueResponse(items=items, total=total)


def history(session: Session, actor: Actor, course_id: uuid.UUID) -> HistoryResponse:
    """The decisions on a course, newest first: for admins and the course's instructor."""
    repo = ModerationRepository(session)
    course = repo.get_or_refuse(
        Course, course_id, "That course does not exist.", status=404, code="not_found"
    )
    if not actor.has_admin() and course.instructor_id != actor.id:
        raise ApiError(403, "forbidden", "Only admins and the course's instructor see its reviews.")
    reviews = repo.reviews_newest_first(course_id)
    return HistoryResponse(
        course_id=course.id,
        title=course.title,
        status=str(course.status),
        entries=[HistoryEntry.model_validate(_entry(review)) for review in reviews],
    )
