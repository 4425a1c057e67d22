"""What the draft mutations do to the mirror before the server has them: an instructor authors
a whole course offline, and every pulled page replays what is still unsent on top."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.authoring import (
    EDITABLE,
    AddLessonArgs,
    AddSectionArgs,
    AttachMediaArgs,
    CreateCourseArgs,
    DeleteArgs,
    EditFieldArgs,
    Keep,
    MoveLessonArgs,
    MoveSectionArgs,
    ResolveConflictArgs,
)
from lmsdesk.contracts.commerce import CourseRef
from lmsdesk.contracts.enums import CourseLevel, CourseStatus
from lmsdesk.local_db.models.client import Upload
from lmsdesk.local_db.models.mirror import Course, CourseSection, DraftConflict, Lesson
from lmsdesk.local_db.outbox import Coalesce
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation

_MODELS: dict[str, Any] = {"course": Course, "section": CourseSection, "lesson": Lesson}


def _partition(course_id: uuid.UUID) -> str:
    return f"draft:{course_id}"


def _touch(session: Session, course_id: uuid.UUID) -> None:
    course = session.get(Course, course_id)
    if course is not None and course.status is CourseStatus.REJECTED:
        course.status = CourseStatus.DRAFT  # as the server does on the first edit


def _create_course(ctx: LocalContext, args: CreateCourseArgs) -> None:
    if ctx.session.get(Course, args.course_id) is None:
        ctx.session.add(
            Course(
                id=args.course_id, instructor_id=ctx.user_id, title=args.title,
                slug=f"draft-{args.course_id.hex[:8]}", level=CourseLevel.ALL_LEVELS,
                status=CourseStatus.DRAFT, version=1, sync_partition=_partition(args.course_id),
                sync_version=0,
            )
        )  # fmt: skip


def _add_section(ctx: LocalContext, args: AddSectionArgs) -> None:
    if ctx.session.get(CourseSection, args.section_id) is None:
        ctx.session.add(
            CourseSection(
                id=args.section_id, course_id=args.course_id, title=args.title,
                position=args.position, sync_partition=_partition(args.course_id), sync_version=0,
            )
        )  # fmt: skip
        _touch(ctx.session, args.course_id)


def _add_lesson(ctx: LocalContext, args: AddLessonArgs) -> None:
    section = ctx.session.get(CourseSection, args.section_id)
    if section is None or ctx.session.get(Lesson, args.lesson_id) is not None:
        return
    ctx.session.add(
        Lesson(
            id=args.lesson_id, course_id=section.course_id, section_id=section.id,
            title=args.title, lesson_type=args.lesson_type, position=args.position,
            content=args.content, sync_partition=_partition(section.course_id), sync_version=0,
        )
    )  # fmt: skip
    _touch(ctx.session, section.course_id)


def _edit(ctx: LocalContext, args: EditFieldArgs) -> None:
    row = ctx.session.get(_MODELS[args.entity], args.entity_id)
    if row is None:
        return
    setattr(row, args.field, EDITABLE[args.entity][args.field].validate_python(args.value))
    _touch(ctx.session, row.id if args.entity == "course" else row.course_id)


def _move_section(ctx: LocalContext, args: MoveSectionArgs) -> None:
    section = ctx.session.get(CourseSection, args.section_id)
    if section is not None:
        section.position = args.position


def _move_lesson(ctx: LocalContext, args: MoveLessonArgs) -> None:
    lesson = ctx.session.get(Lesson, args.lesson_id)
    if lesson is not None and ctx.session.get(CourseSection, args.section_id) is not None:
        lesson.section_id, lesson.position = args.section_id, args.position


def _delete(ctx: LocalContext, args: DeleteArgs) -> None:
    if args.entity == "section":
        ctx.session.execute(delete(Lesson).where(Lesson.section_id == args.entity_id))
    row = ctx.session.get(_MODELS[args.entity], args.entity_id)
    if row is not None:
        ctx.session.delete(row)


def _attach_media(ctx: LocalContext, args: AttachMediaArgs) -> None:
    lesson = ctx.session.get(Lesson, args.lesson_id)
    if lesson is None:
        return
    if args.kind == "subtitles":
        lesson.subtitles_asset_id = args.asset_id
        return
    lesson.video_asset_id = args.asset_id
    upload = ctx.session.get(Upload, args.asset_id) if args.asset_id else None
    duration = upload.duration_seconds if upload is not None else None
    lesson.duration_seconds = round(duration) if duration is not None else None


def _resolve(ctx: LocalContext, args: ResolveConflictArgs) -> None:
    conflict = ctx.session.get(DraftConflict, args.conflict_id)
    if conflict is None or conflict.resolved_at is not None:
        return
    if args.keep is Keep.MINE:
        row = ctx.session.get(_MODELS[conflict.entity], conflict.entity_id)
        if row is not None:
            validate = EDITABLE[conflict.entity][conflict.field].validate_python
            setattr(row, conflict.field, validate(conflict.client_value))
    conflict.resolved_at = ctx.now


def _submit(ctx: LocalContext, args: CourseRef) -> None:
    course = ctx.session.get(Course, args.course_id)
    if course is not None and course.status in (CourseStatus.DRAFT, CourseStatus.REJECTED):
        course.status, course.submitted_at = CourseStatus.PENDING, ctx.now


def _course_title(session: Session, course_id: uuid.UUID) -> str:
    course = session.get(Course, course_id)
    return f"'{course.title}'" if course else "a course"


def _title_of(session: Session, entity: str, entity_id: uuid.UUID) -> str:
    row = session.get(_MODELS[entity], entity_id)
    return f"'{row.title}'" if row is not None else f"a {entity}"


def _section_course(session: Session, section_id: uuid.UUID) -> str:
    stmt = select(CourseSection.course_id).where(CourseSection.id == section_id)
    course_id = session.scalar(stmt)
    return _course_title(session, course_id) if course_id else "a course"


_FIELD_WORDS = {"price_cents": "price", "category_id": "category", "language_code": "language",
                "is_preview": "free preview"}  # fmt: skip

DRAFT_MUTATIONS = [
    LocalMutation("draft.create_course@1", CreateCourseArgs, _create_course,
                  lambda _s, a: f"New course '{a.title}'"),
    LocalMutation("draft.add_section@1", AddSectionArgs, _add_section,
                  lambda s, a: f"New section '{a.title}' in {_course_title(s, a.course_id)}"),
    LocalMutation("draft.add_lesson@1", AddLessonArgs, _add_lesson,
                  lambda s, a: f"New lesson '{a.title}' in {_section_course(s, a.section_id)}"),
    LocalMutation("draft.edit@1", EditFieldArgs, _edit,
                  lambda s, a: f"{_FIELD_WORDS.get(a.field, a.field).capitalize()} of "
                               f"{_title_of(s, a.entity, a.entity_id)}",
                  lambda a: f"edit:{a.entity}:{a.entity_id}:{a.field}", Coalesce.KEEP_BASE),
    LocalMutation("draft.move_section@1", MoveSectionArgs, _move_section,
                  lambda s, a: f"Moved section {_title_of(s, 'section', a.section_id)}",
                  lambda a: f"move:{a.section_id}", Coalesce.REPLACE),
    LocalMutation("draft.move_lesson@1", MoveLessonArgs, _move_lesson,
                  lambda s, a: f"Moved lesson {_title_of(s, 'lesson', a.lesson_id)}",
                  lambda a: f"move:{a.lesson_id}", Coalesce.REPLACE),
    LocalMutation("draft.delete@1", DeleteArgs, _delete,
                  lambda s, a: f"Deleted {a.entity} {_title_of(s, a.entity, a.entity_id)}"),
    LocalMutation("draft.attach_media@1", AttachMediaArgs, _attach_media,
                  lambda s, a: f"{a.kind.capitalize()} of {_title_of(s, 'lesson', a.lesson_id)}"),
    LocalMutation("draft.resolve_conflict@1", ResolveConflictArgs, _resolve,
                  lambda _s, _a: "Resolved a conflicting edit"),
    LocalMutation("draft.submit@1", CourseRef, _submit,
                  lambda s, a: f"Submitted {_course_title(s, a.course_id)} for review"),
]  # fmt: skip
