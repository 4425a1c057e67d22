"""What a lesson holds besides its text, edited offline: a quiz's questions, and its links and
files (files still uploading are listed with where their upload stands).

Blocking: call on the database lane.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.authoring import EDITABLE, AddLinkArgs, question_problems
from lmsdesk.contracts.enums import QuestionType
from lmsdesk.local_db.models.client import Upload, UploadState
from lmsdesk.local_db.models.mirror import Lesson, LessonResource
from lmsdesk.services import draft_queries as q
from lmsdesk.services.draft_queries import AuthoringRefused
from lmsdesk.services.drafting import Drafting, upload_note


@dataclass(frozen=True)
class LinkDraft:
    """A lesson's resource: a link, a file on the server, or a file still on its way there."""

    id: uuid.UUID
    title: str
    url: str  # "" for a file
    is_file: bool = False
    note: str = ""  # for a file not uploaded yet: where it stands


@dataclass(frozen=True)
class QuestionDraft:
    id: uuid.UUID
    question_type: QuestionType
    prompt: str
    options: tuple[str, ...]
    correct_answer: Any
    points: int
    explanation: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class QuizDraft:
    quiz_id: uuid.UUID
    settings: dict[str, Any]  # passing_percent, time_limit_seconds, max_attempts, ...
    questions: tuple[QuestionDraft, ...]


#: An assignment lesson's settings, as the assignment editor shows them.
ASSIGNMENT_FIELDS = (
    "submission_kinds",
    "max_score",
    "pass_score",
    "due_at",
    "allow_resubmission",
    "accept_late",
    "rubric",
)


class LessonContentService(Drafting):
    def assignment(self, lesson_id: uuid.UUID) -> dict[str, Any]:
        """An assignment lesson's settings in their wire shape, for the assignment editor."""
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise AuthoringRefused("That lesson is not on this computer; sync first.")
            return {name: q.wire(lesson, "lesson", name) for name in ASSIGNMENT_FIELDS}

    def quiz(self, lesson_id: uuid.UUID) -> QuizDraft:
        """A quiz lesson's settings and questions, for the quiz editor."""
        with self._session.require_store().reading() as session:
            quiz = q.quiz_of(session, lesson_id)
            if quiz is None:
                raise AuthoringRefused("That quiz is not on this computer; sync first.")
            questions = q.questions(session, quiz.id)
            return QuizDraft(
                quiz_id=quiz.id,
                settings={name: q.wire(quiz, "quiz", name) for name in EDITABLE["quiz"]},
                questions=tuple(
                    QuestionDraft(
                        id=row.id,
                        question_type=row.question_type,
                        prompt=row.prompt,
                        options=tuple(row.options or ()),
                        correct_answer=row.correct_answer,
                        points=row.points,
                        explanation=row.explanation,
                        problems=tuple(
                            question_problems(
                                number,
                                row.question_type,
                                row.prompt,
                                list(row.options or []),
                                row.correct_answer,
                            )
                        ),
                    )
                    for number, row in enumerate(questions, start=1)
                ),
            )

    def add_question(self, lesson_id: uuid.UUID, question_type: QuestionType) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise AuthoringRefused("That lesson was deleted.")
            q.own_course(session, lesson.course_id, self._user_id())
            quiz = q.quiz_of(session, lesson_id)
            if quiz is None:
                raise AuthoringRefused("That quiz is not on this computer; sync first.")
            quiz_key = quiz.id
        question_id = uuid.uuid4()
        self._record(
            m.ADD_QUESTION,
            quiz_id=quiz_key,
            question_id=question_id,
            question_type=question_type,
        )
        return question_id

    def delete_question(self, question_id: uuid.UUID) -> None:
        self._record(m.DELETE, entity="question", entity_id=question_id)

    def links(self, lesson_id: uuid.UUID) -> list[LinkDraft]:
        """The lesson's links and files, then files still uploading."""
        with self._session.require_store().reading() as session:
            stmt = select(LessonResource).where(LessonResource.lesson_id == lesson_id)
            rows = session.scalars(stmt.order_by(LessonResource.position))
            found = [LinkDraft(r.id, r.title, r.url or "", r.asset_id is not None) for r in rows]
            waiting = session.scalars(
                select(Upload)
                .where(
                    Upload.lesson_id == lesson_id,
                    Upload.kind == "resource",
                    Upload.state != UploadState.DONE,
                )
                .order_by(Upload.updated_at)
            )
            return found + [
                LinkDraft(u.asset_id, u.filename, "", True, upload_note(u)) for u in waiting
            ]

    def add_link(self, lesson_id: uuid.UUID, title: str, url: str) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise AuthoringRefused("That lesson was deleted.")
            q.own_course(session, lesson.course_id, self._user_id())
        url = url.strip()
        if "://" not in url:
            url = f"https://{url}"
        resource_id = uuid.uuid4()
        try:
            args = AddLinkArgs(
                lesson_id=lesson_id, resource_id=resource_id, title=title.strip(), url=url
            )
        except ValidationError:
            raise AuthoringRefused(f"'{url}' is not a web address (http or https).") from None
        self._session.require_engine().record(m.ADD_LINK, args)
        return resource_id

    def delete_link(self, resource_id: uuid.UUID) -> None:
        """Remove a link or file; a file not uploaded yet is simply dropped."""
        with self._session.require_store().transaction() as session:
            upload = session.get(Upload, resource_id)
            if upload is not None and upload.state is not UploadState.DONE:
                (self._session.require_media_root() / upload.relative_path).unlink(missing_ok=True)
                session.delete(upload)
                return
        self._record(m.DELETE, entity="resource", entity_id=resource_id)
