"""Ids both sides derive from a row's natural key.

A row that a client may create offline before it ever sees the server's copy (a student's
progress in a lesson, their rating of a course) gets the same id on every device and on the
server, so the copies are one row, never two that collide.
"""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("0b7d3c9e-4f51-4a8e-9d7c-2e6f1a5b8c34")


def progress_id(student_id: uuid.UUID, lesson_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"lesson_progress:{student_id}:{lesson_id}")


def rating_id(student_id: uuid.UUID, course_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"course_rating:{student_id}:{course_id}")


def quiz_id(lesson_id: uuid.UUID) -> uuid.UUID:
    """A quiz lesson's quiz: created with the lesson, on any device, offline."""
    return uuid.uuid5(_NAMESPACE, f"quiz:{lesson_id}")


def tag_id(name: str) -> uuid.UUID:
    """A tag is its (normalised) name: two devices tagging offline make the same tag."""
    return uuid.uuid5(_NAMESPACE, f"course_tag:{name}")
