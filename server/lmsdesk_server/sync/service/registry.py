"""The registry of sync mutations: adding one is one contract plus one line here.

Names carry a version. When a mutation's arguments change, register `name@2` beside `name@1`
and keep the old handler (upcasting its arguments) for as long as clients may still queue it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.mutations import Args, MutationType
from lmsdesk_server.admin.service import categories, courses, grants, refunds, users
from lmsdesk_server.analytics.service import views
from lmsdesk_server.authoring.service import drafts, files, revisions
from lmsdesk_server.catalog import service as catalog
from lmsdesk_server.community.service import editing, posting, reports, seen, votes
from lmsdesk_server.grading.service import grades, submissions
from lmsdesk_server.learning.service import progress, quiz_attempts
from lmsdesk_server.moderation import service as moderation
from lmsdesk_server.mutation import MutationContext
from lmsdesk_server.schedule.service import cohorts, prerequisites, programs
from lmsdesk_server.storefront.service import cart, sales

Row = dict[str, object] | None


@dataclass(frozen=True)
class MutationSpec(Generic[Args]):
    mutation: MutationType[Args]
    handler: Callable[[MutationContext, Args], Row]
    #: Echo the written row in the result. Progress rows reach the client through the pull
    #: anyway; echoing thousands of them per push only cost serialisation and storage.
    echo_row: bool = True

    @property
    def args(self) -> type[Args]:
        return self.mutation.args


def handles(
    mutation: MutationType[Args],
    handler: Callable[[MutationContext, Args], Row],
    *,
    echo_row: bool = True,
) -> MutationSpec[Any]:
    """A handler for a mutation: mypy checks the handler takes that mutation's arguments."""
    return MutationSpec(mutation, handler, echo_row)


_SPECS = [
    handles(m.SET_POSITION, progress.set_position, echo_row=False),
    handles(m.COMPLETE_LESSON, progress.complete, echo_row=False),
    handles(m.ADD_TIME, progress.add_time, echo_row=False),
    handles(m.RESET_PROGRESS, progress.reset, echo_row=False),
    handles(m.SUBMIT_ATTEMPT, quiz_attempts.submit),
    handles(m.ADD_TO_CART, cart.add),
    handles(m.REMOVE_FROM_CART, cart.remove),
    handles(m.SET_SALE, sales.set_sale),
    handles(m.ADD_TO_WISHLIST, catalog.add_to_wishlist),
    handles(m.REMOVE_FROM_WISHLIST, catalog.remove_from_wishlist),
    handles(m.SET_RATING, catalog.set_rating),
    handles(m.CREATE_COURSE, drafts.create_course),
    handles(m.ADD_SECTION, drafts.add_section),
    handles(m.ADD_LESSON, drafts.add_lesson),
    handles(m.EDIT_FIELD, drafts.edit_field),
    handles(m.MOVE_SECTION, drafts.move_section),
    handles(m.MOVE_LESSON, drafts.move_lesson),
    handles(m.DELETE, drafts.delete),
    handles(m.ADD_QUESTION, drafts.add_question),
    handles(m.ADD_LINK, files.add_link),
    handles(m.SET_TAGS, drafts.set_tags),
    handles(m.ADD_FILE, files.add_file),
    handles(m.SET_THUMBNAIL, files.set_thumbnail),
    handles(m.ATTACH_MEDIA, files.attach_media),
    handles(m.RESOLVE_CONFLICT, drafts.resolve_conflict),
    handles(m.SUBMIT_COURSE, drafts.submit),
    handles(m.START_REVISION, revisions.start_revision),
    handles(m.DECIDE, moderation.decide),
    handles(m.ADMIN_SET_USER, users.set_user),
    handles(m.ADMIN_GRANT, grants.grant),
    handles(m.ADMIN_REFUND, refunds.refund),
    handles(m.ADMIN_CATEGORY, categories.change),
    handles(m.ADMIN_COURSE_STATE, courses.set_state),
    handles(m.ASK, posting.ask),
    handles(m.ANSWER, posting.answer),
    handles(m.ACCEPT, posting.accept),
    handles(m.VOTE, votes.vote),
    handles(m.START_THREAD, posting.start_thread),
    handles(m.REPLY, posting.reply),
    handles(m.PIN, posting.pin),
    handles(m.EDIT_POST, editing.edit),
    handles(m.DELETE_POST, editing.delete),
    handles(m.RESOLVE_EDIT_CONFLICT, editing.resolve_conflict),
    handles(m.REPORT, reports.report),
    handles(m.MODERATE_REPORT, reports.moderate),
    handles(m.MARK_SEEN, seen.mark_seen),
    handles(m.SUBMIT_ASSIGNMENT, submissions.submit),
    handles(m.GRADE_SUBMISSION, grades.grade_submission),
    handles(m.GRADE_ATTEMPT, grades.grade_attempt),
    handles(m.SAVE_COHORT, cohorts.save_cohort),
    handles(m.SET_WEEK, cohorts.set_week),
    handles(m.SET_PREREQUISITES, prerequisites.set_prerequisites),
    handles(m.CREATE_PROGRAM, programs.create_program),
    handles(m.RECORD_VIEWS, views.record_views, echo_row=False),
]
REGISTRY: dict[str, MutationSpec[Any]] = {spec.mutation.name: spec for spec in _SPECS}
