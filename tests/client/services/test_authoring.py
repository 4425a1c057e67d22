"""Authoring offline on two laptops against the real server: a course built on a train, edits
that merge field by field, the same field changed twice becoming a conflict the instructor
resolves, and a checklist that keeps an unfinished course from review."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.authoring import Keep
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType, QuestionType
from lmsdesk.contracts.ids import quiz_id
from lmsdesk.local_db import outbox
from lmsdesk.local_db.models.mirror import CourseTagMap, Lesson
from lmsdesk.services.authoring import AuthoringRefused
from lmsdesk.services.learning import LearningService
from lmsdesk.services.quizzes import QuizService
from lmsdesk.sync.engine import SyncStatus
from tests.support.authoring import Author
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink


@pytest.fixture
def instructor(live_server: LiveServer) -> str:
    return live_server.create_user(Role.INSTRUCTOR, name="Ada Instructor")


def _authoring(laptop: Laptop) -> Author:
    return Author(laptop.service)


def test_a_course_written_offline_syncs_to_the_other_laptop(
    laptops: Callable[[str], Laptop], instructor: str, link: CuttableLink
) -> None:
    laptop, desktop = laptops("laptop"), laptops("desktop")
    laptop.sign_in(instructor).sync()
    desktop.sign_in(instructor).sync()
    link.cut()
    author = _authoring(laptop)
    course = author.create_course("Testing offline apps")
    basics = author.add_section(course, "Basics")
    later = author.add_section(course, "Later")
    first = author.add_lesson(basics, "Why offline", LessonType.TEXT, "# Why")
    second = author.add_lesson(basics, "Clocks", LessonType.TEXT)
    author.edit("course", course, "price_cents", 1900)
    author.edit("course", course, "price_cents", 2900)  # one edit leaves, from the first base
    author.set_tags(course, "Offline, sync, offline")  # "offline" is a tag the catalog has
    author.move_lesson(second, basics, 0)  # Clocks before Why offline
    author.move_lesson(first, later, 0)
    gone = author.delete_section(basics)
    author.undo_delete(gone)  # Clocks comes back, in a section named Basics
    assert laptop.engine.sync().status is SyncStatus.OFFLINE

    link.restore()
    assert laptop.engine.sync().status is SyncStatus.IDLE
    assert desktop.engine.sync().status is SyncStatus.IDLE
    seen = _authoring(desktop).draft(course)
    assert seen.fields["price_cents"] == 2900
    assert [(s.title, [x.title for x in s.lessons]) for s in seen.sections] == [
        ("Basics", ["Clocks"]),
        ("Later", ["Why offline"]),
    ]
    assert seen.problems == ()
    assert seen.tags == ("offline", "sync")
    assert _authoring(laptop).draft(course).tags == ("offline", "sync")
    maps = laptop.read(
        lambda s: s.scalars(select(CourseTagMap).where(CourseTagMap.course_id == course)).all()
    )
    assert len(maps) == 2  # type: ignore[arg-type]  # the offline rows became the server's
    assert [c.title for c in _authoring(desktop).my_courses()] == ["Testing offline apps"]


def test_the_same_field_on_two_laptops_becomes_a_conflict_to_resolve(
    laptops: Callable[[str], Laptop], instructor: str, link: CuttableLink
) -> None:
    laptop, desktop = laptops("laptop"), laptops("desktop")
    laptop.sign_in(instructor)
    author = _authoring(laptop)
    course = author.create_course("Offline apps")
    author.add_lesson(author.add_section(course, "One"), "Hello", LessonType.TEXT)
    laptop.engine.sync()
    desktop.sign_in(instructor).sync()
    other = _authoring(desktop)

    link.cut()  # both edit offline
    author.edit("course", course, "title", "Offline-first apps")
    author.edit("course", course, "subtitle", "From zero to sync")
    other.edit("course", course, "title", "Apps that work offline")
    link.restore()
    laptop.engine.sync()
    desktop.engine.sync()
    laptop.engine.sync()

    for service in (author, other):
        draft = service.draft(course)
        assert draft.fields["subtitle"] == "From zero to sync"  # different fields both won
        assert draft.fields["title"] == "Offline-first apps"
        (conflict,) = draft.conflicts
        assert (conflict.where, conflict.theirs, conflict.mine) == (
            "Title of the course",
            "Offline-first apps",
            "Apps that work offline",
        )
        assert "Resolve 1 conflicting edit(s)." in draft.problems
    with pytest.raises(AuthoringRefused, match="conflicting edit"):
        other.submit(course)

    other.resolve(conflict.id, Keep.MINE)
    assert other.draft(course).fields["title"] == "Apps that work offline"  # at once, offline
    desktop.engine.sync()
    other.submit(course)
    desktop.engine.sync()
    laptop.engine.sync()
    mine = author.draft(course)
    assert (mine.fields["title"], mine.status, mine.conflicts) == (
        "Apps that work offline",
        CourseStatus.PENDING,
        (),
    )
    with pytest.raises(AuthoringRefused, match="waiting for review"):
        author.edit("course", course, "title", "Too late")


def test_the_checklist_names_what_is_missing_and_bad_values_change_nothing(
    laptops: Callable[[str], Laptop], instructor: str
) -> None:
    laptop = laptops("laptop")
    laptop.sign_in(instructor)
    author = _authoring(laptop)
    course = author.create_course("Half done")
    author.add_section(course, "Empty")
    author.edit("course", course, "price_cents", 20)
    with pytest.raises(AuthoringRefused) as refused:
        author.submit(course)
    assert "Add at least one section with a lesson in it." in refused.value.message
    assert "Set a price of at least 0.50, or make the course free." in refused.value.message
    with pytest.raises(AuthoringRefused, match="currency"):
        author.edit("course", course, "currency", "dollars")
    assert author.draft(course).fields["currency"] == "USD"
    assert author.draft(course).status is CourseStatus.DRAFT


def test_students_cannot_author(laptops: Callable[[str], Laptop], live_server: LiveServer) -> None:
    laptop = laptops("laptop")
    laptop.sign_in(live_server.create_user(Role.STUDENT))
    with pytest.raises(AuthoringRefused, match="Only instructors"):
        _authoring(laptop).create_course("Mine")


def test_a_quiz_written_offline_is_checked_locally_and_accepted_by_the_server(
    laptops: Callable[[str], Laptop],
    instructor: str,
    link: CuttableLink,
    live_server: LiveServer,
) -> None:
    laptop = laptops("laptop")
    laptop.sign_in(instructor)
    author = _authoring(laptop)
    link.cut()
    course = author.create_course("Quizzes")
    lesson = author.add_lesson(author.add_section(course, "One"), "Check", LessonType.QUIZ)
    assert "Quiz 'Check': add at least one question." in author.draft(course).problems
    single = author.add_question(lesson, QuestionType.SINGLE_CHOICE)
    short = author.add_question(lesson, QuestionType.SHORT_ANSWER)
    quiz = author.quiz(lesson)
    assert [q.problems for q in quiz.questions] == [
        ("Question 1 has no text.", "Question 1 needs at least two options, none of them empty."),
        ("Question 2 has no text.", "Question 2 needs at least one accepted answer."),
    ]
    author.edit("question", single, "prompt", "Where does the data live?")
    author.edit("question", single, "options", ["On the laptop", "Only in the cloud"])
    author.edit("question", short, "prompt", "Name the clock.")
    author.edit("question", short, "correct_answer", ["HLC"])
    author.edit("quiz", quiz.quiz_id, "passing_percent", 80)
    with pytest.raises(AuthoringRefused, match="passing_percent"):
        author.edit("quiz", quiz.quiz_id, "passing_percent", 120)
    assert author.draft(course).problems == ()
    author.submit(course)

    link.restore()
    assert laptop.engine.sync().status is SyncStatus.IDLE
    assert live_server.course_status(course) == "pending"
    assert author.quiz(lesson).settings["passing_percent"] == 80


def test_previewing_a_draft_grades_its_quiz_but_records_nothing(
    laptops: Callable[[str], Laptop], instructor: str
) -> None:
    laptop = laptops("laptop")
    laptop.sign_in(instructor)
    author = _authoring(laptop)
    course = author.create_course("Quizzes")
    lesson = author.add_lesson(author.add_section(course, "One"), "Check", LessonType.QUIZ)
    question = author.add_question(lesson, QuestionType.TRUE_FALSE)
    author.edit("question", question, "prompt", "SQLite runs inside the app.")
    learning = LearningService(laptop.service)
    view = learning.lesson(lesson)
    assert view.authoring_preview
    assert not view.needs_enrollment
    quizzes = QuizService(laptop.service)
    quiz = quiz_id(lesson)
    quizzes.start(quiz)
    result = quizzes.submit(quiz, {str(question): True})
    assert (result.passed, result.percent) == (True, 100.0)
    learning.complete(view)
    store = laptop.service.store
    assert store is not None
    with store.reading() as session:
        names = {m.name for m in outbox.pending(session)}
    assert not names & {m.SUBMIT_ATTEMPT.name, m.COMPLETE_LESSON.name}


def test_a_draft_deleted_offline_is_gone_from_both_laptops_after_sync(
    laptops: Callable[[str], Laptop], instructor: str, link: CuttableLink
) -> None:
    laptop, desktop = laptops("laptop"), laptops("desktop")
    laptop.sign_in(instructor)
    author = _authoring(laptop)
    course = author.create_course("Throwaway")
    author.add_lesson(author.add_section(course, "One"), "Hello", LessonType.TEXT)
    laptop.engine.sync()
    desktop.sign_in(instructor).sync()
    assert [c.title for c in _authoring(desktop).my_courses()] == ["Throwaway"]

    link.cut()
    author.delete_course(course)
    assert author.my_courses() == []  # at once, offline
    link.restore()
    laptop.engine.sync()
    desktop.engine.sync()
    assert _authoring(desktop).my_courses() == []
    of_course = select(Lesson).where(Lesson.course_id == course)
    lessons = desktop.read(lambda s: s.scalars(of_course).all())
    assert lessons == []


def test_a_course_of_long_lessons_written_offline_reaches_the_server_in_several_pushes(
    laptops: Callable[[str], Laptop], instructor: str, link: CuttableLink
) -> None:
    laptop, desktop = laptops("laptop"), laptops("desktop")
    laptop.sign_in(instructor)
    author = _authoring(laptop)
    link.cut()
    course = author.create_course("A long read")
    section = author.add_section(course, "Chapters")
    text = "語" * 200_000  # the longest text a lesson may have: 600 KB as UTF-8
    lessons = [
        author.add_lesson(section, f"Chapter {n}", LessonType.TEXT, text) for n in range(1, 31)
    ]  # about 18 MB: more than the server takes in one request
    link.restore()
    outcome = laptop.engine.sync()
    assert (outcome.status, outcome.pending, outcome.rejected) == (SyncStatus.IDLE, 0, 0)
    desktop.sign_in(instructor).sync()
    assert len(_authoring(desktop).draft(course).sections[0].lessons) == 30
    last = desktop.read(lambda s: s.get(Lesson, lessons[-1]))
    assert last.content == text  # type: ignore[attr-defined]
