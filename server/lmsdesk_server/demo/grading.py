"""The demo's graded work, so the grading inbox and the assignment page show on first run: an
assignment in the paid course (text, file or link; a rubric; due next week), a submission by
the second demo student waiting to be graded, and an essay question in the paid course's quiz
(graded by hand in the same inbox).

The demo student (student@example.com) takes the paid course in its Berlin cohort (demo/
schedule.py): the assignment opens for them with week 2, once its quiz is complete.
Idempotent like the rest of the seed: every row has a fixed id and is written once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import LessonType, QuestionType, SubmissionStatus
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.models import AssignmentSubmission, Lesson, Quiz, QuizQuestion
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, user_partition

INSTRUCTIONS = """# Design a schema for a notes app

A notes app keeps **notebooks**, **notes** and **tags**, and works offline.

1. Write the `CREATE TABLE` statements (keys and foreign keys included).
2. Add the indexes the app's two main screens need, and say why.
3. Explain in a few sentences how a note edited on two laptops is merged.

Hand in your SQL as text, as a file (a `.txt` file or a PDF), or as a link to a
repository. The rubric below is how it is graded.
"""

RUBRIC = [
    {"name": "Tables and keys", "points": 8},
    {"name": "Indexes", "points": 6},
    {"name": "Merging explained", "points": 6},
]

ESSAY_PROMPT = (
    "In two or three sentences: why does WAL mode suit a desktop app that syncs in the "
    "background while the student reads?"
)


class GradingSeeder:
    def __init__(
        self, session: Session, note: Callable[[str], None], ids: Callable[[str], uuid.UUID]
    ):
        self._s = session
        self._note = note
        self._id = ids
        self._now = datetime.now(UTC)

    def run(self, paid: uuid.UUID) -> None:
        section = self._id("practical-sqlite:s2")
        lesson = self._assignment(paid, section)
        self._essay(self._id("practical-sqlite:quizrow"))
        learner = UserRepository(self._s).by_email("new.learner@example.com")
        if lesson is not None and learner is not None:
            self._submission(lesson, learner.id)

    def _assignment(self, course: uuid.UUID, section: uuid.UUID) -> Lesson | None:
        key = self._id("practical-sqlite:assignment")
        existing = self._s.get(Lesson, key)
        if existing is not None or self._s.get(Lesson, self._id("practical-sqlite:quiz")) is None:
            return existing
        lesson = Lesson(
            id=key,
            course_id=course,
            section_id=section,
            title="Assignment: design a schema",
            lesson_type=LessonType.ASSIGNMENT,
            position="a1",
            content=INSTRUCTIONS,
            submission_kinds=["text", "file", "link"],
            max_score=20,
            pass_score=12,
            due_at=(self._now + timedelta(days=7)).replace(minute=0, second=0, microsecond=0),
            allow_resubmission=True,
            accept_late=True,
            rubric=RUBRIC,
        )
        stamp(self._s, lesson, CATALOG_PARTITION)
        self._s.add(lesson)
        self._s.flush()
        self._note("assignment in practical-sqlite")
        return lesson

    def _essay(self, quiz_id: uuid.UUID) -> None:
        key = self._id("practical-sqlite:essay")
        if self._s.get(QuizQuestion, key) is not None or self._s.get(Quiz, quiz_id) is None:
            return
        question = QuizQuestion(
            id=key,
            quiz_id=quiz_id,
            position=100,
            question_type=QuestionType.ESSAY,
            prompt=ESSAY_PROMPT,
            options=[],
            correct_answer=None,
            points=2,
            explanation="Readers never wait for the writer, so syncing does not freeze reading.",
        )
        stamp(self._s, question, CATALOG_PARTITION)
        self._s.add(question)
        self._s.flush()
        self._note("essay question in practical-sqlite's quiz")

    def _submission(self, lesson: Lesson, student: uuid.UUID) -> None:
        key = self._id("submission:new.learner:schema")
        if self._s.get(AssignmentSubmission, key) is not None:
            return
        submission = AssignmentSubmission(
            id=key,
            lesson_id=lesson.id,
            course_id=lesson.course_id,
            student_id=student,
            number=1,
            text=(
                "```sql\n"
                "CREATE TABLE notebooks (id TEXT PRIMARY KEY, title TEXT NOT NULL);\n"
                "CREATE TABLE notes (id TEXT PRIMARY KEY,\n"
                "  notebook_id TEXT NOT NULL REFERENCES notebooks(id),\n"
                "  body TEXT, updated_hlc INTEGER);\n"
                "CREATE INDEX ix_notes_notebook ON notes(notebook_id, updated_hlc);\n"
                "```\n\n"
                "Edits merge **field by field**; the later hybrid clock wins."
            ),
            url="https://example.com/nia/notes-schema",
            submitted_at=self._now - timedelta(hours=5),
            is_late=False,
            status=SubmissionStatus.SUBMITTED,
            feedback="",
            created_at=self._now - timedelta(hours=5),
        )
        stamp(self._s, submission, user_partition(student))
        self._s.add(submission)
        self._s.flush()
        self._note("submission waiting to be graded")
