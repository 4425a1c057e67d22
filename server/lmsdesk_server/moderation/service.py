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

from sqlalchemy import func, or_, select, update
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
from lmsdesk_server.db.models import (
    Category,
    Course,
    CourseSection,
    CourseTag,
    CourseTagMap,
    Lesson,
    LessonPrerequisite,
    LessonResource,
    MediaAsset,
    ModerationReview,
    Quiz,
    QuizQuestion,
    User,
)
from lmsdesk_server.errors import ApiError
from lmsdesk_server.repositories.partitions import (
    CATALOG_PARTITION,
    bump_partition,
    draft_partition,
    stamp,
)
from lmsdesk_server.services.accounts import Actor
from lmsdesk_server.services.course_states import move_course
from lmsdesk_server.services.mutation_base import MutationContext, MutationMerged, MutationRejected
from lmsdesk_server.services.revisions import publish_revision

_STATUS_WORDS = {
    CourseStatus.DRAFT: "is a draft again",
    CourseStatus.APPROVED: "was approved",
    CourseStatus.REJECTED: "was rejected",
    CourseStatus.ARCHIVED: "is archived",
}


def decide(ctx: MutationContext, args: DecideArgs) -> dict[str, object]:
    if not ctx.actor.has_admin():
        raise MutationRejected("Only admins can review courses.")
    session = ctx.session
    existing = session.get(ModerationReview, args.review_id)
    if existing is not None:
        if existing.course_id == args.course_id and existing.reviewer_id == ctx.actor.id:
            raise MutationMerged("This decision was recorded already.", _entry(existing))
        raise MutationRejected("That review id is taken.", status=409)
    course = session.get(Course, args.course_id, with_for_update=True)
    if course is None or course.deleted_at is not None:
        raise MutationRejected("That course does not exist.", status=404, code="not_found")
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
    lessons = set(session.scalars(select(Lesson.id).where(Lesson.course_id == course.id)))
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
        reviewer_name=_name(session, ctx.actor.id),
        decision=args.decision,
        feedback=args.feedback.strip(),
        lesson_notes={str(k): v.strip() for k, v in args.lesson_notes.items()},
        revision=_decisions(session, course.id) + 1,
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
    moved = {"sync_partition": CATALOG_PARTITION, "sync_version": version}
    drafts = [draft_partition(c) for c in (course.id, media_from) if c is not None]
    lessons = select(Lesson.id).where(Lesson.course_id == course.id).scalar_subquery()
    quizzes = select(Quiz.id).where(Quiz.lesson_id.in_(lessons)).scalar_subquery()
    assets = (
        select(Lesson.video_asset_id)
        .where(Lesson.course_id == course.id)
        .union(
            select(Lesson.subtitles_asset_id).where(Lesson.course_id == course.id),
            select(LessonResource.asset_id).where(LessonResource.lesson_id.in_(lessons)),
            select(Course.thumbnail_asset_id).where(Course.id == course.id),
        )
    )
    statements = [
        update(CourseTagMap).where(CourseTagMap.course_id == course.id),
        update(CourseSection).where(CourseSection.course_id == course.id),
        update(Lesson).where(Lesson.course_id == course.id),
        update(LessonPrerequisite).where(LessonPrerequisite.lesson_id.in_(lessons)),
        update(LessonResource).where(LessonResource.lesson_id.in_(lessons)),
        update(Quiz).where(Quiz.lesson_id.in_(lessons)),
        update(QuizQuestion).where(QuizQuestion.quiz_id.in_(quizzes)),
        # Only assets still in this draft: one shared with a published course stays put.
        update(MediaAsset).where(
            MediaAsset.id.in_(assets),
            MediaAsset.sync_partition.in_(drafts),
        ),
    ]
    for statement in statements:
        session.execute(statement.values(**moved), execution_options={"synchronize_session": False})
    course.sync_partition, course.sync_version = CATALOG_PARTITION, version


def course_snapshot(session: Session, course: Course) -> CourseSnapshot:
    lessons = list(session.scalars(select(Lesson).where(Lesson.course_id == course.id)))
    lesson_ids = [x.id for x in lessons]
    quizzes = list(session.scalars(select(Quiz).where(Quiz.lesson_id.in_(lesson_ids))))
    category = session.get(Category, course.category_id) if course.category_id else None
    return snapshot_of(
        course,
        category=category.name if category else None,
        tags=session.scalars(
            select(CourseTag.name)
            .join(CourseTagMap, CourseTagMap.tag_id == CourseTag.id)
            .where(CourseTagMap.course_id == course.id)
        ),
        sections=session.scalars(select(CourseSection).where(CourseSection.course_id == course.id)),
        lessons=lessons,
        quizzes=quizzes,
        questions=session.scalars(
            select(QuizQuestion).where(QuizQuestion.quiz_id.in_([q.id for q in quizzes]))
        ),
        resources=session.scalars(
            select(LessonResource).where(LessonResource.lesson_id.in_(lesson_ids))
        ),
    )


def _name(session: Session, user_id: uuid.UUID) -> str:
    user = session.get(User, user_id)
    return (user.full_name or user.email) if user else ""


def _decisions(session: Session, course_id: uuid.UUID) -> int:
    count = session.scalar(
        select(func.count(ModerationReview.id)).where(ModerationReview.course_id == course_id)
    )
    return int(count or 0)


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
    decisions = (
        select(func.count(ModerationReview.id))
        .where(ModerationReview.course_id == Course.id)
        .scalar_subquery()
    )
    lessons = select(func.count(Lesson.id)).where(Lesson.course_id == Course.id).scalar_subquery()
    stmt = (
        select(Course, User.full_name, Category.name, decisions, lessons)
        .join(User, User.id == Course.instructor_id)
        .outerjoin(Category, Category.id == Course.category_id)
        .where(Course.status == CourseStatus.PENDING, Course.deleted_at.is_(None))
    )
    if q:
        pattern = f"%{q.strip()}%"
        stmt = stmt.where(or_(Course.title.ilike(pattern), User.full_name.ilike(pattern)))
    if category:
        stmt = stmt.where(Category.slug == category)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(Course.submitted_at.asc().nulls_last(), Course.id).offset(offset).limit(limit)
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
                revision=int(done) + 1,
                lessons=int(count),
            )
        )
    return QueueResponse(items=items, total=int(total))


def history(session: Session, actor: Actor, course_id: uuid.UUID) -> HistoryResponse:
    """The decisions on a course, newest first: for admins and the course's instructor."""
    course = session.get(Course, course_id)
    if course is None or course.deleted_at is not None:
        raise ApiError(404, "not_found", "That course does not exist.")
    if not actor.has_admin() and course.instructor_id != actor.id:
        raise ApiError(403, "forbidden", "Only admins and the course's instructor see its reviews.")
    reviews = session.scalars(
        select(ModerationReview)
        .where(ModerationReview.course_id == course_id)
        .order_by(ModerationReview.created_at.desc(), ModerationReview.revision.desc())
    )
    return HistoryResponse(
        course_id=course.id,
        title=course.title,
        status=str(course.status),
        entries=[HistoryEntry.model_validate(_entry(review)) for review in reviews],
    )
