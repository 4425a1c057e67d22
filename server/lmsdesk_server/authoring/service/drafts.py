"""Instructor drafts: create, edit field by field with a three-way merge, reorder, delete,
resolve conflicts and submit for review. Every handler serves a sync mutation and its REST twin.

Only the owning instructor writes, and only while the course is a draft or was rejected
(editing a rejected course makes it a draft again). Each write bumps the course's version and
lands in its `draft:{id}` partition, which reaches the instructor's devices (and, once pending,
the admins').
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fractional_indexing import generate_key_between
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.authoring import (
    EDITABLE,
    EDITABLE_STATUSES,
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
    question_problems,
    submission_problems,
    wire_value,
)
from lmsdesk.contracts.commerce import CourseRef
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType, MediaStatus, ResourceKind
from lmsdesk.contracts.ids import quiz_id, tag_id
from lmsdesk.contracts.media import RESOURCE_KINDS, THUMBNAIL_KINDS, UPLOAD_TYPES
from lmsdesk_server.db.models import (
    Category,
    Course,
    CourseSection,
    CourseTag,
    CourseTagMap,
    DraftConflict,
    Lesson,
    LessonPrerequisite,
    LessonResource,
    MediaAsset,
    Quiz,
    QuizQuestion,
)
from lmsdesk_server.repositories.devices import DeviceRepository
from lmsdesk_server.repositories.partitions import (
    CATALOG_PARTITION,
    draft_partition,
    stamp,
    write_tombstone,
)
from lmsdesk_server.services.course_states import move_course
from lmsdesk_server.services.mutation_base import (
    MutationConflict,
    MutationContext,
    MutationMerged,
    MutationRejected,
)
from lmsdesk_server.services.serialize import json_value, row_dict

_MODELS: dict[str, Any] = {
    "course": Course,
    "section": CourseSection,
    "lesson": Lesson,
    "quiz": Quiz,
    "question": QuizQuestion,
    "resource": LessonResource,
}


def _course_id_of(session: Session, entity: str, row: Any) -> uuid.UUID:
    if entity == "course":
        return row.id  # type: ignore[no-any-return]
    if entity == "question":
        row = session.get(Quiz, row.quiz_id)
    if entity in ("quiz", "question", "resource"):
        row = session.get(Lesson, row.lesson_id)
    return row.course_id  # type: ignore[no-any-return]


_NOT_EDITABLE = {
    CourseStatus.PENDING: "It is waiting for review and cannot be changed until a decision.",
    CourseStatus.APPROVED: "It is published: start a revision to change it; students keep "
    "the published course until the revision is approved.",
    CourseStatus.ARCHIVED: "It is archived.",
}


# ------------------------------------------------------------------------------ guards
def _course_of(ctx: MutationContext, course_id: uuid.UUID, *, editing: bool = True) -> Course:
    """The actor's own course, locked for this transaction (edits of one course serialise)."""
    course = ctx.session.get(Course, course_id, with_for_update=True)
    if course is None or course.deleted_at is not None:
        raise MutationRejected("That course does not exist.")
    if course.instructor_id != ctx.actor.id:
        raise MutationRejected("Only the course's instructor can change it.")
    if editing and course.status not in EDITABLE_STATUSES:
        raise MutationRejected(f"'{course.title}' cannot be edited. {_NOT_EDITABLE[course.status]}")
    return course


def _touch(ctx: MutationContext, course: Course) -> None:
    """A content change: a new version; a rejected course becomes a draft again."""
    course.version += 1
    course.updated_at = ctx.now
    if course.status is CourseStatus.REJECTED:
        move_course(course, CourseStatus.DRAFT, now=ctx.now)
    stamp(ctx.session, course, draft_partition(course.id))


def _written(
    ctx: MutationContext, course: Course, row: Any, *, new: bool = False
) -> dict[str, object]:
    """A draft row written: in the course's partition, the course's version bumped."""
    if new:
        ctx.session.add(row)
    if row is not course:
        stamp(ctx.session, row, draft_partition(course.id))
    _touch(ctx, course)
    ctx.session.flush()
    return row_dict(row)


