"""Moderation: an admin's decision on a course waiting for review, the queue and the history.

A decision names the course version the admin reviewed. If the instructor changed the course
since (or another admin decided first), the decision is refused and the course is shown again:
nobody approves content they did not see.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import ReviewDecision

Feedback = Annotated[str, Field(max_length=10_000)]
LessonNote = Annotated[str, Field(min_length=1, max_length=2_000)]
MAX_LESSON_NOTES = 500


class DecisionBody(WireModel):
    """POST /moderation/courses/{id}/decision."""

    decision: ReviewDecision
    feedback: Feedback = ""
    course_version: Annotated[int, Field(ge=1)]
    #: Optional notes on single lessons, shown to the instructor beside them.
    lesson_notes: Annotated[
        dict[uuid.UUID, LessonNote], Field(default_factory=dict, max_length=MAX_LESSON_NOTES)
    ]

    @model_validator(mode="after")
    def _rejection_says_why(self) -> DecisionBody:
        if self.decision is ReviewDecision.REJECTED and not self.feedback.strip():
            raise ValueError("a rejection needs feedback for the instructor")
        return self


class DecideArgs(DecisionBody):
    """The `moderation.decide` mutation: the same decision, made offline and queued."""

    course_id: uuid.UUID
    review_id: uuid.UUID  # chosen by the client: a repeated push is the same decision


class QueueItem(WireModel):
    course_id: uuid.UUID
    title: str
    instructor_name: str
    category: str | None
    submitted_at: datetime | None
    course_version: int
    #: 1 for a first submission, n for the n-th submission of this course.
    revision: int
    lessons: int


class QueueResponse(WireModel):
    items: list[QueueItem]
    total: int


class HistoryEntry(WireModel):
    review_id: uuid.UUID
    decision: ReviewDecision
    feedback: str
    lesson_notes: dict[uuid.UUID, str]
    reviewer_name: str
    course_version: int
    revision: int
    created_at: datetime


class HistoryResponse(WireModel):
    course_id: uuid.UUID
    title: str
    status: str
    entries: list[HistoryEntry]  # newest first
