"""REST twins of the learning mutations (online use and scripts). Each runs the same handler as
its sync mutation, through services.mutation_door."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Response, status
from pydantic import Field

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import ErrorResponse, WireModel
from lmsdesk.contracts.schedule import LessonBody
from lmsdesk.contracts.sync import (
    AddTimeArgs,
    CompleteLessonArgs,
    ResetProgressArgs,
    SetPositionArgs,
    SetRatingArgs,
    SubmitQuizAttemptArgs,
    WishlistArgs,
)
from lmsdesk_server.deps import CurrentActor, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.learning.repository.lessons import LearningRepository
from lmsdesk_server.learning.service import progress
from lmsdesk_server.mutation import MutationRejected
from lmsdesk_server.sync.service import door as mutation_door

router = APIRouter(tags=["learning"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
Row = dict[str, Any]


class PositionBody(WireModel):
    position_seconds: Annotated[float, Field(ge=0, le=7 * 24 * 3600)]
    reset_generation: Annotated[int, Field(ge=0)] = 0


class TimeBody(WireModel):
    seconds: Annotated[float, Field(gt=0, le=24 * 3600)]
    reset_generation: Annotated[int, Field(ge=0)] = 0


class GenerationBody(WireModel):
    reset_generation: Annotated[int, Field(ge=0)] = 0


class AttemptBody(WireModel):
    attempt_id: uuid.UUID
    started_at: datetime
    submitted_at: datetime
    answers: dict[str, Any]


class RatingBody(WireModel):
    rating: Annotated[int, Field(ge=1, le=5)]
    title: str = ""
    body: str = ""


@router.get("/lessons/{lesson_id}", responses=_errors)
def lesson_body(lesson_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> LessonBody:
    """A lesson's body, by the same rule as progress: enrolled (or preview, or the course's
    own), released for the student's cohort, prerequisites complete."""
    try:
        lesson = progress.learnable_lesson(LearningRepository(session), actor, lesson_id)
    except MutationRejected as exc:
        raise ApiError(exc.status, exc.code, exc.reason) from exc
    return LessonBody(
        id=lesson.id,
        course_id=lesson.course_id,
        section_id=lesson.section_id,
        title=lesson.title,
        lesson_type=lesson.lesson_type.value,
        content=lesson.content,
        video_asset_id=lesson.video_asset_id,
        duration_seconds=lesson.duration_seconds,
    )


@router.put("/progress/{lesson_id}/position", responses=_errors)
def set_position(
    lesson_id: uuid.UUID, body: PositionBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = SetPositionArgs(lesson_id=lesson_id, **body.model_dump())
    return mutation_door.run(session, actor, m.SET_POSITION, args)


@router.post("/progress/{lesson_id}/complete", responses=_errors)
def complete(
    lesson_id: uuid.UUID, body: GenerationBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = CompleteLessonArgs(
        lesson_id=lesson_id, completed_at=datetime.now(UTC), reset_generation=body.reset_generation
    )
    return mutation_door.run(session, actor, m.COMPLETE_LESSON, args)


@router.post("/progress/{lesson_id}/time", responses=_errors)
def add_time(
    lesson_id: uuid.UUID, body: TimeBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = AddTimeArgs(lesson_id=lesson_id, **body.model_dump())
    return mutation_door.run(session, actor, m.ADD_TIME, args)


@router.post("/progress/{lesson_id}/reset", responses=_errors)
def reset(
    lesson_id: uuid.UUID, body: GenerationBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = ResetProgressArgs(lesson_id=lesson_id, reset_generation=body.reset_generation)
    return mutation_door.run(session, actor, m.RESET_PROGRESS, args)


@router.post("/quizzes/{quiz_id}/attempts", status_code=201, responses=_errors)
def submit_attempt(
    quiz_id: uuid.UUID, body: AttemptBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = SubmitQuizAttemptArgs(quiz_id=quiz_id, **body.model_dump())
    return mutation_door.run(session, actor, m.SUBMIT_ATTEMPT, args)


@router.put("/wishlist/{course_id}", responses=_errors)
def wish(course_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.ADD_TO_WISHLIST, WishlistArgs(course_id=course_id))


@router.delete("/wishlist/{course_id}", status_code=204, responses=_errors)
def unwish(course_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    mutation_door.run(session, actor, m.REMOVE_FROM_WISHLIST, WishlistArgs(course_id=course_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/courses/{course_id}/rating", responses=_errors)
def rate(
    course_id: uuid.UUID, body: RatingBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = SetRatingArgs(course_id=course_id, **body.model_dump())
    return mutation_door.run(session, actor, m.SET_RATING, args)
