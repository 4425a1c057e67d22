"""A course as a reviewer saw it, and what changed between two such views.

Every moderation decision stores the snapshot of the course it decided on, so the next review of
a resubmission can say what changed since (fields, sections, lessons added, removed and edited,
quiz changes). The server builds it from PostgreSQL when it records a decision; the client builds
the current one from its mirror, offline; both through `snapshot_of`, so the two agree.

Lesson text is kept as a hash and a word count, not whole: snapshots travel to every admin's
laptop, and "edited, 412 -> 530 words" is what a reviewer needs to decide where to look.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import LessonType, QuestionType

COURSE_FIELDS = {
    "title": "Title",
    "subtitle": "Subtitle",
    "description": "Description",
    "category": "Category",
    "level": "Level",
    "language_code": "Language",
    "price_cents": "Price",
    "currency": "Currency",
    "tags": "Tags",
}
_QUIZ_SETTINGS = {
    "passing_percent": "passing percent",
    "time_limit_seconds": "time limit",
    "max_attempts": "attempts allowed",
    "shuffle_questions": "shuffle",
    "show_correct_answers": "show answers",
    "shuffle_options": "shuffle options",
    "practice": "practice",
}
_ASSIGNMENT_SETTINGS = {
    "submission_kinds": "takes",
    "max_score": "out of",
    "pass_score": "pass at",
    "due_at": "due",
    "allow_resubmission": "resubmission",
    "accept_late": "late work",
    "rubric": "rubric",
}
_QUESTION_FIELDS = {
    "question_type": "type",
    "prompt": "text",
    "options": "options",
    "correct_answer": "correct answer",
    "points": "points",
    "explanation": "explanation",
}


class SnapSection(WireModel):
    id: uuid.UUID
    title: str


class SnapLesson(WireModel):
    id: uuid.UUID
    section_id: uuid.UUID
    title: str
    lesson_type: LessonType
    content_sha256: str
    words: int
    video_asset_id: uuid.UUID | None = None
    duration_seconds: int | None = None
    is_preview: bool = False
    #: An assignment's settings (what it takes, scores, due time, rubric); None otherwise.
    assignment: dict[str, Any] | None = None


class SnapQuestion(WireModel):
    id: uuid.UUID
    question_type: QuestionType
    prompt: str
    options: list[str]
    correct_answer: Any = None
    points: int
    explanation: str


class SnapQuiz(WireModel):
    lesson_id: uuid.UUID
    passing_percent: int
    time_limit_seconds: int | None
    max_attempts: int | None
    shuffle_questions: bool
    show_correct_answers: bool
    questions: list[SnapQuestion]
    # Later settings: snapshots stored before them read as off.
    shuffle_options: bool = False
    practice: bool = False


class SnapResource(WireModel):
    id: uuid.UUID
    lesson_id: uuid.UUID
    title: str
    url: str | None


class CourseSnapshot(WireModel):
    fields: dict[str, Any]
    sections: list[SnapSection]
    lessons: list[SnapLesson]  # in curriculum order
    quizzes: list[SnapQuiz]
    resources: list[SnapResource]


def _ordered(rows: Iterable[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: (row.position, str(row.id)))


def snapshot_of(
    course: Any,
    *,
    category: str | None,
    tags: Iterable[str],
    sections: Iterable[Any],
    lessons: Iterable[Any],
    quizzes: Iterable[Any],
    questions: Iterable[Any],
    resources: Iterable[Any],
) -> CourseSnapshot:
    """The snapshot of a course from its rows (server models or mirror rows: same attributes)."""
    ordered_sections = _ordered(sections)
    rank = {s.id: n for n, s in enumerate(ordered_sections)}
    by_quiz: dict[uuid.UUID, list[Any]] = {}
    for question in sorted(questions, key=lambda q: (q.position, str(q.id))):
        by_quiz.setdefault(question.quiz_id, []).append(question)
    return CourseSnapshot(
        fields={
            "title": course.title,
            "subtitle": course.subtitle,
            "description": course.description,
            "category": category,
            "level": str(course.level),
            "language_code": course.language_code,
            "price_cents": course.price_cents,
            "currency": course.currency,
            "tags": sorted(tags),
        },
        sections=[SnapSection(id=s.id, title=s.title) for s in ordered_sections],
        lessons=[
            SnapLesson(
                id=x.id,
                section_id=x.section_id,
                title=x.title,
                lesson_type=x.lesson_type,
                content_sha256=hashlib.sha256((x.content or "").encode()).hexdigest(),
                words=len((x.content or "").split()),
                video_asset_id=x.video_asset_id,
                duration_seconds=x.duration_seconds,
                is_preview=bool(x.is_preview),
                assignment=_assignment(x),
            )
            for x in sorted(lessons, key=lambda x: (rank.get(x.section_id, -1), x.position))
        ],
        quizzes=[
            SnapQuiz(
                lesson_id=q.lesson_id,
                passing_percent=q.passing_percent,
                time_limit_seconds=q.time_limit_seconds,
                max_attempts=q.max_attempts,
                shuffle_questions=q.shuffle_questions,
                show_correct_answers=q.show_correct_answers,
                shuffle_options=bool(q.shuffle_options),
                practice=bool(q.practice),
                questions=[
                    SnapQuestion(
                        id=p.id,
                        question_type=p.question_type,
                        prompt=p.prompt,
                        options=list(p.options or []),
                        correct_answer=p.correct_answer,
                        points=p.points,
                        explanation=p.explanation,
                    )
                    for p in by_quiz.get(q.id, [])
                ],
            )
            for q in sorted(quizzes, key=lambda q: str(q.lesson_id))
        ],
        resources=[
            SnapResource(id=r.id, lesson_id=r.lesson_id, title=r.title, url=r.url)
            for r in sorted(resources, key=lambda r: (str(r.lesson_id), r.position, str(r.id)))
        ],
    )


def _assignment(lesson: Any) -> dict[str, Any] | None:
    if lesson.lesson_type is not LessonType.ASSIGNMENT:
        return None
    due = lesson.due_at
    return {
        "submission_kinds": [str(k) for k in lesson.submission_kinds or []],
        "max_score": lesson.max_score,
        "pass_score": lesson.pass_score,
        "due_at": due.isoformat(timespec="minutes") if due is not None else None,
        "allow_resubmission": bool(lesson.allow_resubmission),
        "accept_late": bool(lesson.accept_late),
        "rubric": [f"{c['name']} ({c['points']})" for c in lesson.rubric or []],
    }


@dataclass(frozen=True)
class Change:
    """One line of "what changed since the last decision"."""

    kind: str  # course, section, lesson, quiz
    action: str  # added, removed, edited, moved
    title: str
    details: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        what = {"course": "Course", "section": "Section", "lesson": "Lesson", "quiz": "Quiz"}
        text = f"{what[self.kind]} {self.action}: {self.title}"
        return f"{text} ({'; '.join(self.details)})" if self.details else text


def changes_between(before: CourseSnapshot, after: CourseSnapshot) -> list[Change]:
    """What a resubmission changed, in curriculum order: course fields, then sections, then
    lessons (with their quizzes and links)."""
    changes: list[Change] = []
    edited = [
        f"{label}: {_shown(name, before.fields.get(name))} → {_shown(name, after.fields.get(name))}"
        for name, label in COURSE_FIELDS.items()
        if before.fields.get(name) != after.fields.get(name)
    ]
    if edited:
        changes.append(Change("course", "edited", str(after.fields.get("title")), edited))
    changes += _section_changes(before, after)
    changes += _lesson_changes(before, after)
    return changes


def _shown(name: str, value: Any) -> str:
    if name == "description":
        return f"{len(str(value or '').split())} words"
    if name == "price_cents" and isinstance(value, int):
        return f"{value / 100:.2f}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return "none" if value in (None, "") else f"“{value}”" if isinstance(value, str) else str(value)


def _section_changes(before: CourseSnapshot, after: CourseSnapshot) -> list[Change]:
    old = {s.id: s for s in before.sections}
    new = {s.id: s for s in after.sections}
    changes = [Change("section", "added", s.title) for s in after.sections if s.id not in old]
    changes += [Change("section", "removed", s.title) for s in before.sections if s.id not in new]
    for section in after.sections:
        was = old.get(section.id)
        if was is not None and was.title != section.title:
            changes.append(
                Change("section", "edited", section.title, [f"renamed from “{was.title}”"])
            )
    kept_old = [s.id for s in before.sections if s.id in new]
    kept_new = [s.id for s in after.sections if s.id in old]
    if kept_old != kept_new:
        changes.append(Change("section", "moved", "Sections reordered"))
    return changes


def _lesson_changes(before: CourseSnapshot, after: CourseSnapshot) -> list[Change]:
    old = {x.id: x for x in before.lessons}
    new = {x.id: x for x in after.lessons}
    sections = {s.id: s.title for s in [*before.sections, *after.sections]}
    quizzes_before = {q.lesson_id: q for q in before.quizzes}
    quizzes_after = {q.lesson_id: q for q in after.quizzes}
    links_before = _links(before)
    links_after = _links(after)
    changes: list[Change] = []
    for lesson in after.lessons:
        was = old.get(lesson.id)
        if was is None:
            where = sections.get(lesson.section_id, "?")
            changes.append(
                Change(
                    "lesson", "added", lesson.title, [f"{lesson.lesson_type} lesson in “{where}”"]
                )
            )
            continue
        details = _lesson_details(was, lesson, sections)
        details += _link_details(links_before.get(lesson.id, {}), links_after.get(lesson.id, {}))
        if details:
            changes.append(Change("lesson", "edited", lesson.title, details))
        quiz = _quiz_details(quizzes_before.get(lesson.id), quizzes_after.get(lesson.id))
        if quiz:
            changes.append(Change("quiz", "edited", lesson.title, quiz))
    changes += [Change("lesson", "removed", x.title) for x in before.lessons if x.id not in new]
    for section in after.sections:
        # Lessons that stayed in this section, in their old and new order.
        stayed = {
            x.id
            for x in after.lessons
            if x.section_id == section.id and x.id in old and old[x.id].section_id == section.id
        }
        was_order = [x.id for x in before.lessons if x.id in stayed]
        if was_order != [x.id for x in after.lessons if x.id in stayed]:
            changes.append(Change("lesson", "moved", f"Lessons reordered in “{section.title}”"))
    return changes


def _lesson_details(was: SnapLesson, now: SnapLesson, sections: dict[uuid.UUID, str]) -> list[str]:
    details = []
    if was.title != now.title:
        details.append(f"renamed from “{was.title}”")
    if was.section_id != now.section_id:
        details.append(f"moved to “{sections.get(now.section_id, '?')}”")
    if was.lesson_type != now.lesson_type:
        details.append(f"now a {now.lesson_type} lesson")
    if was.content_sha256 != now.content_sha256:
        details.append(f"text changed, {was.words} → {now.words} words")
    if was.video_asset_id != now.video_asset_id:
        details.append("new video" if now.video_asset_id else "video removed")
    if was.is_preview != now.is_preview:
        details.append("now a free preview" if now.is_preview else "no longer a free preview")
    if was.assignment is not None and now.assignment is not None:
        details += [
            f"{label} {_shown(name, was.assignment.get(name))} → "
            f"{_shown(name, now.assignment.get(name))}"
            for name, label in _ASSIGNMENT_SETTINGS.items()
            if was.assignment.get(name) != now.assignment.get(name)
        ]
    return details


def _links(snapshot: CourseSnapshot) -> dict[uuid.UUID, dict[uuid.UUID, SnapResource]]:
    out: dict[uuid.UUID, dict[uuid.UUID, SnapResource]] = {}
    for resource in snapshot.resources:
        out.setdefault(resource.lesson_id, {})[resource.id] = resource
    return out


def _link_details(
    before: dict[uuid.UUID, SnapResource], after: dict[uuid.UUID, SnapResource]
) -> list[str]:
    details = [f"link added: “{r.title}”" for k, r in after.items() if k not in before]
    details += [f"link removed: “{r.title}”" for k, r in before.items() if k not in after]
    details += [
        f"link changed: “{r.title}”"
        for k, r in after.items()
        if k in before and (before[k].title, before[k].url) != (r.title, r.url)
    ]
    return details


def _quiz_details(before: SnapQuiz | None, after: SnapQuiz | None) -> list[str]:
    if before is None or after is None:
        return [] if before is after else ["quiz added" if after else "quiz removed"]
    details = [
        f"{label} {getattr(before, name)} → {getattr(after, name)}"
        for name, label in _QUIZ_SETTINGS.items()
        if getattr(before, name) != getattr(after, name)
    ]
    old = {q.id: (n, q) for n, q in enumerate(before.questions, start=1)}
    new_ids = {q.id for q in after.questions}
    for number, question in enumerate(after.questions, start=1):
        if question.id not in old:
            details.append(f"question {number} added")
            continue
        was = old[question.id][1]
        fields = [
            label
            for name, label in _QUESTION_FIELDS.items()
            if getattr(was, name) != getattr(question, name)
        ]
        if fields:
            details.append(f"question {number}: {', '.join(fields)} changed")
    details += [f"question {n} removed" for n, q in old.values() if q.id not in new_ids]
    return details
