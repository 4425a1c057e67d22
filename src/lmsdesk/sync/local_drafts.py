"""What the draft mutations do to the mirror before the server has them: an instructor authors
a whole course offline, and every pulled page replays what is still unsent on top."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.authoring import (
    EDITABLE,
    NEW_ASSIGNMENT,
    NEW_QUIZ,
    AddFileArgs,
    AddLessonArgs,
    AddLinkArgs,
    AddQuestionArgs,
    AddSectionArgs,
    AttachMediaArgs,
    CreateCourseArgs,
    DeleteArgs,
    EditFieldArgs,
    Keep,
    MoveLessonArgs,
    MoveSectionArgs,
    ResolveConflictArgs,
    SetTagsArgs,
    SetThumbnailArgs,
    new_question_answer,
)
from lmsdesk.contracts.commerce import CourseRef
from lmsdesk.contracts.enums import CourseLevel, CourseStatus, LessonType, ResourceKind
from lmsdesk.contracts.ids import quiz_id, tag_id
from lmsdesk.contracts.partitions import CATALOG_PARTITION, draft_partition
from lmsdesk.local_db.mirror_apply import drop_partition
from lmsdesk.local_db.models.client import Upload
from lmsdesk.local_db.models.mirror import (
    Course,
    CourseSection,
    CourseTag,
    CourseTagMap,
    DraftConflict,
    Lesson,
    LessonResource,
    Quiz,
    QuizQuestion,
)
from lmsdesk.local_db.outbox import Coalesce
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation, local

MODELS: dict[str, Any] = {
    "course": Course,
    "section": CourseSection,
    "lesson": Lesson,
    "quiz": Quiz,
    "question": QuizQuestion,
    "resource": LessonResource,
}


def course_id_of(session: Session, entity: str, row: Any) -> uuid.UUID | None:
    """The course an editable row belongs to (None when its parent is gone)."""
    if entity == "course":
        return row.id  # type: ignore[no-any-return]
    if entity == "question":
        row = session.get(Quiz, row.quiz_id)
    if entity in ("quiz", "question", "resource") and row is not None:
        row = session.get(Lesson, row.lesson_id)
    return row.course_id if row is not None else None


def _touch(session: Session, course_id: uuid.UUID) -> None:
    course = session.get(Course, course_id)
    if course is not None and course.status is CourseStatus.REJECTED:
        course.status = CourseStatus.DRAFT  # as the server does on the first edit


def _create_course(ctx: LocalContext, args: CreateCourseArgs) -> None:
    if ctx.session.get(Course, args.course_id) is None:
        ctx.session.add(
            Course(
                id=args.course_id,
                instructor_id=ctx.user_id,
                title=args.title,
                slug=f"draft-{args.course_id.hex[:8]}",
                level=CourseLevel.ALL_LEVELS,
                status=CourseStatus.DRAFT,
                version=1,
                sync_partition=draft_partition(args.course_id),
                sync_version=0,
            )
        )


def _add_section(ctx: LocalContext, args: AddSectionArgs) -> None:
    if ctx.session.get(CourseSection, args.section_id) is None:
        ctx.session.add(
            CourseSection(
                id=args.section_id,
                course_id=args.course_id,
                title=args.title,
                position=args.position,
                sync_partition=draft_partition(args.course_id),
                sync_version=0,
            )
        )
        _touch(ctx.session, args.course_id)


def _add_lesson(ctx: LocalContext, args: AddLessonArgs) -> None:
    section = ctx.session.get(CourseSection, args.section_id)
    if section is None or ctx.session.get(Lesson, args.lesson_id) is not None:
        return
    partition = draft_partition(section.course_id)
    ctx.session.add(
        Lesson(
            id=args.lesson_id,
            course_id=section.course_id,
            section_id=section.id,
            title=args.title,
            lesson_type=args.lesson_type,
            position=args.position,
            content=args.content,
            sync_partition=partition,
            sync_version=0,
            **(NEW_ASSIGNMENT if args.lesson_type is LessonType.ASSIGNMENT else {}),
        )
    )
    if (
        args.lesson_type is LessonType.QUIZ
        and ctx.session.get(Quiz, quiz_id(args.lesson_id)) is None
    ):
        ctx.session.add(
            Quiz(
                id=quiz_id(args.lesson_id),
                lesson_id=args.lesson_id,
                **NEW_QUIZ,
                sync_partition=partition,
                sync_version=0,
            )
        )
    _touch(ctx.session, section.course_id)


def _add_question(ctx: LocalContext, args: AddQuestionArgs) -> None:
    quiz = ctx.session.get(Quiz, args.quiz_id)
    if quiz is None or ctx.session.get(QuizQuestion, args.question_id) is not None:
        return
    lesson = ctx.session.get(Lesson, quiz.lesson_id)
    last = ctx.session.scalar(
        select(func.max(QuizQuestion.position)).where(QuizQuestion.quiz_id == quiz.id)
    )
    options, answer = new_question_answer(args.question_type)
    ctx.session.add(
        QuizQuestion(
            id=args.question_id,
            quiz_id=quiz.id,
            position=(last or 0) + 1,
            question_type=args.question_type,
            prompt=args.prompt,
            options=options,
            correct_answer=answer,
            points=1,
            explanation="",
            sync_partition=quiz.sync_partition,
            sync_version=0,
        )
    )
    if lesson is not None:
        _touch(ctx.session, lesson.course_id)


def _edit(ctx: LocalContext, args: EditFieldArgs) -> None:
    row = ctx.session.get(MODELS[args.entity], args.entity_id)
    if row is None:
        return
    setattr(row, args.field, EDITABLE[args.entity][args.field].validate_python(args.value))
    course_id = course_id_of(ctx.session, args.entity, row)
    if course_id is not None:
        _touch(ctx.session, course_id)


def _move_section(ctx: LocalContext, args: MoveSectionArgs) -> None:
    section = ctx.session.get(CourseSection, args.section_id)
    if section is not None:
        section.position = args.position


def _move_lesson(ctx: LocalContext, args: MoveLessonArgs) -> None:
    lesson = ctx.session.get(Lesson, args.lesson_id)
    if lesson is not None and ctx.session.get(CourseSection, args.section_id) is not None:
        lesson.section_id, lesson.position = args.section_id, args.position


def _delete(ctx: LocalContext, args: DeleteArgs) -> None:
    if args.entity == "course":  # everything of a draft lives in its partition
        ctx.partitions.add(draft_partition(args.entity_id))
        drop_partition(ctx.session, draft_partition(args.entity_id))
        return
    if args.entity in ("section", "lesson"):  # the lessons' quizzes and resources go first
        column = Lesson.section_id if args.entity == "section" else Lesson.id
        lessons = select(Lesson.id).where(column == args.entity_id)
        quizzes = select(Quiz.id).where(Quiz.lesson_id.in_(lessons))
        ctx.session.execute(delete(QuizQuestion).where(QuizQuestion.quiz_id.in_(quizzes)))
        ctx.session.execute(delete(Quiz).where(Quiz.lesson_id.in_(lessons)))
        ctx.session.execute(delete(LessonResource).where(LessonResource.lesson_id.in_(lessons)))
        if args.entity == "section":
            ctx.session.execute(delete(Lesson).where(Lesson.section_id == args.entity_id))
    row = ctx.session.get(MODELS[args.entity], args.entity_id)
    if row is not None:
        ctx.session.delete(row)


def _add_resource(
    ctx: LocalContext, lesson_id: uuid.UUID, resource_id: uuid.UUID, **fields: Any
) -> None:
    """A new link or file at the end of a lesson's resources (a replay of one made: nothing)."""
    lesson = ctx.session.get(Lesson, lesson_id)
    if lesson is None or ctx.session.get(LessonResource, resource_id) is not None:
        return
    last = ctx.session.scalar(
        select(func.max(LessonResource.position)).where(LessonResource.lesson_id == lesson.id)
    )
    ctx.session.add(
        LessonResource(
            id=resource_id,
            lesson_id=lesson.id,
            position=(last or 0) + 1,
            sync_partition=lesson.sync_partition,
            sync_version=0,
            **fields,
        )
    )
    _touch(ctx.session, lesson.course_id)


