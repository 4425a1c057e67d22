"""Draft mutations: how an instructor's offline edits travel (DESIGN.md section 5, course drafts).

An edit names one field of one row and carries the value it started from (`base`) beside the
new one. The server merges field by field: its value still equal to `base` takes the edit; equal
to `value` already agrees; anything else was changed on another device and becomes a conflict
the instructor resolves. Carrying the base value rather than a version number lets two devices
edit different fields of the same row without either losing.
"""

from __future__ import annotations

import enum
import uuid
from typing import Annotated, Any, Literal

from fractional_indexing import FIError, validate_order_key
from pydantic import (
    AfterValidator,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from lmsdesk.contracts.assignments import (
    MAX_RUBRIC_CRITERIA,
    AwareTime,
    RubricRow,
    SubmissionKinds,
)
from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import CourseLevel, CourseStatus, LessonType, QuestionType

MAX_TITLE_LENGTH = 200  # the editor's inputs stop here too, so nothing typed is refused later
Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE_LENGTH)]


#: A fractional index ("a0", "a0V"): bytewise order, room between any two.
def _order_key(key: str) -> str:
    try:
        validate_order_key(key)
    except FIError as exc:
        raise ValueError(f"not a position key ({exc})") from None
    return key


PositionKey = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z]+$"), AfterValidator(_order_key)
]

_FIELDS: dict[str, dict[str, Any]] = {
    "course": {
        "title": Title,
        "subtitle": Annotated[str, Field(max_length=300)],
        "description": Annotated[str, Field(max_length=100_000)],
        "category_id": uuid.UUID | None,
        "level": CourseLevel,
        "language_code": Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")],
        "price_cents": Annotated[int, Field(ge=0, le=100_000_000)],
        "currency": Annotated[str, Field(pattern=r"^[A-Z]{3}$")],
    },
    "section": {"title": Title},
    "lesson": {
        "title": Title,
        "content": Annotated[str, Field(max_length=200_000)],
        "is_preview": bool,
        # An assignment lesson's settings (its content holds the instructions).
        "submission_kinds": SubmissionKinds,
        "max_score": Annotated[int, Field(ge=1, le=1000)] | None,
        "pass_score": Annotated[int, Field(ge=0, le=1000)] | None,
        "due_at": AwareTime | None,
        "allow_resubmission": bool,
        "accept_late": bool,
        "rubric": Annotated[list[RubricRow], Field(max_length=MAX_RUBRIC_CRITERIA)],
    },
    "quiz": {
        "passing_percent": Annotated[int, Field(ge=0, le=100)],
        "time_limit_seconds": Annotated[int, Field(gt=0, le=24 * 3600)] | None,
        "max_attempts": Annotated[int, Field(gt=0, le=100)] | None,
        "shuffle_questions": bool,
        "show_correct_answers": bool,
        # Practice: taken for the learning, never counted for completion or certificates.
        "practice": bool,
        # Each attempt shows the choices in its own order (answers name the option, not a place).
        "shuffle_options": bool,
    },
    "question": {
        "prompt": Annotated[str, Field(max_length=5_000)],
        "options": Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=20)],
        # Checked against the question's type and options by question_problems().
        "correct_answer": int | bool | list[int] | list[str] | None,
        "points": Annotated[int, Field(ge=0, le=1000)],
        "explanation": Annotated[str, Field(max_length=5_000)],
    },
}
EDITABLE: dict[str, dict[str, TypeAdapter[Any]]] = {
    entity: {name: TypeAdapter(kind) for name, kind in fields.items()}
    for entity, fields in _FIELDS.items()
}
Entity = Literal["course", "section", "lesson", "quiz", "question"]

#: Statuses an instructor may edit; editing a rejected course makes it a draft again.
EDITABLE_STATUSES = frozenset({CourseStatus.DRAFT, CourseStatus.REJECTED})


def wire_value(entity: str, field: str, value: Any) -> Any:
    """A field's value validated and in its JSON shape (UUIDs and enums as strings)."""
    adapter = EDITABLE[entity][field]
    return adapter.dump_python(adapter.validate_python(value), mode="json")


