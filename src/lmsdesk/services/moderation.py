"""An admin's review work, offline: the queue of courses waiting for review (synced to admins as
the courses' draft partitions), a course in full with its quizzes' answers, what changed since
the last decision, the history, and decisions queued for the next sync.

A decision waiting to sync takes its course out of the queue; one the server refused (the
course changed since, or another admin decided first) puts it back with the reason.

Blocking: call on the database lane.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.course_snapshot import (
    Change,
    CourseSnapshot,
    changes_between,
    snapshot_of,
)
from lmsdesk.contracts.enums import CourseStatus, LessonType, QuestionType, ReviewDecision
from lmsdesk.contracts.moderation import DecideArgs
from lmsdesk.contracts.mutations import DECIDE
from lmsdesk.contracts.revisions import as_revision
from lmsdesk.local_db import outbox
from lmsdesk.local_db.models.mirror import (
    Category,
    Course,
    CourseSection,
    Lesson,
    LessonResource,
    ModerationReview,
    Quiz,
    QuizQuestion,
)
from lmsdesk.services import draft_queries as q
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService


class ModerationRefused(UserFacingError):
    """The decision cannot be made; `message` says why."""


@dataclass(frozen=True)
class QueueEntry:
    course_id: uuid.UUID
    title: str
    instructor_name: str
    category: str | None
    submitted_at: datetime | None
    version: int
    revision: int  # 1 for a first submission
    lessons: int
    refused: str | None  # why this device's last decision on it came back refused
    changes_published: bool = False  # a revision of a course students already have


@dataclass(frozen=True)
class WaitingDecision:
    seq: int
    course_id: uuid.UUID
    description: str  # "Approve “Intro to SQL”"
    decision: ReviewDecision
    sent: bool  # it may be on the server already: too late to take back


@dataclass(frozen=True)
class Queue:
    entries: tuple[QueueEntry, ...]
    waiting: tuple[WaitingDecision, ...]
    categories: tuple[str, ...]  # of the courses waiting, for the filter
    total: int  # before the filter


@dataclass(frozen=True)
class QuestionReview:
    number: int
    question_type: QuestionType
    prompt: str
    options: tuple[str, ...]
    correct: tuple[str, ...]  # the accepted answers, as text
    points: int
    explanation: str


@dataclass(frozen=True)
class LessonReview:
    id: uuid.UUID
    title: str
    lesson_type: LessonType
    duration_seconds: int | None
    is_preview: bool
    has_video: bool
    words: int
    settings: str  # a quiz's settings in words; "" for other lessons
    questions: tuple[QuestionReview, ...]
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SectionReview:
    title: str
    lessons: tuple[LessonReview, ...]


@dataclass(frozen=True)
class PastDecision:
    decision: ReviewDecision
    feedback: str
    lesson_notes: dict[str, str]  # lesson title -> note
    reviewer_name: str
    revision: int
    course_version: int
    created_at: datetime


@dataclass(frozen=True)
class CourseReview:
    course_id: uuid.UUID
    version: int
    revision: int
    fields: dict[str, str]  # label -> shown value, in display order
    description: str
    sections: tuple[SectionReview, ...]
    history: tuple[PastDecision, ...]  # newest first
    changes: tuple[Change, ...] | None  # None: first submission (nothing to compare)
    refused: str | None
    changes_published: bool = False  # a revision: `changes` compares it with what is live


class ModerationService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    # ------------------------------------------------------------------ reading
    def queue(self, text: str = "", category: str | None = None) -> Queue:
        me = self._admin()
        with self._session.require_store().reading() as session:
            waiting, refused = _decisions(session)
            pending = session.scalars(
                select(Course).where(
                    Course.status == CourseStatus.PENDING,
                    Course.deleted_at.is_(None),
                    Course.instructor_id != me,
                )
            ).all()
            waiting_ids = {w.course_id for w in waiting if w.course_id}
            reviewable = [c for c in pending if c.id not in waiting_ids]
            names = _category_names(session, reviewable)
            ids = [c.id for c in reviewable]
            decided = _counts(session, ModerationReview.course_id, ids)
            lessons = _counts(session, Lesson.course_id, ids)
            needle = text.casefold().strip()
            entries = []
            for c in reviewable:
                if needle and needle not in f"{c.title} {c.instructor_name}".casefold():
                    continue
                if category is not None and names.get(c.id) != category:
                    continue
                entries.append(
                    QueueEntry(
                        course_id=c.id,
                        title=c.title,
                        instructor_name=c.instructor_name,
                        category=names.get(c.id),
                        submitted_at=c.submitted_at,
                        version=c.version,
                        revision=decided.get(c.id, 0) + 1,
                        lessons=lessons.get(c.id, 0),
                        refused=refused.get(c.id),
                        changes_published=c.revision_of is not None,
                    )
                )
            entries.sort(key=lambda e: (e.submitted_at is None, e.submitted_at, str(e.course_id)))
            return Queue(
                entries=tuple(entries),
                waiting=tuple(waiting),
                categories=tuple(sorted({n for n in names.values() if n})),
                total=len(reviewable),
            )

    def review(self, course_id: uuid.UUID) -> CourseReview:
        self._admin()
        with self._session.require_store().reading() as session:
            course = session.get(Course, course_id)
            if course is None or course.status is not CourseStatus.PENDING:
                raise ModerationRefused(
                    "This course is no longer waiting for review on this computer; sync to see "
                    "the current queue."
                )
            reviews = _reviews(session, course_id)
            lesson_titles = {x.id: x.title for x in _course_lessons(session, course_id)}
            history = tuple(_past(r, lesson_titles) for r in reviews)
            last = next((r for r in reviews if r.snapshot), None)
            before = CourseSnapshot.model_validate(last.snapshot) if last is not None else None
            published = session.get(Course, course.revision_of) if course.revision_of else None
            if before is None and published is not None:  # a revision: against what is live
                before = as_revision(local_snapshot(session, published), course.id)
            changes = None
            if before is not None:
                changes = tuple(changes_between(before, local_snapshot(session, course)))
            return CourseReview(
                course_id=course.id,
                version=course.version,
                revision=len(reviews) + 1,
                fields=_fields(session, course),
                description=course.description,
                sections=tuple(_sections(session, course_id)),
                history=history,
                changes=changes,
                refused=_decisions(session)[1].get(course_id),
                changes_published=course.revision_of is not None,
            )

    # ------------------------------------------------------------------ deciding
    def decide(
        self,
        course_id: uuid.UUID,
        decision: ReviewDecision,
        feedback: str = "",
        lesson_notes: dict[uuid.UUID, str] | None = None,
    ) -> int:
        """Queue a decision on the version this device shows. Returns its outbox seq."""
        me = self._admin()
        with self._session.require_store().reading() as session:
            course = session.get(Course, course_id)
            if course is None or course.status is not CourseStatus.PENDING:
                raise ModerationRefused("This course is no longer waiting for review.")
            if course.instructor_id == me:
                raise ModerationRefused("You cannot review your own course; another admin must.")
            version = course.version
            failed = [m.seq for m in outbox.failed(session) if _course_of(m.args) == course_id]
        notes = {k: v.strip() for k, v in (lesson_notes or {}).items() if v.strip()}
        try:
            args = DecideArgs(
                course_id=course_id,
                review_id=uuid.uuid4(),
                decision=decision,
                feedback=feedback.strip(),
                course_version=version,
                lesson_notes=notes,
            )
        except ValidationError as exc:
            reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise ModerationRefused(reason[:1].upper() + reason[1:] + ".") from None
        engine = self._session.require_engine()
        seq = engine.record(DECIDE, args)
        with self._session.require_store().transaction() as session:
            outbox.discard_failed(session, failed)  # the refusal it answers has been read
        return seq

    def take_back(self, seq: int) -> None:
        """Undo a decision that has not left this computer yet."""
        with self._session.require_store().transaction() as session:
            if not outbox.withdraw(session, seq):
                raise ModerationRefused(
                    "That decision has been sent to the server already and cannot be taken back."
                )

    def _admin(self) -> uuid.UUID:
        current = self._session.current
        if current is None or not current.profile.has(Role.ADMIN):
            raise ModerationRefused("Only admins review courses.")
        return current.profile.user_id


# ------------------------------------------------------------------------------ queries
def _course_of(args: dict[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(args.get("course_id")))
    except ValueError:
        return None


def _decisions(session: Session) -> tuple[list[WaitingDecision], dict[uuid.UUID, str]]:
    """(decisions waiting to sync, course -> why its last decision was refused)."""
    waiting = []
    for m in outbox.pending(session):
        course = _course_of(m.args) if m.name == DECIDE.name else None
        if course is not None:
            decision = ReviewDecision(m.args["decision"])
            waiting.append(WaitingDecision(m.seq, course, m.description, decision, m.attempts > 0))
    refused = {}
    for m in outbox.failed(session):
        course = _course_of(m.args) if m.name == DECIDE.name else None
        if course is not None:
            refused[course] = m.last_error or "The server refused the decision."
    return waiting, refused


def _past(review: ModerationReview, lesson_titles: dict[uuid.UUID, str]) -> PastDecision:
    notes = {
        lesson_titles.get(uuid.UUID(lesson), "A lesson since removed"): note
        for lesson, note in (review.lesson_notes or {}).items()
    }
    return PastDecision(
        decision=review.decision,
        feedback=review.feedback,
        lesson_notes=notes,
        reviewer_name=review.reviewer_name,
        revision=review.revision,
        course_version=review.course_version,
        created_at=review.created_at,
    )


def _reviews(session: Session, course_id: uuid.UUID) -> list[ModerationReview]:
    stmt = select(ModerationReview).where(ModerationReview.course_id == course_id)
    order = (ModerationReview.created_at.desc(), ModerationReview.revision.desc())
    return list(session.scalars(stmt.order_by(*order)))


def _counts(session: Session, column: Any, course_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """course id -> how many rows of the column's table belong to it (one query for all)."""
    stmt = select(column, func.count()).where(column.in_(course_ids)).group_by(column)
    return {course: int(n) for course, n in session.execute(stmt)}