def _add_link(ctx: LocalContext, args: AddLinkArgs) -> None:
    _add_resource(
        ctx,
        args.lesson_id,
        args.resource_id,
        title=args.title,
        kind=ResourceKind.LINK,
        url=args.url,
    )


def _set_tags(ctx: LocalContext, args: SetTagsArgs) -> None:
    ctx.session.execute(delete(CourseTagMap).where(CourseTagMap.course_id == args.course_id))
    for name in args.tags:
        known = ctx.session.scalar(select(CourseTag.id).where(CourseTag.name == name))
        tag = known or tag_id(name)  # the server names tags the same way
        if known is None:
            ctx.session.add(
                CourseTag(id=tag, name=name, sync_partition=CATALOG_PARTITION, sync_version=0)
            )
        ctx.session.add(
            CourseTagMap(
                course_id=args.course_id,
                tag_id=tag,
                sync_partition=draft_partition(args.course_id),
                sync_version=0,
            )
        )
    _touch(ctx.session, args.course_id)


def _add_file(ctx: LocalContext, args: AddFileArgs) -> None:
    upload = ctx.session.get(Upload, args.asset_id)
    pdf = upload is not None and upload.mime_type == "application/pdf"
    kind = ResourceKind.PDF if pdf else ResourceKind.FILE
    _add_resource(
        ctx, args.lesson_id, args.resource_id, title=args.title, kind=kind, asset_id=args.asset_id
    )


