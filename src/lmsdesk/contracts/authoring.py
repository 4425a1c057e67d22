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

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import CourseLevel, CourseStatus, LessonType

Title = Annotated[str, Field(min_length=1, max_length=200)]
#: A fractional index ("a0", "a0V"): bytewise order, room between any two.
PositionKey = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z]+$")]

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
    },
}
EDITABLE: dict[str, dict[str, TypeAdapter[Any]]] = {
    entity: {name: TypeAdapter(kind) for name, kind in fields.items()}
    for entity, fields in _FIELDS.items()
}
Entity = Literal["course", "section", "lesson"]

#: Statuses an instructor may edit; editing a rejected course makes it a draft again.
EDITABLE_STATUSES = frozenset({CourseStatus.DRAFT, CourseStatus.REJECTED})


def wire_value(entity: str, field: str, value: Any) -> Any:
    """A field's value validated and in its JSON shape (UUIDs and enums as strings)."""
    adapter = EDITABLE[entity][field]
    return adapter.dump_python(adapter.validate_python(value), mode="json")


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


class DeleteArgs(WireModel):
    entity: Literal["section", "lesson"]
    entity_id: uuid.UUID


class AttachMediaArgs(WireModel):
    """Give a lesson its video or subtitles (an upload that finished), or take them away."""

    lesson_id: uuid.UUID
    kind: Literal["video", "subtitles"]
    asset_id: uuid.UUID | None


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
    if open_conflicts:
        problems.append(f"Resolve {open_conflicts} conflicting edit(s).")
    return problems
