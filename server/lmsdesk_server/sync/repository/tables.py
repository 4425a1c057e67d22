"""Which tables sync, and how a row is shown to someone who has not bought its course.

Published content of every course lives in the `catalog` partition. Anyone signed in receives
a summary of it (course, sections, lesson titles); lesson bodies, quizzes and resources only
reach users entitled to the course (active enrollment, its instructor, admins) or for preview
lessons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, literal, null, select
from sqlalchemy.orm import DeclarativeBase

from lmsdesk_server.db.models import (
    AssignmentSubmission,
    CartItem,
    Category,
    Certificate,
    Cohort,
    CohortWeek,
    CommunityAnswer,
    CommunityEditConflict,
    CommunityQuestion,
    CommunityReport,
    CommunitySeen,
    CommunityVote,
    Course,
    CourseRating,
    CourseSection,
    CourseTag,
    CourseTagMap,
    DiscussionPost,
    DiscussionThread,
    DraftConflict,
    Enrollment,
    Lesson,
    LessonPrerequisite,
    LessonProgress,
    LessonResource,
    MediaAsset,
    ModerationReview,
    Order,
    OrderItem,
    Program,
    ProgramCertificate,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    Subscription,
    User,
    WishlistItem,
)
from lmsdesk_server.db.names import shown_name
from lmsdesk_server.db.serialize import NEVER_SENT

Query = Select[tuple[object, ...]]
Projection = Callable[[Query], Query]

COURSE = "_course"  # the owning course id, added to content rows for the projection
PREVIEW = "_preview"  # whether the row belongs to a preview lesson
LESSON = "_lesson"  # the lesson a content row belongs to (a cohort may not have released it)


@dataclass(frozen=True)
class SyncedTable:
    name: str
    model: type[DeclarativeBase]
    key: tuple[str, ...]
    #: Rows a non-entitled user never receives (unless part of a preview lesson).
    full_only: bool = False
    #: Columns emptied for a non-entitled user (unless the row is a preview lesson), and for a
    #: student whose cohort has not released the row's lesson.
    blanked: tuple[str, ...] = ()
    #: Adds the owning course id and preview flag (joins) to the base select.
    projection: Projection | None = None
    #: Lives only in a course's community partition (and only there): a pull asks each
    #: partition only for the tables it can hold.
    community: bool = False

    def select(self) -> Query:
        columns = [c for c in self.model.__table__.columns if c.key not in NEVER_SENT]
        stmt = select(*columns)
        if self.projection is None:
            return stmt.add_columns(null().label(COURSE), literal(False).label(PREVIEW))
        return self.projection(stmt)


def _own_course(model: Any) -> Projection:
    return lambda stmt: stmt.add_columns(
        model.course_id.label(COURSE), literal(False).label(PREVIEW)
    )


def _courses(stmt: Query) -> Query:
    return stmt.add_columns(
        User.full_name.label("instructor_name"),
        User.avatar_asset_id.label("instructor_avatar_id"),
        Course.id.label(COURSE),
        literal(False).label(PREVIEW),
    ).join(User, User.id == Course.instructor_id)


def _ratings(stmt: Query) -> Query:
    # The reviewer as others see them: the name shortened on the server ("Sam Student" ->
    # "Sam S."; every device gets every review, not every surname), and their picture.
    return stmt.add_columns(
        shown_name(User.full_name).label("reviewer_name"),
        User.avatar_asset_id.label("reviewer_avatar_id"),
        CourseRating.course_id.label(COURSE),
        literal(False).label(PREVIEW),
    ).join(User, User.id == CourseRating.student_id)


def _written(model: Any) -> Projection:
    """A community post and its author as others see them."""
    return lambda stmt: stmt.add_columns(
        shown_name(User.full_name).label("author_name"),
        model.course_id.label(COURSE),
        literal(False).label(PREVIEW),
    ).join(User, User.id == model.author_id)


def _lessons(stmt: Query) -> Query:
    return stmt.add_columns(
        Lesson.course_id.label(COURSE), Lesson.is_preview.label(PREVIEW), Lesson.id.label(LESSON)
    )


def _via_lesson(fk: object) -> Projection:
    return lambda stmt: stmt.add_columns(
        Lesson.course_id.label(COURSE), Lesson.is_preview.label(PREVIEW), Lesson.id.label(LESSON)
    ).join(Lesson, Lesson.id == fk)


def _weeks(stmt: Query) -> Query:
    return stmt.add_columns(Cohort.course_id.label(COURSE), literal(False).label(PREVIEW)).join(
        Cohort, Cohort.id == CohortWeek.cohort_id
    )


def _questions(stmt: Query) -> Query:
    return (
        stmt.add_columns(
            Lesson.course_id.label(COURSE),
            Lesson.is_preview.label(PREVIEW),
            Lesson.id.label(LESSON),
        )
        .join(Quiz, Quiz.id == QuizQuestion.quiz_id)
        .join(Lesson, Lesson.id == Quiz.lesson_id)
    )


SYNCED_TABLES: list[SyncedTable] = [
    SyncedTable("categories", Category, ("id",)),
    SyncedTable("course_tags", CourseTag, ("id",)),
    SyncedTable("media_assets", MediaAsset, ("id",)),
    SyncedTable("courses", Course, ("id",), projection=_courses),
    SyncedTable(
        "course_tag_map",
        CourseTagMap,
        ("course_id", "tag_id"),
        projection=_own_course(CourseTagMap),
    ),
    SyncedTable("course_sections", CourseSection, ("id",), projection=_own_course(CourseSection)),
    SyncedTable("lessons", Lesson, ("id",), blanked=("content",), projection=_lessons),
    SyncedTable(
        "lesson_prerequisites",
        LessonPrerequisite,
        ("lesson_id", "prerequisite_lesson_id"),
        projection=_via_lesson(LessonPrerequisite.lesson_id),
    ),
    SyncedTable(
        "lesson_resources",
        LessonResource,
        ("id",),
        full_only=True,
        projection=_via_lesson(LessonResource.lesson_id),
    ),
    SyncedTable("quizzes", Quiz, ("id",), full_only=True, projection=_via_lesson(Quiz.lesson_id)),
    SyncedTable("quiz_questions", QuizQuestion, ("id",), full_only=True, projection=_questions),
    SyncedTable("cohorts", Cohort, ("id",), projection=_own_course(Cohort)),
    # A live session's join link is for the course's students (and its instructor).
    SyncedTable("cohort_weeks", CohortWeek, ("id",), blanked=("live_url",), projection=_weeks),
    SyncedTable("programs", Program, ("id",)),
    SyncedTable("course_ratings", CourseRating, ("id",), projection=_ratings),
    SyncedTable("enrollments", Enrollment, ("id",)),
    SyncedTable("orders", Order, ("id",)),
    SyncedTable("order_items", OrderItem, ("id",)),
    SyncedTable("cart_items", CartItem, ("student_id", "course_id")),
    SyncedTable("subscriptions", Subscription, ("id",)),
    SyncedTable("lesson_progress", LessonProgress, ("id",)),
    SyncedTable("quiz_attempts", QuizAttempt, ("id",)),
    SyncedTable("assignment_submissions", AssignmentSubmission, ("id",)),
    SyncedTable("certificates", Certificate, ("id",)),
    SyncedTable("program_certificates", ProgramCertificate, ("id",)),
    SyncedTable("wishlist_items", WishlistItem, ("student_id", "course_id")),
    SyncedTable("moderation_reviews", ModerationReview, ("id",)),
    SyncedTable("draft_conflicts", DraftConflict, ("id",), projection=_own_course(DraftConflict)),
    # The community: posts in their course's partition; votes, marks and conflicts in their
    # user's; reports in the admins' moderation partition.
    *(
        SyncedTable(name, model, ("id",), projection=_written(model), community=True)
        for name, model in (
            ("community_questions", CommunityQuestion),
            ("community_answers", CommunityAnswer),
            ("discussion_threads", DiscussionThread),
            ("discussion_posts", DiscussionPost),
        )
    ),
    SyncedTable("community_votes", CommunityVote, ("user_id", "kind", "target_id")),
    SyncedTable("community_seen", CommunitySeen, ("user_id", "course_id")),
    SyncedTable("community_edit_conflicts", CommunityEditConflict, ("id",)),
    SyncedTable("community_reports", CommunityReport, ("id",)),
]

BY_NAME = {table.name: table for table in SYNCED_TABLES}
COMMUNITY_TABLES = [table for table in SYNCED_TABLES if table.community]
OTHER_TABLES = [table for table in SYNCED_TABLES if not table.community]


def tables_of(partition: str) -> list[SyncedTable]:
    """The tables whose rows can be stamped into a partition (or versioned by a clock)."""
    community = partition == "community" or partition.startswith("community:")
    return COMMUNITY_TABLES if community else OTHER_TABLES