def _set_thumbnail(ctx: LocalContext, args: SetThumbnailArgs) -> None:
    course = ctx.session.get(Course, args.course_id)
    if course is not None:
        course.thumbnail_asset_id = args.asset_id
        _touch(ctx.session, course.id)


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
        row = ctx.session.get(MODELS[conflict.entity], conflict.entity_id)
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
    row = session.get(MODELS[entity], entity_id)
    if entity == "quiz" and row is not None:
        return f"the quiz {_title_of(session, 'lesson', row.lesson_id)}"
    name = getattr(row, "title", None) or getattr(row, "prompt", None)
    return f"'{name[:40]}'" if name else f"a {entity}"


def _section_course(session: Session, section_id: uuid.UUID) -> str:
    stmt = select(CourseSection.course_id).where(CourseSection.id == section_id)
    course_id = session.scalar(stmt)
    return _course_title(session, course_id) if course_id else "a course"


_FIELD_WORDS = {
    "price_cents": "price",
    "category_id": "category",
    "language_code": "language",
    "is_preview": "free preview",
}

DRAFT_MUTATIONS: list[LocalMutation[Any]] = [
    local(
        m.CREATE_COURSE,
        _create_course,
        lambda _s, a: f"New course '{a.title}'",
    ),
    local(
        m.ADD_SECTION,
        _add_section,
        lambda s, a: f"New section '{a.title}' in {_course_title(s, a.course_id)}",
    ),
    local(
        m.ADD_LESSON,
        _add_lesson,
        lambda s, a: f"New lesson '{a.title}' in {_section_course(s, a.section_id)}",
    ),
    local(
        m.EDIT_FIELD,
        _edit,
        lambda s, a: (
            f"{_FIELD_WORDS.get(a.field, a.field).capitalize()} of "
            f"{_title_of(s, a.entity, a.entity_id)}"
        ),
        lambda a: f"edit:{a.entity}:{a.entity_id}:{a.field}",
        Coalesce.KEEP_BASE,
    ),
    local(
        m.MOVE_SECTION,
        _move_section,
        lambda s, a: f"Moved section {_title_of(s, 'section', a.section_id)}",
        lambda a: f"move:{a.section_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.MOVE_LESSON,
        _move_lesson,
        lambda s, a: f"Moved lesson {_title_of(s, 'lesson', a.lesson_id)}",
        lambda a: f"move:{a.lesson_id}",
        Coalesce.REPLACE,
    ),
    local(
        m.DELETE,
        _delete,
        lambda s, a: f"Deleted {a.entity} {_title_of(s, a.entity, a.entity_id)}",
    ),
    local(
        m.ADD_QUESTION,
        _add_question,
        lambda _s, a: f"New {a.question_type.value.replace('_', ' ')} question",
    ),
    local(m.ADD_LINK, _add_link, lambda _s, a: f"New link '{a.title}'"),
    local(
        m.SET_TAGS,
        _set_tags,
        lambda s, a: f"Tags of {_course_title(s, a.course_id)}",
    ),
    local(
        m.ATTACH_MEDIA,
        _attach_media,
        lambda s, a: f"{a.kind.capitalize()} of {_title_of(s, 'lesson', a.lesson_id)}",
    ),
    local(m.ADD_FILE, _add_file, lambda _s, a: f"New file '{a.title}'"),
    local(
        m.SET_THUMBNAIL,
        _set_thumbnail,
        lambda s, a: f"Thumbnail of {_course_title(s, a.course_id)}",
    ),
    local(
        m.RESOLVE_CONFLICT,
        _resolve,
        lambda _s, _a: "Resolved a conflicting edit",
    ),
    local(
        m.SUBMIT_COURSE,
        _submit,
        lambda s, a: f"Submitted {_course_title(s, a.course_id)} for review",
    ),
]