def stored_value(entity: str, field: str, value: Any) -> Any:
    """A stored field's value in the shape its edits carry (a time as the contract writes it,
    kinds stored as text as the enum's values), to compare with an edit's base. A stored value
    the contract would no longer take is compared as it is."""
    try:
        return wire_value(entity, field, value)
    except ValidationError:
        return value


class CreateCourseArgs(WireModel):
    course_id: uuid.UUID
    title: Title


class AddSectionArgs(WireModel):
    course_id: uuid.UUID
    section_id: uuid.UUID
    title: Title
    position: PositionKey


class AddLessonArgs(WireModel):
    section_id: uuid.UUID
    lesson_id: uuid.UUID
    title: Title
    lesson_type: LessonType
    position: PositionKey
    content: Annotated[str, Field(max_length=200_000)] = ""


class EditFieldArgs(WireModel):
    entity: Entity
    entity_id: uuid.UUID
    field: str
    base: Any = None
    value: Any = None

    @model_validator(mode="after")
    def _known_field_and_valid_value(self) -> EditFieldArgs:
        if self.field not in EDITABLE[self.entity]:
            raise ValueError(f"a {self.entity}'s '{self.field}' cannot be edited")
        try:
            wire_value(self.entity, self.field, self.value)
        except ValidationError as exc:
            raise ValueError(f"{self.field}: {exc.errors()[0]['msg']}") from None
        return self


class MoveSectionArgs(WireModel):
    """Reorders are last-writer-wins: fractional positions keep two of them from colliding."""

    section_id: uuid.UUID
    position: PositionKey


class MoveLessonArgs(WireModel):
    lesson_id: uuid.UUID
    section_id: uuid.UUID  # the same section, or another of the same course
    position: PositionKey


class AddQuestionArgs(WireModel):
    quiz_id: uuid.UUID
    question_id: uuid.UUID
    question_type: QuestionType
    prompt: Annotated[str, Field(max_length=5_000)] = ""


def new_question_answer(question_type: QuestionType) -> tuple[list[str], Any]:
    """A new question's starting options and correct answer, by type."""
    match question_type:
        case QuestionType.SINGLE_CHOICE:
            return ["", ""], 0
        case QuestionType.MULTIPLE_CHOICE:
            return ["", ""], []
        case QuestionType.TRUE_FALSE:
            return [], True
        case QuestionType.SHORT_ANSWER:
            return [], []
        case QuestionType.ESSAY:
            return [], None


def question_problems(
    number: int, question_type: QuestionType, prompt: str, options: list[str], answer: Any
) -> list[str]:
    """What keeps a question from being answerable, in the instructor's words."""
    problems = []
    where = f"Question {number}"
    if not prompt.strip():
        problems.append(f"{where} has no text.")
    choice = question_type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
    if choice and (len(options) < 2 or not all(o.strip() for o in options)):
        problems.append(f"{where} needs at least two options, none of them empty.")
    if question_type is QuestionType.SINGLE_CHOICE and not (
        isinstance(answer, int) and not isinstance(answer, bool) and 0 <= answer < len(options)
    ):
        problems.append(f"{where} needs its correct option marked.")
    if question_type is QuestionType.MULTIPLE_CHOICE and not (
        isinstance(answer, list)
        and answer
        and all(isinstance(i, int) and 0 <= i < len(options) for i in answer)
    ):
        problems.append(f"{where} needs at least one correct option marked.")
    if question_type is QuestionType.SHORT_ANSWER and not (
        isinstance(answer, list) and any(str(a).strip() for a in answer)
    ):
        problems.append(f"{where} needs at least one accepted answer.")
    return problems


class DeleteArgs(WireModel):
    entity: Literal["course", "section", "lesson", "question", "resource"]
    entity_id: uuid.UUID


MAX_TAGS = 10


class SetTagsArgs(WireModel):
    """A course's tags, the whole set (the last device to set them wins)."""

    course_id: uuid.UUID
    tags: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=MAX_TAGS)]

    @field_validator("tags")
    @classmethod
    def _normalised(cls, tags: list[str]) -> list[str]:
        clean = [" ".join(t.casefold().split()) for t in tags]
        return list(dict.fromkeys(t for t in clean if t))