def _course_lessons(session: Session, course_id: uuid.UUID) -> list[Lesson]:
    return list(session.scalars(select(Lesson).where(Lesson.course_id == course_id)))


def _category_names(session: Session, courses: Iterable[Course]) -> dict[uuid.UUID, str]:
    names = dict(session.execute(select(Category.id, Category.name)).all())
    return {c.id: names[c.category_id] for c in courses if c.category_id in names}


def local_snapshot(session: Session, course: Course) -> CourseSnapshot:
    """The course as this device has it, in the shape the server stored with each decision."""
    lessons = _course_lessons(session, course.id)
    lesson_ids = [x.id for x in lessons]
    quizzes = list(session.scalars(select(Quiz).where(Quiz.lesson_id.in_(lesson_ids))))
    category = session.get(Category, course.category_id) if course.category_id else None
    return snapshot_of(
        course,
        category=category.name if category else None,
        tags=q.tags(session, course.id),
        sections=session.scalars(select(CourseSection).where(CourseSection.course_id == course.id)),
        lessons=lessons,
        quizzes=quizzes,
        questions=session.scalars(
            select(QuizQuestion).where(QuizQuestion.quiz_id.in_([z.id for z in quizzes]))
        ),
        resources=session.scalars(
            select(LessonResource).where(LessonResource.lesson_id.in_(lesson_ids))
        ),
    )


