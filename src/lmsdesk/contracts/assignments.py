"""Assignments and hand grading (DESIGN.md section 11.3): what a student hands in, what the
instructor gives back, and the gradebook.

A submission is written offline and keeps the id its device chose, like a quiz attempt: sent
twice it is one submission. A grade is the instructor's, also offline: the grade given last (by
the hybrid logical clock of the devices that gave it) is the one that holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator
from typing_extensions import TypedDict

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import AttemptStatus, QuestionType, SubmissionKind, SubmissionStatus

MAX_RUBRIC_CRITERIA = 20
TEXT_MAX = 100_000
FEEDBACK_MAX = 20_000
URL_MAX = 2048


def _aware(value: datetime) -> datetime:
    # A time without an offset is UTC, as everywhere on the wire.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


AwareTime = Annotated[datetime, AfterValidator(_aware)]


def _unique_kinds(kinds: list[SubmissionKind]) -> list[SubmissionKind]:
    return list(dict.fromkeys(kinds))


#: Which kinds of work an assignment accepts (text, file, link), each once.
SubmissionKinds = Annotated[
    list[SubmissionKind], Field(max_length=3), AfterValidator(_unique_kinds)
]


CriterionName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
]
CriterionPoints = Annotated[int, Field(ge=1, le=1000)]


#: A kind of work in words, and what an assignment takes ("text or a file"), for messages on
#: both sides.
KIND_WORDS = {
    SubmissionKind.TEXT: "text",
    SubmissionKind.FILE: "a file",
    SubmissionKind.LINK: "a link",
}


def takes_words(kinds: Iterable[str]) -> str:
    chosen = {SubmissionKind(k) for k in kinds}
    return " or ".join(KIND_WORDS[k] for k in SubmissionKind if k in chosen) or "nothing"


class RubricCriterion(WireModel):
    """One named criterion of a rubric and the points it is worth."""

    name: CriterionName
    points: CriterionPoints


class RubricRow(TypedDict):
    """A criterion as a lesson stores it (plain JSON; the editable field's shape)."""

    name: CriterionName
    points: CriterionPoints


Feedback = Annotated[str, StringConstraints(strip_whitespace=True, max_length=FEEDBACK_MAX)]
Link = Annotated[str, Field(max_length=URL_MAX, pattern=r"^https?://[^\s]+$")]
Score = Annotated[float, Field(ge=0, le=1000)]


class SubmissionBody(WireModel):
    """What a student hands in: any of the kinds the assignment accepts (at least one)."""

    text: Annotated[str, Field(max_length=TEXT_MAX)] | None = None
    file_asset_id: uuid.UUID | None = None
    url: Link | None = None

    @model_validator(mode="after")
    def _something(self) -> SubmissionBody:
        if not (self.text or "").strip() and self.file_asset_id is None and self.url is None:
            raise ValueError("a submission needs text, a file or a link")
        return self

    def kinds(self) -> set[SubmissionKind]:
        given = {
            SubmissionKind.TEXT: bool((self.text or "").strip()),
            SubmissionKind.FILE: self.file_asset_id is not None,
            SubmissionKind.LINK: self.url is not None,
        }
        return {kind for kind, present in given.items() if present}


class SubmissionRequest(SubmissionBody):
    """`POST /assignments/{lesson_id}/submissions`: the id is the caller's to choose (a retry
    with the same id is the same submission), else the server picks one."""

    submission_id: uuid.UUID | None = None


class SubmitAssignmentArgs(SubmissionBody):
    submission_id: uuid.UUID
    lesson_id: uuid.UUID
    #: When the student pressed Submit (on a train, perhaps); the server takes the earlier of
    #: this and its own clock, and lateness is judged by it.
    submitted_at: AwareTime


class GradeBody(WireModel):
    """A grade: the total, or one score per rubric criterion (then the total is their sum)."""

    score: Score | None = None
    rubric_scores: dict[Annotated[str, Field(max_length=120)], Score] | None = None
    feedback: Feedback = ""

    @model_validator(mode="after")
    def _total_or_rubric(self) -> GradeBody:
        if self.score is None and not self.rubric_scores:
            raise ValueError("a grade needs a score (or a score per rubric criterion)")
        return self


class GradeSubmissionArgs(GradeBody):
    submission_id: uuid.UUID


class EssayGradeBody(WireModel):
    """The instructor's scores of an attempt's essay answers (question id -> points)."""

    scores: dict[str, Score] = Field(max_length=200)
    feedback: Feedback = ""

    @field_validator("scores")
    @classmethod
    def _question_ids(cls, scores: dict[str, float]) -> dict[str, float]:
        for key in scores:
            uuid.UUID(key)
        return scores


class GradeAttemptArgs(EssayGradeBody):
    attempt_id: uuid.UUID


def rubric_total(rubric: list[dict[str, Any]], scores: dict[str, float]) -> tuple[float, str]:
    """The total of a rubric's scores, or why they do not fit the rubric ('' when they do)."""
    points = {str(c["name"]): float(c["points"]) for c in rubric}
    unknown = sorted(set(scores) - set(points))
    if unknown:
        return 0.0, f"The rubric has no criterion '{unknown[0]}'."
    missing = sorted(set(points) - set(scores))
    if missing:
        return 0.0, f"Score the criterion '{missing[0]}' too."
    for name, score in scores.items():
        if score > points[name]:
            return 0.0, f"'{name}' is worth at most {points[name]:g} points."
    return sum(scores.values()), ""


class Submission(WireModel):
    """A submission as the instructor's inbox and the student's page show it."""

    id: uuid.UUID
    lesson_id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    student_name: str
    number: int
    text: str | None
    file_asset_id: uuid.UUID | None
    file_name: str | None
    url: str | None
    submitted_at: datetime
    is_late: bool
    status: SubmissionStatus
    score: float | None
    rubric_scores: dict[str, float] | None
    feedback: str
    graded_at: datetime | None


class SubmissionPage(WireModel):
    items: list[Submission]
    total: int


class EssayAnswer(WireModel):
    question_id: str
    prompt: str
    answer: str
    points: int
    score: float | None


class GradingItem(WireModel):
    """One piece of work in the instructor's grading inbox: a submission, or a quiz attempt
    with essay answers."""

    kind: Annotated[str, Field(pattern="^(submission|attempt)$")]
    id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    lesson_id: uuid.UUID
    lesson_title: str
    student_id: uuid.UUID
    student_name: str
    submitted_at: datetime
    is_late: bool
    status: SubmissionStatus | AttemptStatus
    score: float | None
    max_score: float
    rubric: list[RubricCriterion]
    rubric_scores: dict[str, float] | None
    feedback: str
    text: str | None = None
    file_asset_id: uuid.UUID | None = None
    file_name: str | None = None
    url: str | None = None
    essays: list[EssayAnswer] = Field(default_factory=list)


class GradingInbox(WireModel):
    items: list[GradingItem]
    total: int


class GradebookColumn(WireModel):
    lesson_id: uuid.UUID
    title: str
    kind: Annotated[str, Field(pattern="^(quiz|assignment)$")]
    max_score: float


class GradebookRow(WireModel):
    student_id: uuid.UUID
    student_name: str
    email: str
    #: lesson id -> the score that counts (the best quiz attempt, the latest graded submission);
    #: absent when there is none yet.
    scores: dict[str, float]
    #: Work handed in and not graded yet, by lesson id.
    pending: list[str]


class Gradebook(WireModel):
    course_id: uuid.UUID
    course_title: str
    columns: list[GradebookColumn]
    rows: list[GradebookRow]


def gradebook_csv_rows(book: Gradebook) -> list[list[str]]:
    """The gradebook as spreadsheet rows: one per student, one column per graded item."""
    header = ["Student", "Email", *(f"{c.title} (/{c.max_score:g})" for c in book.columns)]
    rows = [header]
    for row in book.rows:
        cells = []
        for column in book.columns:
            key = str(column.lesson_id)
            if key in row.scores:
                cells.append(f"{row.scores[key]:g}")
            else:
                cells.append("pending" if key in row.pending else "")
        rows.append([_cell(row.student_name), _cell(row.email), *cells])
    return rows


def _cell(text: str) -> str:
    # A name typed as "=HYPERLINK(...)" must stay text when the file opens in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def is_essay(question_type: QuestionType) -> bool:
    return question_type is QuestionType.ESSAY
