"""Assignments and grading over REST (DESIGN.md section 11.3). Every write runs its sync
mutation's handler through the door, so work handed in online and offline meets the same rule."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Response

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.assignments import (
    EssayGradeBody,
    GradeAttemptArgs,
    GradeBody,
    Gradebook,
    GradeSubmissionArgs,
    GradingInbox,
    SubmissionPage,
    SubmissionRequest,
    SubmitAssignmentArgs,
    gradebook_csv_rows,
)
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk_server.deps import CurrentActor, Limit, Offset, SessionDep
from lmsdesk_server.grading.service import reading
from lmsdesk_server.sync.service import door

router = APIRouter(tags=["assignments"])
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
Row = dict[str, Any] | None


@router.post("/assignments/{lesson_id}/submissions", status_code=201, responses=_errors)
def hand_in(
    lesson_id: uuid.UUID, body: SubmissionRequest, actor: CurrentActor, session: SessionDep
) -> Row:
    args = SubmitAssignmentArgs(
        submission_id=body.submission_id or uuid.uuid4(),
        lesson_id=lesson_id,
        submitted_at=datetime.now(UTC),
        **body.model_dump(exclude={"submission_id"}),
    )
    return door.run(session, actor, m.SUBMIT_ASSIGNMENT, args)


@router.get("/assignments/{lesson_id}/submissions", responses=_errors)
def list_submissions(
    lesson_id: uuid.UUID,
    actor: CurrentActor,
    session: SessionDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> SubmissionPage:
    return reading.submissions(session, actor, lesson_id, offset=offset, limit=limit)


@router.post("/submissions/{submission_id}/grade", responses=_errors)
def grade_submission(
    submission_id: uuid.UUID, body: GradeBody, actor: CurrentActor, session: SessionDep
) -> Row:
    args = GradeSubmissionArgs(submission_id=submission_id, **body.model_dump())
    return door.run(session, actor, m.GRADE_SUBMISSION, args)


@router.post("/attempts/{attempt_id}/grade", responses=_errors)
def grade_attempt(
    attempt_id: uuid.UUID, body: EssayGradeBody, actor: CurrentActor, session: SessionDep
) -> Row:
    args = GradeAttemptArgs(attempt_id=attempt_id, **body.model_dump())
    return door.run(session, actor, m.GRADE_ATTEMPT, args)


@router.get("/instructor/grading", responses=_errors)
def grading_inbox(
    actor: CurrentActor,
    session: SessionDep,
    course_id: uuid.UUID | None = None,
    lesson_id: uuid.UUID | None = None,
    status: Literal["all", "ungraded"] = "all",
    offset: Offset = 0,
    limit: Limit = 200,
) -> GradingInbox:
    """Work handed in to this instructor's courses: ungraded first, oldest waiting first."""
    return reading.inbox(
        session,
        actor,
        course_id=course_id,
        lesson_id=lesson_id,
        ungraded_only=status == "ungraded",
        offset=offset,
        limit=limit,
    )


@router.get(
    "/instructor/courses/{course_id}/gradebook",
    responses={**_errors, 200: {"content": {"text/csv": {}}}},
    response_model=Gradebook,
)
def gradebook(
    course_id: uuid.UUID,
    actor: CurrentActor,
    session: SessionDep,
    format: Literal["json", "csv"] = "json",
) -> Gradebook | Response:
    book = reading.gradebook(session, actor, course_id)
    if format == "json":
        return book
    out = io.StringIO()
    csv.writer(out).writerows(gradebook_csv_rows(book))
    filename = f"gradebook-{book.course_id}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
