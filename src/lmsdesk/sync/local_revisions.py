"""Starting a revision of a published course on this device, offline too: the same copy the
server makes (services/revisions.py), with the same derived ids, so the two are one draft."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.partitions import draft_partition
from lmsdesk.contracts.revisions import StartRevisionArgs, revision_row_id
from lmsdesk.local_db.models.mirror import (
    Course,
    CourseSection,
    CourseTagMap,
    Lesson,
    LessonResource,
    Quiz,
    QuizQuestion,
)
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation, local

_OWN = {"id", "sync_partition", "sync_version"}


def _columns(row: Any) -> dict[str, Any]:
    return {
        c.key: getattr(row, c.key) for c in inspect(row).mapper.column_attrs if c.key not in _OWN
    }


def open_revision(session: Session, course_id: uuid.UUID) -> Course | None:
    stmt = select(Course).where(Course.revision_of == course_id, Course.deleted_at.is_(None))
    return session.scalars(stmt).first()


def _start(ctx: LocalContext, args: StartRevisionArgs) -> None:
    session = ctx.session
    published = session.get(Course, args.course_id)
    if published is None or session.get(Course, args.revision_id) is not None:
        return  # replayed after the server's copy arrived, or nothing to copy

    def rid(origin: uuid.UUID) -> uuid.UUID:
        return revision_row_id(args.revision_id, origin)

    mine = {"sync_partition": draft_partition(args.revision_id), "sync_version": 0}
    rows: list[Any] = [
        Course(
            **{
                **_columns(published),
                **mine,
                "id": args.revision_id,
                "slug": f"{published.slug[:200]}-r{args.revision_id.hex[:8]}",
                "status": CourseStatus.DRAFT,
                "version": 1,
                "submitted_at": None,
                "published_at": None,
                "revision_of": published.id,
            }
        )
    ]
    rows += [
        CourseTagMap(course_id=args.revision_id, tag_id=m.tag_id, **mine)
        for m in session.scalars(select(CourseTagMap).where(CourseTagMap.course_id == published.id))
    ]
    lessons = list(session.scalars(select(Lesson).where(Lesson.course_id == published.id)))
    lesson_ids = [x.id for x in lessons]
    quizzes = list(session.scalars(select(Quiz).where(Quiz.lesson_id.in_(lesson_ids))))
    sections = select(CourseSection).where(CourseSection.course_id == published.id)
    rows += [
        CourseSection(**{**_columns(s), **mine, "id": rid(s.id), "course_id": args.revision_id})
        for s in session.scalars(sections)
    ]
    rows += [
        Lesson(
            **{
                **_columns(x),
                **mine,
                "id": rid(x.id),
                "course_id": args.revision_id,
                "section_id": rid(x.section_id),
            }
        )
        for x in lessons
    ]
    rows += [
        Quiz(**{**_columns(q), **mine, "id": rid(q.id), "lesson_id": rid(q.lesson_id)})
        for q in quizzes
    ]
    questions = select(QuizQuestion).where(QuizQuestion.quiz_id.in_([q.id for q in quizzes]))
    rows += [
        QuizQuestion(**{**_columns(p), **mine, "id": rid(p.id), "quiz_id": rid(p.quiz_id)})
        for p in session.scalars(questions)
    ]
    resources = select(LessonResource).where(LessonResource.lesson_id.in_(lesson_ids))
    rows += [
        LessonResource(**{**_columns(r), **mine, "id": rid(r.id), "lesson_id": rid(r.lesson_id)})
        for r in session.scalars(resources)
    ]
    session.add_all(rows)


def _describe(session: Session, args: StartRevisionArgs) -> str:
    course = session.get(Course, args.course_id)
    return f"New revision of '{course.title if course else 'a course'}'"


REVISION_MUTATIONS: list[LocalMutation[Any]] = [
    local(m.START_REVISION, _start, _describe),
]