class AddLinkArgs(WireModel):
    """A web link among a lesson's resources (further reading, a repository, a tool)."""

    lesson_id: uuid.UUID
    resource_id: uuid.UUID
    title: Title
    url: Annotated[str, Field(max_length=2048, pattern=r"^https?://[^\s]+$")]


class AttachMediaArgs(WireModel):
    """Give a lesson its video or subtitles (an upload that finished), or take them away."""

    lesson_id: uuid.UUID
    kind: Literal["video", "subtitles"]
    asset_id: uuid.UUID | None


class SetThumbnailArgs(WireModel):
    """Give a course its thumbnail image (an upload that finished), or take it away."""

    course_id: uuid.UUID
    asset_id: uuid.UUID | None


class AddFileArgs(WireModel):
    """A file among a lesson's resources (slides, a worksheet, sample code), once uploaded."""

    lesson_id: uuid.UUID
    resource_id: uuid.UUID
    title: Title
    asset_id: uuid.UUID


class Keep(enum.StrEnum):
    MINE = "mine"
    THEIRS = "theirs"


class ResolveConflictArgs(WireModel):
    conflict_id: uuid.UUID
    keep: Keep


#: The smallest charge for a paid course, in minor units (Stripe's minimum for USD and EUR).
MIN_PRICE_CENTS = 50


def submission_problems(
    *,
    title: str,
    lessons_per_section: list[int],
    price_cents: int,
    videos_missing: int,
    open_conflicts: int,
    quiz_problems: list[str] | None = None,
    assignment_problems: list[str] | None = None,
) -> list[str]:
    """What keeps a course from review, in the instructor's words; empty when it may go.
    The client shows it as a checklist; the server refuses a submit that fails it."""
    problems = []
    if not title.strip():
        problems.append("Give the course a title.")
    if not any(count > 0 for count in lessons_per_section):
        problems.append("Add at least one section with a lesson in it.")
    if 0 < price_cents < MIN_PRICE_CENTS:
        problems.append("Set a price of at least 0.50, or make the course free.")
    if videos_missing:
        problems.append(f"Upload the video of {videos_missing} lesson(s).")
    problems.extend(quiz_problems or [])
    problems.extend(assignment_problems or [])
    if open_conflicts:
        problems.append(f"Resolve {open_conflicts} conflicting edit(s).")
    return problems


#: The settings of a quiz lesson's quiz when the lesson is made (on the server, and offline on
#: the instructor's laptop before the server has it).
NEW_QUIZ: dict[str, Any] = {
    "passing_percent": 70,
    "shuffle_questions": False,
    "show_correct_answers": True,
    "practice": False,
    "shuffle_options": False,
}

#: The settings of an assignment lesson when it is made.
NEW_ASSIGNMENT: dict[str, Any] = {
    "submission_kinds": ["text"],
    "max_score": 100,
    "pass_score": 50,
    "due_at": None,
    "allow_resubmission": True,
    "accept_late": True,
    "rubric": [],
}


def assignment_problems(
    title: str,
    kinds: list[str],
    max_score: int | None,
    pass_score: int | None,
    rubric: list[dict[str, Any]],
) -> list[str]:
    """What keeps an assignment from being handed in and graded, in the instructor's words."""
    where = f"Assignment '{title}'"
    problems = []
    if not kinds:
        problems.append(f"{where} accepts no kind of submission: tick text, file or link.")
    if not max_score:
        problems.append(f"{where} needs a maximum score.")
    elif pass_score is not None and pass_score > max_score:
        problems.append(f"{where} has a pass mark above its maximum score.")
    if rubric:
        names = [str(c.get("name", "")).strip().casefold() for c in rubric]
        if any(not n for n in names) or len(set(names)) < len(names):
            problems.append(f"{where} has rubric criteria without a name, or with the same name.")
        total = sum(int(c.get("points", 0)) for c in rubric)
        if max_score and total != max_score:
            problems.append(
                f"{where}: its rubric's points add up to {total}, not its maximum score "
                f"{max_score}."
            )
    return problems