def _fields(session: Session, course: Course) -> dict[str, str]:
    category = session.get(Category, course.category_id) if course.category_id else None
    price = f"{course.price_cents / 100:.2f} {course.currency}" if course.price_cents else "Free"
    return {
        "Subtitle": course.subtitle or "—",
        "Instructor": course.instructor_name,
        "Category": category.name if category else "—",
        "Level": str(course.level).replace("_", " ").capitalize(),
        "Language": course.language_code,
        "Price": price,
        "Tags": ", ".join(q.tags(session, course.id)) or "—",
        "Submitted": course.submitted_at.strftime("%d %b %Y, %H:%M")
        if course.submitted_at
        else "—",
    }


def _sections(session: Session, course_id: uuid.UUID) -> list[SectionReview]:
    out = []
    for section in q.sections(session, course_id):
        lessons = []
        for lesson in q.lessons(session, section.id):
            quiz = session.scalar(select(Quiz).where(Quiz.lesson_id == lesson.id))
            links = session.execute(
                select(LessonResource.title, LessonResource.url)
                .where(LessonResource.lesson_id == lesson.id, LessonResource.url.is_not(None))
                .order_by(LessonResource.position)
            ).all()
            lessons.append(
                LessonReview(
                    id=lesson.id,
                    title=lesson.title,
                    lesson_type=lesson.lesson_type,
                    duration_seconds=lesson.duration_seconds,
                    is_preview=lesson.is_preview,
                    has_video=lesson.video_asset_id is not None,
                    words=len(lesson.content.split()),
                    settings=(
                        _quiz_settings(quiz)
                        if quiz
                        else _assignment_settings(lesson)
                        if lesson.lesson_type is LessonType.ASSIGNMENT
                        else ""
                    ),
                    questions=tuple(_questions(session, quiz)) if quiz else (),
                    links=tuple((t, u or "") for t, u in links),
                )
            )
        out.append(SectionReview(section.title, tuple(lessons)))
    return out


