"""Every sync mutation, once: its versioned name paired with its argument model.

The client records them (`engine.record(SET_POSITION, args)`), applies them to its mirror, and
the server registers a handler for each (`registry.py`) and serves their REST twins; all of
them take the constant, so mypy checks that the arguments fit the mutation on both sides, and
nothing else spells a name. tests/test_mutation_catalogue.py checks that client and server
handle exactly these.

Names carry a version. When a mutation's arguments change, add `name@2` beside `name@1` and keep
the old one (the server upcasting its arguments) for as long as clients may still queue it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from lmsdesk.contracts.admin import (
    CategoryArgs,
    CourseStateArgs,
    GrantArgs,
    RefundArgs,
    SetUserArgs,
)
from lmsdesk.contracts.analytics import RecordViewsArgs
from lmsdesk.contracts.assignments import (
    GradeAttemptArgs,
    GradeSubmissionArgs,
    SubmitAssignmentArgs,
)
from lmsdesk.contracts.authoring import (
    AddFileArgs,
    AddLessonArgs,
    AddLinkArgs,
    AddQuestionArgs,
    AddSectionArgs,
    AttachMediaArgs,
    CreateCourseArgs,
    DeleteArgs,
    EditFieldArgs,
    MoveLessonArgs,
    MoveSectionArgs,
    ResolveConflictArgs,
    SetTagsArgs,
    SetThumbnailArgs,
)
from lmsdesk.contracts.commerce import CourseRef
from lmsdesk.contracts.community import (
    AcceptArgs,
    AnswerArgs,
    AskArgs,
    DeletePostArgs,
    EditPostArgs,
    MarkSeenArgs,
    ModerateArgs,
    PinArgs,
    ReplyArgs,
    ReportArgs,
    ResolveEditConflictArgs,
    StartThreadArgs,
    VoteArgs,
)
from lmsdesk.contracts.moderation import DecideArgs
from lmsdesk.contracts.pricing import CartArgs, SetSaleArgs
from lmsdesk.contracts.revisions import StartRevisionArgs
from lmsdesk.contracts.schedule import (
    CreateProgramArgs,
    SaveCohortArgs,
    SetPrerequisitesArgs,
    SetWeekArgs,
)
from lmsdesk.contracts.sync import (
    AddTimeArgs,
    CompleteLessonArgs,
    ResetProgressArgs,
    SetPositionArgs,
    SetRatingArgs,
    SubmitQuizAttemptArgs,
    WishlistArgs,
)

Args = TypeVar("Args", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class MutationType(Generic[Args]):
    name: str
    args: type[Args]

    def __str__(self) -> str:
        return self.name


# Learning
SET_POSITION = MutationType("progress.set_position@1", SetPositionArgs)
COMPLETE_LESSON = MutationType("progress.complete@1", CompleteLessonArgs)
ADD_TIME = MutationType("progress.add_time@1", AddTimeArgs)
RESET_PROGRESS = MutationType("progress.reset@1", ResetProgressArgs)
SUBMIT_ATTEMPT = MutationType("quiz_attempt.submit@1", SubmitQuizAttemptArgs)
# The catalog
ADD_TO_WISHLIST = MutationType("wishlist.add@1", WishlistArgs)
REMOVE_FROM_WISHLIST = MutationType("wishlist.remove@1", WishlistArgs)
SET_RATING = MutationType("rating.set@1", SetRatingArgs)
# Authoring
CREATE_COURSE = MutationType("draft.create_course@1", CreateCourseArgs)
ADD_SECTION = MutationType("draft.add_section@1", AddSectionArgs)
ADD_LESSON = MutationType("draft.add_lesson@1", AddLessonArgs)
EDIT_FIELD = MutationType("draft.edit@1", EditFieldArgs)
MOVE_SECTION = MutationType("draft.move_section@1", MoveSectionArgs)
MOVE_LESSON = MutationType("draft.move_lesson@1", MoveLessonArgs)
DELETE = MutationType("draft.delete@1", DeleteArgs)
ADD_QUESTION = MutationType("draft.add_question@1", AddQuestionArgs)
ADD_LINK = MutationType("draft.add_link@1", AddLinkArgs)
SET_TAGS = MutationType("draft.set_tags@1", SetTagsArgs)
ADD_FILE = MutationType("draft.add_file@1", AddFileArgs)
SET_THUMBNAIL = MutationType("draft.set_thumbnail@1", SetThumbnailArgs)
ATTACH_MEDIA = MutationType("draft.attach_media@1", AttachMediaArgs)
RESOLVE_CONFLICT = MutationType("draft.resolve_conflict@1", ResolveConflictArgs)
SUBMIT_COURSE = MutationType("draft.submit@1", CourseRef)
START_REVISION = MutationType("draft.start_revision@1", StartRevisionArgs)
# Moderation
DECIDE = MutationType("moderation.decide@1", DecideArgs)
# The admin console
ADMIN_SET_USER = MutationType("admin.set_user@1", SetUserArgs)
ADMIN_GRANT = MutationType("admin.grant@1", GrantArgs)
ADMIN_REFUND = MutationType("admin.refund@1", RefundArgs)
ADMIN_CATEGORY = MutationType("admin.category@1", CategoryArgs)
ADMIN_COURSE_STATE = MutationType("admin.course_state@1", CourseStateArgs)
# The community
ASK = MutationType("community.ask@1", AskArgs)
ANSWER = MutationType("community.answer@1", AnswerArgs)
ACCEPT = MutationType("community.accept@1", AcceptArgs)
VOTE = MutationType("community.vote@1", VoteArgs)
START_THREAD = MutationType("community.start_thread@1", StartThreadArgs)
REPLY = MutationType("community.reply@1", ReplyArgs)
PIN = MutationType("community.pin@1", PinArgs)
EDIT_POST = MutationType("community.edit@1", EditPostArgs)
DELETE_POST = MutationType("community.delete@1", DeletePostArgs)
RESOLVE_EDIT_CONFLICT = MutationType("community.resolve_conflict@1", ResolveEditConflictArgs)
REPORT = MutationType("community.report@1", ReportArgs)
MODERATE_REPORT = MutationType("community.moderate@1", ModerateArgs)
MARK_SEEN = MutationType("community.mark_seen@1", MarkSeenArgs)
# Assignments and grading
SUBMIT_ASSIGNMENT = MutationType("assignment.submit@1", SubmitAssignmentArgs)
GRADE_SUBMISSION = MutationType("grading.grade_submission@1", GradeSubmissionArgs)
GRADE_ATTEMPT = MutationType("grading.grade_attempt@1", GradeAttemptArgs)
# Cohorts, schedules, prerequisites and programs
SAVE_COHORT = MutationType("schedule.save_cohort@1", SaveCohortArgs)
SET_WEEK = MutationType("schedule.set_week@1", SetWeekArgs)
SET_PREREQUISITES = MutationType("authoring.set_prerequisites@1", SetPrerequisitesArgs)
CREATE_PROGRAM = MutationType("admin.create_program@1", CreateProgramArgs)
# Analytics
RECORD_VIEWS = MutationType("analytics.record_views@1", RecordViewsArgs)
# The storefront
ADD_TO_CART = MutationType("cart.add@1", CartArgs)
REMOVE_FROM_CART = MutationType("cart.remove@1", CartArgs)
SET_SALE = MutationType("authoring.set_sale@1", SetSaleArgs)

CATALOGUE: tuple[MutationType[Any], ...] = (
    SET_POSITION, COMPLETE_LESSON, ADD_TIME, RESET_PROGRESS, SUBMIT_ATTEMPT,
    ADD_TO_WISHLIST, REMOVE_FROM_WISHLIST, SET_RATING,
    CREATE_COURSE, ADD_SECTION, ADD_LESSON, EDIT_FIELD, MOVE_SECTION, MOVE_LESSON, DELETE,
    ADD_QUESTION, ADD_LINK, SET_TAGS, ADD_FILE, SET_THUMBNAIL, ATTACH_MEDIA, RESOLVE_CONFLICT,
    SUBMIT_COURSE, START_REVISION,
    DECIDE,
    ADMIN_SET_USER, ADMIN_GRANT, ADMIN_REFUND, ADMIN_CATEGORY, ADMIN_COURSE_STATE,
    ASK, ANSWER, ACCEPT, VOTE, START_THREAD, REPLY, PIN, EDIT_POST, DELETE_POST,
    RESOLVE_EDIT_CONFLICT, REPORT, MODERATE_REPORT, MARK_SEEN,
    SUBMIT_ASSIGNMENT, GRADE_SUBMISSION, GRADE_ATTEMPT,
    SAVE_COHORT, SET_WEEK, SET_PREREQUISITES, CREATE_PROGRAM,
    RECORD_VIEWS,
    ADD_TO_CART, REMOVE_FROM_CART, SET_SALE,
)  # fmt: skip
BY_NAME: dict[str, MutationType[Any]] = {m.name: m for m in CATALOGUE}
