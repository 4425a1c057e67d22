"""The registry of sync mutations: adding one is one contract plus one line here.

Names carry a version. When a mutation's arguments change, register `name@2` beside `name@1`
and keep the old handler (upcasting its arguments) for as long as clients may still queue it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

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
from lmsdesk.contracts.moderation import DecideArgs
from lmsdesk.contracts.revisions import StartRevisionArgs
from lmsdesk.contracts.sync import (
    AddTimeArgs,
    CompleteLessonArgs,
    ResetProgressArgs,
    SetPositionArgs,
    SetRatingArgs,
    SubmitQuizAttemptArgs,
    WishlistArgs,
)
from lmsdesk_server.services import (
    authoring,
    moderation,
    progress,
    quiz_attempts,
    revisions,
    wishlist_ratings,
)
from lmsdesk_server.services.mutation_base import MutationContext

Handler = Callable[[MutationContext, Any], dict[str, object] | None]


@dataclass(frozen=True)
class MutationSpec:
    args: type[BaseModel]
    handler: Handler
    #: Echo the written row in the result. Progress rows reach the client through the pull
    #: anyway; echoing thousands of them per push only cost serialisation and storage.
    echo_row: bool = True


REGISTRY: dict[str, MutationSpec] = {
    "progress.set_position@1": MutationSpec(SetPositionArgs, progress.set_position, echo_row=False),
    "progress.complete@1": MutationSpec(CompleteLessonArgs, progress.complete, echo_row=False),
    "progress.add_time@1": MutationSpec(AddTimeArgs, progress.add_time, echo_row=False),
    "progress.reset@1": MutationSpec(ResetProgressArgs, progress.reset, echo_row=False),
    "quiz_attempt.submit@1": MutationSpec(SubmitQuizAttemptArgs, quiz_attempts.submit),
    "wishlist.add@1": MutationSpec(WishlistArgs, wishlist_ratings.add_to_wishlist),
    "wishlist.remove@1": MutationSpec(WishlistArgs, wishlist_ratings.remove_from_wishlist),
    "rating.set@1": MutationSpec(SetRatingArgs, wishlist_ratings.set_rating),
    "draft.create_course@1": MutationSpec(CreateCourseArgs, authoring.create_course),
    "draft.add_section@1": MutationSpec(AddSectionArgs, authoring.add_section),
    "draft.add_lesson@1": MutationSpec(AddLessonArgs, authoring.add_lesson),
    "draft.edit@1": MutationSpec(EditFieldArgs, authoring.edit_field),
    "draft.move_section@1": MutationSpec(MoveSectionArgs, authoring.move_section),
    "draft.move_lesson@1": MutationSpec(MoveLessonArgs, authoring.move_lesson),
    "draft.delete@1": MutationSpec(DeleteArgs, authoring.delete),
    "draft.add_question@1": MutationSpec(AddQuestionArgs, authoring.add_question),
    "draft.add_link@1": MutationSpec(AddLinkArgs, authoring.add_link),
    "draft.set_tags@1": MutationSpec(SetTagsArgs, authoring.set_tags),
    "draft.add_file@1": MutationSpec(AddFileArgs, authoring.add_file),
    "draft.set_thumbnail@1": MutationSpec(SetThumbnailArgs, authoring.set_thumbnail),
    "draft.attach_media@1": MutationSpec(AttachMediaArgs, authoring.attach_media),
    "draft.resolve_conflict@1": MutationSpec(ResolveConflictArgs, authoring.resolve_conflict),
    "draft.submit@1": MutationSpec(CourseRef, authoring.submit),
    "draft.start_revision@1": MutationSpec(StartRevisionArgs, revisions.start_revision),
    "moderation.decide@1": MutationSpec(DecideArgs, moderation.decide),
}
