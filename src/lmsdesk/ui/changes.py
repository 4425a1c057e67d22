"""Which screens a finished sync concerns (as Anki's operations report their changes): each
screen names the mirror tables it draws from, and redraws only when a sync changed one of them.
A sync that changed nothing redraws nothing."""

from __future__ import annotations

from collections.abc import Callable

from lmsdesk.sync.engine import EVERYTHING, OUTBOX, SyncOutcome

CATALOG_TABLES = frozenset(
    {
        "courses",
        "categories",
        "course_tags",
        "course_tag_map",
        "course_ratings",
        "wishlist_items",
        "cart_items",
        "enrollments",
        "orders",
        "media_assets",
        "course_sections",
        "lessons",
    }
)
CART_TABLES = frozenset({"cart_items", "courses", "enrollments", "orders"})
PLAN_TABLES = frozenset({"subscriptions"})
MY_LEARNING_TABLES = frozenset(
    {
        "enrollments",
        "courses",
        "course_sections",
        "lessons",
        "lesson_progress",
        "certificates",
        "quizzes",
        "quiz_attempts",
        "media_assets",
    }
)
AUTHORING_TABLES = frozenset(
    {
        "courses",
        "course_sections",
        "lessons",
        "quizzes",
        "quiz_questions",
        "lesson_resources",
        "lesson_prerequisites",
        "draft_conflicts",
        "moderation_reviews",
        "media_assets",
        "course_tags",
        "course_tag_map",
        "categories",
        OUTBOX,  # what waits to be sent is shown there (decisions to sync, refused edits)
    }
)
MODERATION_TABLES = AUTHORING_TABLES
SCHEDULE_TABLES = frozenset(
    {
        "cohorts",
        "cohort_weeks",
        "enrollments",
        "lessons",
        "quizzes",
        "lesson_prerequisites",
        "programs",
        "program_certificates",
    }
)
COMMUNITY_TABLES = frozenset(
    {
        "community_questions",
        "community_answers",
        "discussion_threads",
        "discussion_posts",
        "community_votes",
        "community_seen",
        "community_edit_conflicts",
        "community_reports",
        "enrollments",
        "courses",
        "course_sections",
        "lessons",
        OUTBOX,  # posts waiting to be sent say so, and stop saying it once sent
    }
)


def touches(outcome: SyncOutcome, tables: frozenset[str]) -> bool:
    return EVERYTHING in outcome.changed or not outcome.changed.isdisjoint(tables)


#: What an open assignment lesson shows (its settings, its submissions and their grades).
GRADING_TABLES = frozenset(
    {"lessons", "assignment_submissions", "quiz_attempts", "lesson_progress"}
)


def when_changed(tables: frozenset[str], redraw: Callable[[], None]) -> Callable[[object], None]:
    """A slot for SyncController.finished: `redraw` when the sync changed one of `tables`."""

    def finished(outcome: object) -> None:
        if isinstance(outcome, SyncOutcome) and touches(outcome, tables):
            redraw()

    return finished
