"""What instructors and students read of assignments: submissions, the grading inbox, and the
gradebook. Plain queries for the same people the rules let write."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts.assignments import (
    EssayAnswer,
    Gradebook,
    GradebookColumn,
    GradebookRow,
    GradingInbox,
    GradingItem,
    RubricCriterion,
    Submission,
    SubmissionPage,
)
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import (
    AttemptStatus,
    LessonType,
    QuestionType,
    SubmissionStatus,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import AssignmentSubmission, Course, Lesson, QuizAttempt
from lmsdesk_server.errors import ApiError
from lmsdesk_server.grading.repository import GradingRepository


def _submission(row: AssignmentSubmission, name: str, file_name: str | None) -> Submission:
    return Submission(
        id=row.id,
        lesson_id=row.lesson_id,
        course_id=row.course_id,
        student_id=row.student_id,
        student_name=name,
        number=row.number,
        text=row.text,
        file_asset_id=row.file_asset_id,
        file_name=file_name,
        url=row.url,
        submitted_at=row.submitted_at,
        is_late=row.is_late,
        status=row.status,
        score=row.score,
        rubric_scores=row.rubric_scores,
        feedback=row.feedback,
        graded_at=row.graded_at,
    )


def submissions(
    session: Session, actor: Actor, lesson_id: uuid.UUID, *, offset: int, limit: int
) -> SubmissionPage:
    """The course's instructor reads every submission of the assignment; a student their own."""
    repo = GradingRepository(session)
    lesson = repo.find(Lesson, lesson_id)
    if lesson is None or lesson.lesson_type is not LessonType.ASSIGNMENT:
        raise ApiError(404, "not_found", "There is no such assignment.")
    course = repo.find(Course, lesson.course_id)
    assert course is not None
    if course.instructor_id == actor.id:
        rows = repo.submissions(lesson_id=lesson_id)
    elif repo.enrollment_status(actor.id, course.id) is not None:
        rows = repo.submissions(lesson_id=lesson_id, student_id=actor.id)
    else:
        raise ApiError(403, "refused", "Only the course's instructor and its students see this.")
    items = [_submission(s, name, file_name) for s, name, file_name, _l, _c in rows]
    return SubmissionPage(items=items[offset : offset + limit], total=len(items))


def inbox(
    session: Session,
    actor: Actor,
    *,
    course_id: uuid.UUID | None,
    lesson_id: uuid.UUID | None,
    ungraded_only: bool,
    offset: int,
    limit: int,
) -> GradingInbox:
    """Everything handed in to this instructor: ungraded first (oldest waiting first), then
    graded (most recent first)."""
    if not actor.has(Role.INSTRUCTOR):
        raise ApiError(403, "refused", "The grading inbox is for instructors.")
    repo = GradingRepository(session)
    status = SubmissionStatus.SUBMITTED if ungraded_only else None
    items = [
        _work(s, name, file_name, lesson, course)
        for s, name, file_name, lesson, course in repo.submissions(
            instructor_id=actor.id, course_id=course_id, lesson_id=lesson_id, status=status
        )
    ]
    attempts = repo.essay_attempts(
        actor.id, course_id=course_id, lesson_id=lesson_id, pending_only=ungraded_only
    )
    questions: dict[uuid.UUID, list[Any]] = {}
    for attempt, name, quiz, lesson, course in attempts:
        if quiz.id not in questions:
            questions[quiz.id] = repo.questions(quiz.id)
        items.append(_essay_work(attempt, name, questions[quiz.id], lesson, course))
    waiting = sorted(
        (
            i
            for i in items
            if i.status in (SubmissionStatus.SUBMITTED, AttemptStatus.PENDING_REVIEW)
        ),
        key=lambda i: (i.submitted_at, str(i.id)),
    )
    done = sorted(
        (
            i
            for i in items
            if i.status not in (SubmissionStatus.SUBMITTED, AttemptStatus.PENDING_REVIEW)
        ),
        key=lambda i: (i.submitted_at, str(i.id)),
        reverse=True,
    )
    ordered = waiting + done
    return GradingInbox(items=ordered[offset : offset + limit], total=len(ordered))


