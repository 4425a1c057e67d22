"""Quizzes authored as drafts: a quiz lesson comes with its quiz, questions of every type are
added and edited field by field, the checklist names unanswerable questions, bad settings are
refused."""

from __future__ import annotations

import uuid

import pytest

from lmsdesk.contracts.ids import quiz_id
from lmsdesk_server.db.models import User
from tests.server.authoring.helpers import author
from tests.server.sync.helpers import DeviceFactory, rows

pytestmark = pytest.mark.usefixtures("seeded")


def test_a_quiz_is_written_question_by_question_and_checked_before_review(
    instructor: User, device_for: DeviceFactory
) -> None:
    device = device_for(instructor)
    rest = author(device)
    course = rest.create()
    lesson = rest.add_lesson(rest.add_section(course), lesson_type="quiz")
    quiz = quiz_id(lesson)
    pulled = device.pull_all()
    assert rows(pulled, "quizzes")[str(quiz)]["passing_percent"] == 70

    questions = []
    for kind in ("single_choice", "multiple_choice", "true_false", "short_answer"):
        question = uuid.uuid4()
        added = rest.call(
            "POST",
            "/questions",
            {"quiz_id": str(quiz), "question_id": str(question), "question_type": kind},
        )
        assert added.status_code == 201, added.text
        questions.append(question)
    added_rows = rows(device.pull_all(), "quiz_questions")
    positions = [added_rows[str(q)]["position"] for q in questions]
    assert positions == [1, 2, 3, 4]

    problems = rest.call("POST", f"/courses/{course}/submit").json()["error"]["message"]
    assert "Quiz 'Why offline': Question 1 has no text." in problems
    assert "Quiz 'Why offline': Question 1 needs at least two options, none of them empty." in (
        problems
    )
    assert "Quiz 'Why offline': Question 2 needs at least one correct option marked." in problems
    assert "Quiz 'Why offline': Question 4 needs at least one accepted answer." in problems

    single, multiple, true_false, short = questions
    for question, prompt in zip(
        questions,
        ("Which store?", "Which are offline-first?", "SQLite is a server.", "Name the clock."),
        strict=True,
    ):
        assert rest.edit("question", question, "prompt", "", prompt).status_code == 200
    for question in (single, multiple):
        rest.edit("question", question, "options", ["", ""], ["SQLite", "Redis", "Mongo"])
    rest.edit("question", multiple, "correct_answer", [], [0, 2])
    rest.edit("question", true_false, "correct_answer", True, False)
    rest.edit("question", short, "correct_answer", [], ["HLC", "hybrid logical clock"])
    assert rest.edit("quiz", quiz, "passing_percent", 70, 150).status_code == 422
    assert rest.edit("quiz", quiz, "time_limit_seconds", None, 600).status_code == 200
    assert rest.call("DELETE", f"/questions/{true_false}").status_code == 204

    submitted = rest.call("POST", f"/courses/{course}/submit")
    assert submitted.status_code == 200, submitted.text
    pulled = device.pull_all()
    saved = rows(pulled, "quiz_questions")
    assert saved[str(multiple)]["correct_answer"] == [0, 2]
    assert saved[str(short)]["correct_answer"] == ["HLC", "hybrid logical clock"]
    assert rows(pulled, "quizzes")[str(quiz)]["time_limit_seconds"] == 600
    gone = [t["row_id"] for page in pulled for t in page["tombstones"]]
    assert str(true_false) in gone


def test_deleting_a_quiz_lesson_takes_its_quiz_and_questions(
    instructor: User, device_for: DeviceFactory
) -> None:
    device = device_for(instructor)
    rest = author(device)
    lesson = rest.add_lesson(rest.add_section(rest.create()), lesson_type="quiz")
    question = uuid.uuid4()
    rest.call(
        "POST",
        "/questions",
        {
            "quiz_id": str(quiz_id(lesson)),
            "question_id": str(question),
            "question_type": "true_false",
        },
    )
    device.pull_all()
    assert rest.call("DELETE", f"/lessons/{lesson}").status_code == 204
    gone = [(t["table"], t["row_id"]) for page in device.pull_all() for t in page["tombstones"]]
    assert gone == [
        ("quiz_questions", str(question)),
        ("quizzes", str(quiz_id(lesson))),
        ("lessons", str(lesson)),
    ]