def _assignment_settings(lesson: Lesson) -> str:
    kinds = ", ".join(str(k) for k in lesson.submission_kinds or []) or "nothing"
    parts = [f"takes {kinds}", f"out of {lesson.max_score}", f"pass at {lesson.pass_score}"]
    parts.append(f"due {lesson.due_at:%Y-%m-%d %H:%M} UTC" if lesson.due_at else "no due time")
    parts.append("resubmission allowed" if lesson.allow_resubmission else "one submission")
    parts.append("late work taken" if lesson.accept_late else "no late work")
    rubric = "; ".join(f"{c['name']} ({c['points']})" for c in lesson.rubric or [])
    if rubric:
        parts.append(f"rubric: {rubric}")
    return " · ".join(parts)


def _quiz_settings(quiz: Quiz) -> str:
    parts = [f"pass at {quiz.passing_percent}%"]
    parts.append(
        f"{quiz.time_limit_seconds // 60} min limit" if quiz.time_limit_seconds else "no time limit"
    )
    parts.append(f"{quiz.max_attempts} attempts" if quiz.max_attempts else "unlimited attempts")
    if quiz.shuffle_questions:
        parts.append("shuffled")
    if quiz.shuffle_options:
        parts.append("options shuffled")
    if quiz.practice:
        parts.append("practice (not counted)")
    parts.append("shows answers after" if quiz.show_correct_answers else "hides answers")
    return " · ".join(parts)


def _questions(session: Session, quiz: Quiz) -> list[QuestionReview]:
    stmt = select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id)
    out = []
    for number, question in enumerate(
        session.scalars(stmt.order_by(QuizQuestion.position, QuizQuestion.id)), start=1
    ):
        options = tuple(str(o) for o in question.options or [])
        out.append(
            QuestionReview(
                number=number,
                question_type=question.question_type,
                prompt=question.prompt,
                options=options,
                correct=_correct(question.question_type, options, question.correct_answer),
                points=question.points,
                explanation=question.explanation,
            )
        )
    return out


def _correct(kind: QuestionType, options: tuple[str, ...], answer: Any) -> tuple[str, ...]:
    if kind is QuestionType.TRUE_FALSE:
        return ("True" if answer else "False",)
    if kind is QuestionType.SINGLE_CHOICE and isinstance(answer, int):
        return (options[answer],) if 0 <= answer < len(options) else ()
    if kind is QuestionType.MULTIPLE_CHOICE and isinstance(answer, list):
        return tuple(options[i] for i in answer if isinstance(i, int) and 0 <= i < len(options))
    if kind is QuestionType.SHORT_ANSWER and isinstance(answer, list):
        return tuple(str(a) for a in answer)
    return ()