def _work(
    row: AssignmentSubmission, name: str, file_name: str | None, lesson: Lesson, course: Course
) -> GradingItem:
    return GradingItem(
        kind="submission",
        id=row.id,
        course_id=course.id,
        course_title=course.title,
        lesson_id=lesson.id,
        lesson_title=lesson.title,
        student_id=row.student_id,
        student_name=name,
        submitted_at=row.submitted_at,
        is_late=row.is_late,
        status=row.status,
        score=row.score,
        max_score=float(lesson.max_score or 0),
        rubric=[RubricCriterion.model_validate(c) for c in lesson.rubric or []],
        rubric_scores=row.rubric_scores,
        feedback=row.feedback,
        text=row.text,
        file_asset_id=row.file_asset_id,
        file_name=file_name,
        url=row.url,
    )


def _essay_work(
    attempt: QuizAttempt, name: str, questions: list[Any], lesson: Lesson, course: Course
) -> GradingItem:
    answers = attempt.answers or {}
    marks = attempt.essay_scores or {}
    essays = [
        EssayAnswer(
            question_id=str(q.id),
            prompt=q.prompt,
            answer=str(answers.get(str(q.id), "")),
            points=q.points,
            score=marks.get(str(q.id)),
        )
        for q in questions
        if q.question_type is QuestionType.ESSAY
    ]
    return GradingItem(
        kind="attempt",
        id=attempt.id,
        course_id=course.id,
        course_title=course.title,
        lesson_id=lesson.id,
        lesson_title=lesson.title,
        student_id=attempt.student_id,
        student_name=name,
        submitted_at=attempt.submitted_at or attempt.started_at,
        is_late=False,
        status=attempt.status,
        score=attempt.score if attempt.status is AttemptStatus.GRADED else None,
        max_score=float(attempt.max_score or sum(q.points for q in questions)),
        rubric=[],
        rubric_scores=None,
        feedback=attempt.feedback,
        essays=essays,
    )


def gradebook(session: Session, actor: Actor, course_id: uuid.UUID) -> Gradebook:
    """Students x graded items: a quiz's best graded attempt, an assignment's latest graded
    submission; work handed in and not graded yet is listed as pending."""
    repo = GradingRepository(session)
    course = repo.find(Course, course_id)
    if course is None:
        raise ApiError(404, "not_found", "There is no such course.")
    if course.instructor_id != actor.id:
        raise ApiError(403, "refused", "Only the course's instructor reads its gradebook.")
    graded = repo.graded_lessons(course_id)
    points = repo.quiz_points([quiz.id for _lesson, quiz in graded if quiz is not None])
    columns = [
        GradebookColumn(
            lesson_id=lesson.id,
            title=lesson.title,
            kind="quiz" if quiz is not None else "assignment",
            max_score=points.get(quiz.id, 0.0)
            if quiz is not None
            else float(lesson.max_score or 0),
        )
        for lesson, quiz in graded
    ]
    shown = {str(c.lesson_id) for c in columns}
    scores: dict[tuple[uuid.UUID, str], float] = {}
    pending: set[tuple[uuid.UUID, str]] = set()
    for student, lesson_id, score, status in repo.attempts_of_course(course_id):
        key = (student, str(lesson_id))
        if status is AttemptStatus.PENDING_REVIEW:
            pending.add(key)
        elif score is not None:
            scores[key] = max(scores.get(key, 0.0), float(score))
    for student, lesson_id, score, status, _number in repo.submissions_of_course(course_id):
        key = (student, str(lesson_id))  # ordered by number: the latest graded one wins
        if status is SubmissionStatus.GRADED and score is not None:
            scores[key] = float(score)
            pending.discard(key)
        else:
            pending.add(key)
    rows = [
        GradebookRow(
            student_id=student,
            student_name=name,
            email=email,
            scores={k: v for (s, k), v in scores.items() if s == student and k in shown},
            pending=sorted(k for (s, k) in pending if s == student and k in shown),
        )
        for student, name, email in repo.students(course_id)
    ]
    return Gradebook(course_id=course.id, course_title=course.title, columns=columns, rows=rows)
