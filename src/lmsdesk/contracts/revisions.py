"""Changing a published course: a revision is a draft copy of it that goes through review while
the published course stays live for its students (DESIGN.md section 3).

Every row of the copy takes an id derived from the revision and the row it was copied from, on
any device, offline too. So when the revision is approved, each published row is found in it by
computing that id: found means kept (and updated), missing means deleted in the revision, and a
revision row that no published row maps to is new. No column has to remember where a row came
from, and the reviewer's "what changed" compares the two by the same rule.
"""

from __future__ import annotations

import uuid

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.course_snapshot import CourseSnapshot

_NAMESPACE = uuid.UUID("6a0f3e1c-8d2b-4c57-9e41-b3d5f7a2c910")

#: Course fields a revision carries to the published course when approved.
COPIED_COURSE_FIELDS = (
    "title",
    "subtitle",
    "description",
    "category_id",
    "level",
    "language_code",
    "price_cents",
    "currency",
    "thumbnail_asset_id",
)


class StartRevisionArgs(WireModel):
    course_id: uuid.UUID  # the published course
    revision_id: uuid.UUID  # the new draft's id, chosen by the client


def revision_row_id(revision_id: uuid.UUID, origin_id: uuid.UUID) -> uuid.UUID:
    """The id, in the revision, of the copy of a published row."""
    return uuid.uuid5(_NAMESPACE, f"{revision_id}:{origin_id}")


def as_revision(snapshot: CourseSnapshot, revision_id: uuid.UUID) -> CourseSnapshot:
    """A published course's snapshot with its ids as the revision's copies have them, so the
    revision can be compared with what students see now."""

    def r(origin: uuid.UUID) -> uuid.UUID:
        return revision_row_id(revision_id, origin)

    return CourseSnapshot(
        fields=snapshot.fields,
        sections=[s.model_copy(update={"id": r(s.id)}) for s in snapshot.sections],
        lessons=[
            x.model_copy(update={"id": r(x.id), "section_id": r(x.section_id)})
            for x in snapshot.lessons
        ],
        quizzes=[
            q.model_copy(
                update={
                    "lesson_id": r(q.lesson_id),
                    "questions": [p.model_copy(update={"id": r(p.id)}) for p in q.questions],
                }
            )
            for q in snapshot.quizzes
        ],
        resources=[
            x.model_copy(update={"id": r(x.id), "lesson_id": r(x.lesson_id)})
            for x in snapshot.resources
        ],
    )