def _refuse_taken(existing: Any, *, same_parent: bool, what: str) -> None:
    """A create whose id exists: a repeat of itself (merged), or a clash (rejected)."""
    if existing is not None:
        if same_parent:
            raise MutationMerged(f"The {what} exists already.", row_dict(existing))
        raise MutationRejected(f"That {what} id is taken.")


def _free_position(session: Session, model: Any, parent: Any, wanted: str, own: uuid.UUID) -> str:
    """`wanted`, or a key just after it when a sibling already holds it (two devices that both
    appended offline chose the same key)."""
    keys = sorted(
        session.scalars(
            select(model.position).where(parent, model.id != own, model.position >= wanted)
        )
    )
    if not keys or keys[0] != wanted:
        return wanted
    following = next((k for k in keys if k > wanted), None)
    return str(generate_key_between(wanted, following))


# ------------------------------------------------------------------------------ handlers
def create_course(ctx: MutationContext, args: CreateCourseArgs) -> dict[str, object]:
    if not ctx.actor.has(Role.INSTRUCTOR):
        raise MutationRejected("Only instructors can create courses.")
    existing = ctx.session.get(Course, args.course_id)
    _refuse_taken(
        existing,
        same_parent=existing is not None and existing.instructor_id == ctx.actor.id,
        what="course",
    )
    course = Course(
        id=args.course_id,
        instructor_id=ctx.actor.id,
        title=args.title,
        slug=_slug(args.title, args.course_id),
        status=CourseStatus.DRAFT,
        version=1,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(course)
    stamp(ctx.session, course, draft_partition(course.id))
    ctx.session.flush()
    return row_dict(course)


def add_section(ctx: MutationContext, args: AddSectionArgs) -> dict[str, object]:
    course = _course_of(ctx, args.course_id)
    existing = ctx.session.get(CourseSection, args.section_id)
    _refuse_taken(
        existing,
        same_parent=existing is not None and existing.course_id == course.id,
        what="section",
    )
    same_course = CourseSection.course_id == course.id
    position = _free_position(
        ctx.session, CourseSection, same_course, args.position, args.section_id
    )
    section = CourseSection(
        id=args.section_id, course_id=course.id, title=args.title, position=position
    )
    return _written(ctx, course, section, new=True)


def add_lesson(ctx: MutationContext, args: AddLessonArgs) -> dict[str, object]:
    section = ctx.session.get(CourseSection, args.section_id)
    if section is None:
        raise MutationRejected("That section no longer exists.")
    course = _course_of(ctx, section.course_id)
    existing = ctx.session.get(Lesson, args.lesson_id)
    _refuse_taken(
        existing,
        same_parent=existing is not None and existing.course_id == course.id,
        what="lesson",
    )
    same_section = Lesson.section_id == section.id
    position = _free_position(ctx.session, Lesson, same_section, args.position, args.lesson_id)
    lesson = Lesson(
        id=args.lesson_id,
        course_id=course.id,
        section_id=section.id,
        title=args.title,
        lesson_type=args.lesson_type,
        position=position,
        content=args.content,
    )
    written = _written(ctx, course, lesson, new=True)
    if args.lesson_type is LessonType.QUIZ:  # the lesson first: the quiz refers to it
        quiz = Quiz(
            id=quiz_id(lesson.id),
            lesson_id=lesson.id,
            passing_percent=70,
            shuffle_questions=False,
            show_correct_answers=True,
        )
        _written(ctx, course, quiz, new=True)
    return written


def edit_field(ctx: MutationContext, args: EditFieldArgs) -> dict[str, object]:
    """The three-way merge of one field: base (what the editing device last saw), the server's
    current value, and the device's new value."""
    row = ctx.session.get(_MODELS[args.entity], args.entity_id)
    if row is None:
        raise MutationRejected(f"That {args.entity} no longer exists (deleted on another device?).")
    course = _course_of(ctx, _course_id_of(ctx.session, args.entity, row))
    value = wire_value(args.entity, args.field, args.value)
    unknown_category = (
        args.field == "category_id"
        and value is not None
        and (ctx.session.get(Category, uuid.UUID(value)) is None)
    )
    if unknown_category:
        raise MutationRejected("That category does not exist (any more); pick another.")
    current = json_value(getattr(row, args.field))
    if current == value:
        raise MutationMerged("The same change was made already.", row_dict(row))
    if current != args.base:
        DeviceRepository(ctx.session).ensure(ctx.device_id, ctx.actor.id, ctx.now)
        conflict = DraftConflict(
            course_id=course.id,
            entity=args.entity,
            entity_id=args.entity_id,
            field=args.field,
            base_value=args.base,
            server_value=current,
            client_value=value,
            device_id=ctx.device_id,
            created_at=ctx.now,
        )
        ctx.session.add(conflict)
        stamp(ctx.session, conflict, draft_partition(course.id))
        ctx.session.flush()
        raise MutationConflict(
            f"'{args.field}' was changed on another device too: choose which to keep.",
            row_dict(conflict),
        )
    _set(row, args.entity, args.field, value)
    return _written(ctx, course, row)


def _set(row: Any, entity: str, field: str, value: Any) -> None:
    setattr(row, field, EDITABLE[entity][field].validate_python(value))


def add_question(ctx: MutationContext, args: AddQuestionArgs) -> dict[str, object]:
    quiz = ctx.session.get(Quiz, args.quiz_id)
    if quiz is None:
        raise MutationRejected("That quiz no longer exists.")
    course = _course_of(ctx, _course_id_of(ctx.session, "quiz", quiz))
    existing = ctx.session.get(QuizQuestion, args.question_id)
    _refuse_taken(
        existing, same_parent=existing is not None and existing.quiz_id == quiz.id, what="question"
    )
    last = ctx.session.scalar(
        select(func.max(QuizQuestion.position)).where(QuizQuestion.quiz_id == quiz.id)
    )
    options, answer = new_question_answer(args.question_type)
    question = QuizQuestion(
        id=args.question_id,
        quiz_id=quiz.id,
        position=(last or 0) + 1,
        question_type=args.question_type,
        prompt=args.prompt,
        options=options,
        correct_answer=answer,
        points=1,
        explanation="",
    )
    return _written(ctx, course, question, new=True)


def move_section(ctx: MutationContext, args: MoveSectionArgs) -> dict[str, object]:
    section = ctx.session.get(CourseSection, args.section_id)
    if section is None:
        raise MutationRejected("That section no longer exists.")
    course = _course_of(ctx, section.course_id)
    same_course = CourseSection.course_id == course.id
    section.position = _free_position(
        ctx.session, CourseSection, same_course, args.position, section.id
    )
    return _written(ctx, course, section)


def move_lesson(ctx: MutationContext, args: MoveLessonArgs) -> dict[str, object]:
    lesson = ctx.session.get(Lesson, args.lesson_id)
    target = ctx.session.get(CourseSection, args.section_id)
    if lesson is None or target is None:
        raise MutationRejected("That lesson or section no longer exists.")
    course = _course_of(ctx, lesson.course_id)
    if target.course_id != course.id:
        raise MutationRejected("A lesson can only move within its own course.")
    lesson.section_id = target.id
    same_section = Lesson.section_id == target.id
    lesson.position = _free_position(ctx.session, Lesson, same_section, args.position, lesson.id)
    return _written(ctx, course, lesson)


def delete(ctx: MutationContext, args: DeleteArgs) -> None:
    if args.entity == "course":
        _delete_course(ctx, args.entity_id)
        return None
    row: CourseSection | Lesson | QuizQuestion | LessonResource | None = ctx.session.get(
        _MODELS[args.entity], args.entity_id
    )
    if row is None:
        raise MutationMerged(f"The {args.entity} was deleted already.")
    course = _course_of(ctx, _course_id_of(ctx.session, args.entity, row))
    partition = draft_partition(course.id)
    if isinstance(row, QuizQuestion | LessonResource):
        write_tombstone(ctx.session, partition, row.__tablename__, str(row.id))
        ctx.session.delete(row)
        _touch(ctx, course)
        ctx.session.flush()
        return None
    if isinstance(row, CourseSection):
        lessons = list(ctx.session.scalars(select(Lesson).where(Lesson.section_id == row.id)))
    else:
        lessons = [row]
    for lesson in lessons:  # children first, so a client deletes in an order its keys allow
        _tombstone_lesson(ctx.session, partition, lesson)
    if isinstance(row, CourseSection):
        write_tombstone(ctx.session, partition, "course_sections", str(row.id))
    ctx.session.delete(row)
    _touch(ctx, course)
    ctx.session.flush()
    return None


def _delete_course(ctx: MutationContext, course_id: uuid.UUID) -> None:
    """A draft thrown away: marked deleted, so its partition leaves every device (the sync
    feed no longer offers it) and nothing of it can be edited or submitted again."""
    existing = ctx.session.get(Course, course_id)
    if existing is not None and existing.deleted_at is not None:
        raise MutationMerged("The course was deleted already.")
    course = _course_of(ctx, course_id)
    course.deleted_at = ctx.now
    stamp(ctx.session, course, draft_partition(course.id))
    ctx.session.flush()


def _tombstone_lesson(session: Session, partition: str, lesson: Lesson) -> None:
    quiz = session.scalar(select(Quiz).where(Quiz.lesson_id == lesson.id))
    if quiz is not None:
        for question in session.scalars(
            select(QuizQuestion.id).where(QuizQuestion.quiz_id == quiz.id)
        ):
            write_tombstone(session, partition, "quiz_questions", str(question))
        write_tombstone(session, partition, "quizzes", str(quiz.id))
    for resource in session.scalars(
        select(LessonResource.id).where(LessonResource.lesson_id == lesson.id)
    ):
        write_tombstone(session, partition, "lesson_resources", str(resource))
    for link in session.scalars(
        select(LessonPrerequisite).where(
            (LessonPrerequisite.lesson_id == lesson.id)
            | (LessonPrerequisite.prerequisite_lesson_id == lesson.id)
        )
    ):
        write_tombstone(
            session,
            partition,
            "lesson_prerequisites",
            f"{link.lesson_id}:{link.prerequisite_lesson_id}",
        )
    write_tombstone(session, partition, "lessons", str(lesson.id))


def _new_resource(
    ctx: MutationContext, lesson_id: uuid.UUID, resource_id: uuid.UUID
) -> tuple[Course, Lesson, int]:
    """The checks every new resource of a lesson passes: (course, lesson, next position)."""
    lesson = ctx.session.get(Lesson, lesson_id)
    if lesson is None:
        raise MutationRejected("That lesson no longer exists.")
    course = _course_of(ctx, lesson.course_id)
    existing = ctx.session.get(LessonResource, resource_id)
    _refuse_taken(
        existing,
        same_parent=existing is not None and existing.lesson_id == lesson.id,
        what="resource",
    )
    last = ctx.session.scalar(
        select(func.max(LessonResource.position)).where(LessonResource.lesson_id == lesson.id)
    )
    return course, lesson, (last or 0) + 1


def add_link(ctx: MutationContext, args: AddLinkArgs) -> dict[str, object]:
    course, lesson, position = _new_resource(ctx, args.lesson_id, args.resource_id)
    link = LessonResource(
        id=args.resource_id,
        lesson_id=lesson.id,
        title=args.title,
        kind=ResourceKind.LINK,
        url=args.url,
        position=position,
    )
    return _written(ctx, course, link, new=True)


def add_file(ctx: MutationContext, args: AddFileArgs) -> dict[str, object]:
    course, lesson, position = _new_resource(ctx, args.lesson_id, args.resource_id)
    asset = _own_upload(ctx, args.asset_id, RESOURCE_KINDS, "a lesson's file")
    stamp(ctx.session, asset, draft_partition(course.id))
    kind = ResourceKind.PDF if asset.mime_type == "application/pdf" else ResourceKind.FILE
    resource = LessonResource(
        id=args.resource_id,
        lesson_id=lesson.id,
        title=args.title,
        kind=kind,
        asset_id=asset.id,
        position=position,
    )
    return _written(ctx, course, resource, new=True)


def set_thumbnail(ctx: MutationContext, args: SetThumbnailArgs) -> dict[str, object]:
    course = _course_of(ctx, args.course_id)
    if args.asset_id is not None:
        asset = _own_upload(ctx, args.asset_id, THUMBNAIL_KINDS, "a thumbnail")
        stamp(ctx.session, asset, draft_partition(course.id))
    course.thumbnail_asset_id = args.asset_id
    return _written(ctx, course, course)


def _own_upload(
    ctx: MutationContext, asset_id: uuid.UUID, kinds: frozenset[str], use: str
) -> MediaAsset:
    asset = ctx.session.get(MediaAsset, asset_id)
    if asset is None or asset.owner_id != ctx.actor.id:
        raise MutationRejected("That file was not uploaded from your account.")
    if asset.status is not MediaStatus.READY:
        raise MutationRejected("That file has not finished uploading.")
    if UPLOAD_TYPES.get(asset.mime_type) not in kinds:
        raise MutationRejected(f"A {asset.mime_type} file cannot be {use}.")
    return asset


def set_tags(ctx: MutationContext, args: SetTagsArgs) -> dict[str, object]:
    course = _course_of(ctx, args.course_id)
    partition = draft_partition(course.id)
    named = select(CourseTag.name, CourseTag.id).where(CourseTag.name.in_(args.tags))
    known = dict(ctx.session.execute(named).all())
    # An existing tag keeps its id (older tags were not named by id); a new one is derived from
    # its name, as a device offline derives it.
    wanted = {known.get(name) or tag_id(name): name for name in args.tags}
    current = set(
        ctx.session.scalars(select(CourseTagMap.tag_id).where(CourseTagMap.course_id == course.id))
    )
    for gone in current - wanted.keys():
        link = ctx.session.get(CourseTagMap, (course.id, gone))
        if link is not None:
            ctx.session.delete(link)
        write_tombstone(ctx.session, partition, "course_tag_map", f"{course.id}:{gone}")
    for tag, name in wanted.items():
        if ctx.session.get(CourseTag, tag) is None:
            new_tag = CourseTag(id=tag, name=name)
            ctx.session.add(new_tag)
            stamp(ctx.session, new_tag, CATALOG_PARTITION)
            ctx.session.flush()
        if tag not in current:
            link = CourseTagMap(course_id=course.id, tag_id=tag)
            ctx.session.add(link)
            stamp(ctx.session, link, partition)
    _touch(ctx, course)
    ctx.session.flush()
    return {"course_id": str(course.id), "tags": list(wanted.values())}


def attach_media(ctx: MutationContext, args: AttachMediaArgs) -> dict[str, object]:
    lesson = ctx.session.get(Lesson, args.lesson_id)
    if lesson is None:
        raise MutationRejected("That lesson no longer exists.")
    course = _course_of(ctx, lesson.course_id)
    asset = None
    if args.asset_id is not None:
        asset = _own_upload(ctx, args.asset_id, frozenset({args.kind}), f"a lesson's {args.kind}")
        stamp(ctx.session, asset, draft_partition(course.id))
    if args.kind == "video":
        lesson.video_asset_id = args.asset_id
        duration = asset.duration_seconds if asset is not None else None
        lesson.duration_seconds = round(duration) if duration is not None else None
    else:
        lesson.subtitles_asset_id = args.asset_id
    return _written(ctx, course, lesson)


def resolve_conflict(ctx: MutationContext, args: ResolveConflictArgs) -> dict[str, object]:
    conflict = ctx.session.get(DraftConflict, args.conflict_id)
    if conflict is None:
        raise MutationRejected("That conflict does not exist.")
    course = _course_of(ctx, conflict.course_id)
    if conflict.resolved_at is not None:
        raise MutationMerged("The conflict was resolved already.", row_dict(conflict))
    if args.keep is Keep.MINE:
        row = ctx.session.get(_MODELS[conflict.entity], conflict.entity_id)
        if row is not None:
            _set(row, conflict.entity, conflict.field, conflict.client_value)
            if row is not course:
                stamp(ctx.session, row, draft_partition(course.id))
    conflict.resolved_at = ctx.now
    return _written(ctx, course, conflict)


def submit(ctx: MutationContext, args: CourseRef) -> dict[str, object]:
    """draft or rejected -> pending, when the checklist passes."""
    course = _course_of(ctx, args.course_id, editing=False)
    if course.status is CourseStatus.PENDING:
        raise MutationMerged("The course is waiting for review already.", row_dict(course))
    if course.status not in EDITABLE_STATUSES:
        raise MutationRejected(
            f"'{course.title}' cannot be submitted. {_NOT_EDITABLE[course.status]}"
        )
    problems = checklist(ctx.session, course)
    if problems:
        raise MutationRejected(
            "Not ready for review: " + " ".join(problems), status=409, code="not_ready"
        )
    move_course(course, CourseStatus.PENDING, now=ctx.now)
    stamp(ctx.session, course, draft_partition(course.id))
    ctx.session.flush()
    return row_dict(course)


def checklist(session: Session, course: Course) -> list[str]:
    counts = session.execute(
        select(CourseSection.id, func.count(Lesson.id))
        .outerjoin(Lesson, Lesson.section_id == CourseSection.id)
        .where(CourseSection.course_id == course.id)
        .group_by(CourseSection.id)
    ).all()
    videos_missing = session.scalar(
        select(func.count(Lesson.id))
        .outerjoin(MediaAsset, MediaAsset.id == Lesson.video_asset_id)
        .where(
            Lesson.course_id == course.id,
            Lesson.lesson_type == LessonType.VIDEO,
            (MediaAsset.id.is_(None)) | (MediaAsset.status != MediaStatus.READY),
        )
    )
    conflicts = session.scalar(
        select(func.count(DraftConflict.id)).where(
            DraftConflict.course_id == course.id, DraftConflict.resolved_at.is_(None)
        )
    )
    return submission_problems(
        title=course.title,
        lessons_per_section=[int(n) for _, n in counts],
        price_cents=course.price_cents,
        videos_missing=int(videos_missing or 0),
        open_conflicts=int(conflicts or 0),
        quiz_problems=_quiz_problems(session, course),
    )


def _quiz_problems(session: Session, course: Course) -> list[str]:
    problems = []
    quizzes = session.execute(
        select(Lesson.title, Quiz.id)
        .join(Quiz, Quiz.lesson_id == Lesson.id)
        .where(Lesson.course_id == course.id)
        .order_by(Lesson.position)
    ).all()
    for title, quiz in quizzes:
        questions = session.scalars(
            select(QuizQuestion).where(QuizQuestion.quiz_id == quiz).order_by(QuizQuestion.position)
        ).all()
        if not questions:
            problems.append(f"Quiz '{title}': add at least one question.")
        for number, q in enumerate(questions, start=1):
            problems += [
                f"Quiz '{title}': {p}"
                for p in question_problems(
                    number, q.question_type, q.prompt, list(q.options or []), q.correct_answer
                )
            ]
    return problems


def _slug(title: str, course_id: uuid.UUID) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:180] or "course"
    return f"{words}-{course_id.hex[:8]}"
