"""A course an instructor built and submitted from their laptop: the starting point of the
moderation and revision tests."""

from __future__ import annotations

import uuid

from lmsdesk.contracts.enums import LessonType, QuestionType
from lmsdesk.services.authoring import AuthoringService
from lmsdesk.sync.engine import SyncStatus
from tests.support.laptop import Laptop


def submitted_course(laptop: Laptop, title: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """(course, its text lesson, its quiz lesson), submitted and synced."""
    author = AuthoringService(laptop.service)
    course = author.create_course(title)
    section = author.add_section(course, "Getting started")
    text = author.add_lesson(section, "Reading a map offline", LessonType.TEXT, "Tiles " * 40)
    quiz = author.add_lesson(section, "Check yourself", LessonType.QUIZ)
    question = author.add_question(quiz, QuestionType.SINGLE_CHOICE)
    author.edit("question", question, "prompt", "Where do offline tiles live?")
    author.edit("question", question, "options", ["On the server", "On the device"])
    author.edit("question", question, "correct_answer", 1)
    author.edit("course", course, "price_cents", 2900)
    author.submit(course)
    assert laptop.engine.sync().status is SyncStatus.IDLE
    return course, text, quiz
