"""The curriculum of a draft, edited offline: sections and lessons added, moved, deleted (with
Undo) and restored. Each edit is a local change plus its draft mutation.

Blocking: call on the database lane.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fractional_indexing import generate_key_between

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import LessonType
from lmsdesk.local_db.models.mirror import Lesson
from lmsdesk.services import draft_queries as q
from lmsdesk.services.draft_queries import AuthoringRefused
from lmsdesk.services.drafting import Drafting


@dataclass(frozen=True)
class DeletedSection:
    """What Undo needs to put a deleted section (and its lessons) back."""

    course_id: uuid.UUID
    title: str
    position: str
    lessons: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class DeletedLesson:
    section_id: uuid.UUID
    lesson: dict[str, Any]


class CurriculumService(Drafting):
    def add_section(self, course_id: uuid.UUID, title: str) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            q.own_course(session, course_id, self._user_id())
            last = [s.position for s in q.sections(session, course_id)][-1:]
        section_id = uuid.uuid4()
        self._record(
            m.ADD_SECTION,
            course_id=course_id,
            section_id=section_id,
            title=title.strip(),
            position=generate_key_between(last[0] if last else None, None),
        )
        return section_id

    def add_lesson(
        self, section_id: uuid.UUID, title: str, lesson_type: LessonType, content: str = ""
    ) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            section = q.section(session, section_id)
            q.own_course(session, section.course_id, self._user_id())
            last = [lesson.position for lesson in q.lessons(session, section_id)][-1:]
        lesson_id = uuid.uuid4()
        self._record(
            m.ADD_LESSON,
            section_id=section_id,
            lesson_id=lesson_id,
            title=title.strip(),
            lesson_type=lesson_type,
            position=generate_key_between(last[0] if last else None, None),
            content=content,
        )
        return lesson_id

    def move_section(self, section_id: uuid.UUID, index: int) -> None:
        """Put the section at `index` among its course's sections."""
        with self._session.require_store().reading() as session:
            section = q.section(session, section_id)
            q.own_course(session, section.course_id, self._user_id())
            others = [
                s.position for s in q.sections(session, section.course_id) if s.id != section_id
            ]
        self._record(
            m.MOVE_SECTION,
            section_id=section_id,
            position=q.key_at(others, index),
        )

    def move_lesson(self, lesson_id: uuid.UUID, section_id: uuid.UUID, index: int) -> None:
        """Put the lesson at `index` in `section_id` (its own section or another one)."""
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            target = q.section(session, section_id)
            if lesson is None or target.course_id != lesson.course_id:
                raise AuthoringRefused("A lesson can only move within its own course.")
            q.own_course(session, lesson.course_id, self._user_id())
            others = [x.position for x in q.lessons(session, section_id) if x.id != lesson_id]
        self._record(
            m.MOVE_LESSON,
            lesson_id=lesson_id,
            section_id=section_id,
            position=q.key_at(others, index),
        )

    def delete_section(self, section_id: uuid.UUID) -> DeletedSection:
        with self._session.require_store().reading() as session:
            section = q.section(session, section_id)
            q.own_course(session, section.course_id, self._user_id())
            kept = DeletedSection(
                section.course_id,
                section.title,
                section.position,
                tuple(q.lesson_copy(x) for x in q.lessons(session, section_id)),
            )
        self._record(m.DELETE, entity="section", entity_id=section_id)
        return kept

    def delete_lesson(self, lesson_id: uuid.UUID) -> DeletedLesson:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise AuthoringRefused("That lesson was deleted already.")
            q.own_course(session, lesson.course_id, self._user_id())
            kept = DeletedLesson(lesson.section_id, q.lesson_copy(lesson))
        self._record(m.DELETE, entity="lesson", entity_id=lesson_id)
        return kept

    def undo_delete(self, deleted: DeletedSection | DeletedLesson) -> None:
        """Put it back as new rows (fresh ids: the server may have sent the old ones' tombstones
        already, and a tombstone must never take a restored row with it)."""
        if isinstance(deleted, DeletedLesson):
            self._restore_lesson(deleted.section_id, deleted.lesson)
            return
        section_id = uuid.uuid4()
        self._record(
            m.ADD_SECTION,
            course_id=deleted.course_id,
            section_id=section_id,
            title=deleted.title,
            position=deleted.position,
        )
        for lesson in deleted.lessons:
            self._restore_lesson(section_id, lesson)

    def lesson_content(self, lesson_id: uuid.UUID) -> str:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            return lesson.content if lesson is not None else ""

    def _restore_lesson(self, section_id: uuid.UUID, lesson: dict[str, Any]) -> None:
        lesson_id = uuid.uuid4()
        self._record(
            m.ADD_LESSON,
            section_id=section_id,
            lesson_id=lesson_id,
            title=lesson["title"],
            lesson_type=lesson["lesson_type"],
            position=lesson["position"],
            content=lesson["content"],
        )
        if lesson["is_preview"]:
            self.edit("lesson", lesson_id, "is_preview", True)
