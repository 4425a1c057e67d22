"""Reading the mirror for the course editor: ownership and editability, the outline in order,
conflicts, the reviewer's feedback and the submit checklist as this device sees it."""

from __future__ import annotations

import uuid
from typing import Any

from fractional_indexing import generate_key_between
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.authoring import (
    EDITABLE_STATUSES,
    assignment_problems,
    question_problems,
    stored_value,
    submission_problems,
)
from lmsdesk.contracts.enums import CourseStatus, LessonType, ReviewDecision
from lmsdesk.local_db.models.mirror import (
    Course,
    CourseSection,
    CourseTag,
    CourseTagMap,
    DraftConflict,
    Lesson,
    ModerationReview,
    Quiz,
    QuizQuestion,
)
from lmsdesk.services.errors import UserFacingError
from lmsdesk.sync.local_drafts import MODELS


class AuthoringRefused(UserFacingError):
    """The change cannot be made; `message` says why."""


def own_course(
    session: Session, course_id: uuid.UUID, user_id: uuid.UUID, *, editing: bool = True
) -> Course:
    course = session.get(Course, course_id)
    if course is None or course.instructor_id != user_id:
        raise AuthoringRefused("That course is not one of yours.")
    if editing and course.status not in EDITABLE_STATUSES:
        why = (
            "it is waiting for review"
            if course.status is CourseStatus.PENDING
            else "it is published"
        )
        raise AuthoringRefused(f"'{course.title}' cannot be changed: {why}.")
    return course


def tags(session: Session, course_id: uuid.UUID) -> list[str]:
    stmt = (
        select(CourseTag.name)
        .join(CourseTagMap, CourseTagMap.tag_id == CourseTag.id)
        .where(CourseTagMap.course_id == course_id)
        .order_by(CourseTag.name)
    )
    return list(session.scalars(stmt))


def section(session: Session, section_id: uuid.UUID) -> CourseSection:
    section = session.get(CourseSection, section_id)
    if section is None:
        raise AuthoringRefused("That section was deleted.")
    return section


def sections(session: Session, course_id: uuid.UUID) -> list[CourseSection]:
    stmt = select(CourseSection).where(CourseSection.course_id == course_id)
    return list(session.scalars(stmt.order_by(CourseSection.position, CourseSection.id)))


def lessons(session: Session, section_id: uuid.UUID) -> list[Lesson]:
    stmt = select(Lesson).where(Lesson.section_id == section_id)
    return list(session.scalars(stmt.order_by(Lesson.position, Lesson.id)))


def open_conflicts(session: Session, course_id: uuid.UUID) -> list[DraftConflict]:
    stmt = select(DraftConflict).where(
        DraftConflict.course_id == course_id, DraftConflict.resolved_at.is_(None)
    )
    return list(session.scalars(stmt.order_by(DraftConflict.created_at)))


def _last_rejection(session: Session, course: Course) -> ModerationReview | None:
    """The review the instructor is working from: the latest, if it sent the course back and
    the course has not gone to review again since."""
    if course.status not in (CourseStatus.REJECTED, CourseStatus.DRAFT):
        return None
    stmt = (
        select(ModerationReview)
        .where(ModerationReview.course_id == course.id)
        .order_by(ModerationReview.created_at.desc(), ModerationReview.revision.desc())
        .limit(1)
    )
    review = session.scalar(stmt)
    return review if review is not None and review.decision is ReviewDecision.REJECTED else None


def feedback(session: Session, course: Course) -> str | None:
    review = _last_rejection(session, course)
    return review.feedback if review is not None else None


def lesson_notes(session: Session, course: Course) -> dict[uuid.UUID, str]:
    """The reviewer's notes on single lessons, from the rejection being worked on."""
    review = _last_rejection(session, course)
    notes = (review.lesson_notes or {}) if review is not None else {}
    return {uuid.UUID(lesson): note for lesson, note in notes.items()}


def problems(session: Session, course: Course) -> list[str]:
    outline = [lessons(session, s.id) for s in sections(session, course.id)]
    return submission_problems(
        title=course.title,
        lessons_per_section=[len(x) for x in outline],
        price_cents=course.price_cents,
        videos_missing=sum(
            1
            for x in outline
            for lesson in x
            if lesson.lesson_type is LessonType.VIDEO and lesson.video_asset_id is None
        ),
        open_conflicts=len(open_conflicts(session, course.id)),
        quiz_problems=[
            problem
            for x in outline
            for lesson in x
            if lesson.lesson_type is LessonType.QUIZ
            for problem in quiz_problems(session, lesson)
        ],
        assignment_problems=[
            problem
            for x in outline
            for lesson in x
            if lesson.lesson_type is LessonType.ASSIGNMENT
            for problem in assignment_problems(
                lesson.title,
                list(lesson.submission_kinds or []),
                lesson.max_score,
                lesson.pass_score,
                list(lesson.rubric or []),
            )
        ],
    )


def quiz_of(session: Session, lesson_id: uuid.UUID) -> Quiz | None:
    """A quiz lesson's quiz, found by its lesson (quizzes made before authoring existed, like
    the demo's, do not have the id derived from the lesson)."""
    return session.scalar(select(Quiz).where(Quiz.lesson_id == lesson_id))


def questions(session: Session, quiz: uuid.UUID) -> list[QuizQuestion]:
    stmt = select(QuizQuestion).where(QuizQuestion.quiz_id == quiz)
    return list(session.scalars(stmt.order_by(QuizQuestion.position)))


def quiz_problems(session: Session, lesson: Lesson) -> list[str]:
    quiz = quiz_of(session, lesson.id)
    written = questions(session, quiz.id) if quiz is not None else []
    if not written:
        return [f"Quiz '{lesson.title}': add at least one question."]
    return [
        f"Quiz '{lesson.title}': {problem}"
        for number, q in enumerate(written, start=1)
        for problem in question_problems(
            number, q.question_type, q.prompt, list(q.options or []), q.correct_answer
        )
    ]


def where(session: Session, conflict: DraftConflict) -> str:
    field = conflict.field.replace("_cents", "").replace("_", " ").capitalize()
    if conflict.entity == "course":
        return f"{field} of the course"
    row = session.get(MODELS[conflict.entity], conflict.entity_id)
    title = getattr(row, "title", None) or getattr(row, "prompt", None)
    name = f" '{title[:40]}'" if title else ""
    return f"{field} of {conflict.entity}{name}"


def wire(row: Any, entity: str, field: str) -> Any:
    return stored_value(entity, field, getattr(row, field))


def lesson_copy(lesson: Lesson) -> dict[str, Any]:
    return {
        "title": lesson.title,
        "lesson_type": lesson.lesson_type,
        "position": lesson.position,
        "content": lesson.content,
        "is_preview": lesson.is_preview,
    }


def key_at(positions: list[str], index: int) -> str:
    """A fractional key that sorts at `index` among `positions` (sorted)."""
    index = max(0, min(index, len(positions)))
    before = positions[index - 1] if index > 0 else None
    after = positions[index] if index < len(positions) else None
    return str(generate_key_between(before, after))
