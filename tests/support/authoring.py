"""A course an instructor built and submitted from their laptop: the starting point of the
moderation and revision tests."""

from __future__ import annotations

import uuid
from typing import Any

from lmsdesk.contracts.enums import LessonType, QuestionType
from lmsdesk.services.authoring import AuthoringService
from lmsdesk.services.curriculum import CurriculumService
from lmsdesk.services.lesson_content import LessonContentService
from lmsdesk.services.session import SessionService
from lmsdesk.sync.engine import SyncStatus
from tests.support.laptop import Laptop


def submitted_course(laptop: Laptop, title: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """(course, its text lesson, its quiz lesson), submitted and synced."""
    author = Author(laptop.service)
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


class Author:
    """An instructor at work, for tests: the three authoring services (the course as a whole, its
    curriculum, a lesson's contents) behind one object, as the editor's three panels use them."""

    def __init__(self, session: SessionService) -> None:
        self.course = AuthoringService(session)
        self.curriculum = CurriculumService(session)
        self.content = LessonContentService(session)

    def __getattr__(self, name: str) -> Any:
        for service in (self.course, self.curriculum, self.content):
            if hasattr(service, name):
                return getattr(service, name)
        raise AttributeError(name)
