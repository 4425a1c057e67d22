"""REST twins of the draft mutations (online authoring and scripts): each runs the same handler
as its sync mutation through services.mutation_door. 403 for someone else's course or one that
is not editable, 409 when an edit collides with another device's (the conflict is recorded)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from lmsdesk.contracts import mutations as m
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
    Keep,
    MoveLessonArgs,
    MoveSectionArgs,
    ResolveConflictArgs,
    SetTagsArgs,
    SetThumbnailArgs,
)
from lmsdesk.contracts.commerce import CourseRef
from lmsdesk.contracts.common import ErrorResponse, WireModel
from lmsdesk.contracts.revisions import StartRevisionArgs
from lmsdesk_server.deps import CurrentActor, SessionDep
from lmsdesk_server.sync.service import door as mutation_door

router = APIRouter(prefix="/authoring", tags=["authoring"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
Row = dict[str, Any]


class KeepBody(WireModel):
    keep: Keep


@router.post("/courses", status_code=status.HTTP_201_CREATED, responses=_errors)
def create_course(body: CreateCourseArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.CREATE_COURSE, body)


@router.post("/sections", status_code=status.HTTP_201_CREATED, responses=_errors)
def add_section(body: AddSectionArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.ADD_SECTION, body)


@router.post("/lessons", status_code=status.HTTP_201_CREATED, responses=_errors)
def add_lesson(body: AddLessonArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.ADD_LESSON, body)


@router.post("/questions", status_code=status.HTTP_201_CREATED, responses=_errors)
def add_question(body: AddQuestionArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.ADD_QUESTION, body)


@router.delete("/questions/{question_id}", status_code=204, responses=_errors)
def delete_question(question_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    args = DeleteArgs(entity="question", entity_id=question_id)
    mutation_door.run(session, actor, m.DELETE, args)
    return Response(status_code=204)


@router.patch("/fields", responses=_errors)
def edit_field(body: EditFieldArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.EDIT_FIELD, body)


@router.post("/sections/move", responses=_errors)
def move_section(body: MoveSectionArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.MOVE_SECTION, body)


@router.post("/lessons/move", responses=_errors)
def move_lesson(body: MoveLessonArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.MOVE_LESSON, body)


@router.delete("/courses/{course_id}", status_code=204, responses=_errors)
def delete_course(course_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    """Throw a draft (or a rejected course) away; it leaves every device at the next sync."""
    args = DeleteArgs(entity="course", entity_id=course_id)
    mutation_door.run(session, actor, m.DELETE, args)
    return Response(status_code=204)


@router.delete("/sections/{section_id}", status_code=204, responses=_errors)
def delete_section(section_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    args = DeleteArgs(entity="section", entity_id=section_id)
    mutation_door.run(session, actor, m.DELETE, args)
    return Response(status_code=204)


@router.delete("/lessons/{lesson_id}", status_code=204, responses=_errors)
def delete_lesson(lesson_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    args = DeleteArgs(entity="lesson", entity_id=lesson_id)
    mutation_door.run(session, actor, m.DELETE, args)
    return Response(status_code=204)


@router.post("/resources", status_code=status.HTTP_201_CREATED, responses=_errors)
def add_link(body: AddLinkArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    """A web link among a lesson's resources."""
    return mutation_door.run(session, actor, m.ADD_LINK, body)


@router.delete("/resources/{resource_id}", status_code=204, responses=_errors)
def delete_resource(resource_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    args = DeleteArgs(entity="resource", entity_id=resource_id)
    mutation_door.run(session, actor, m.DELETE, args)
    return Response(status_code=204)


@router.put("/courses/tags", responses=_errors)
def set_tags(body: SetTagsArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    """A course's whole tag set (lower case, at most 10)."""
    return mutation_door.run(session, actor, m.SET_TAGS, body)


@router.put("/lessons/media", responses=_errors)
def attach_media(body: AttachMediaArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    """Give a lesson an uploaded video or subtitles file (asset_id null takes it away)."""
    return mutation_door.run(session, actor, m.ATTACH_MEDIA, body)


@router.post("/conflicts/{conflict_id}/resolve", responses=_errors)
def resolve_conflict(
    conflict_id: uuid.UUID, body: KeepBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = ResolveConflictArgs(conflict_id=conflict_id, keep=body.keep)
    return mutation_door.run(session, actor, m.RESOLVE_CONFLICT, args)


@router.post("/files", status_code=status.HTTP_201_CREATED, responses=_errors)
def add_file(body: AddFileArgs, actor: CurrentActor, session: SessionDep) -> Row | None:
    """An uploaded file (POST /media) among a lesson's resources."""
    return mutation_door.run(session, actor, m.ADD_FILE, body)


class ThumbnailBody(WireModel):
    asset_id: uuid.UUID | None


@router.put("/courses/{course_id}/thumbnail", responses=_errors)
def set_thumbnail(
    course_id: uuid.UUID, body: ThumbnailBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = SetThumbnailArgs(course_id=course_id, asset_id=body.asset_id)
    return mutation_door.run(session, actor, m.SET_THUMBNAIL, args)


class RevisionBody(WireModel):
    revision_id: uuid.UUID


@router.post(
    "/courses/{course_id}/revisions", status_code=status.HTTP_201_CREATED, responses=_errors
)
def start_revision(
    course_id: uuid.UUID, body: RevisionBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    """A draft copy of a published course, to change it through review."""
    args = StartRevisionArgs(course_id=course_id, revision_id=body.revision_id)
    return mutation_door.run(session, actor, m.START_REVISION, args)


@router.post("/courses/{course_id}/submit", responses=_errors)
def submit(course_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Row | None:
    """draft or rejected -> pending; 403 with what is missing when the checklist fails."""
    return mutation_door.run(session, actor, m.SUBMIT_COURSE, CourseRef(course_id=course_id))
