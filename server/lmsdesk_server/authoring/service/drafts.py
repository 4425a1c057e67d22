"""Instructor drafts: create, edit field by field with a three-way merge, reorder, delete,
resolve conflicts and submit for review. Every handler serves a sync mutation and its REST twin.

Only the owning instructor writes, and only while the course is a draft or was rejected
(editing a rejected course makes it a draft again). Each write bumps the course's version and
lands in its `draft:{id}` partition, which reaches the instructor's devices (and, once pending,
the admins').
"""

from __future__ import annotations

import uuid
from typing import Any

from fractional_indexing import generate_key_between
from sqlalchemy import ColumnElement

from lmsdesk.contracts.authoring import (
    EDITABLE,
    EDITABLE_STATUSES,
    NEW_ASSIGNMENT,
    NEW_QUIZ,
    AddLessonArgs,
    AddQuestionArgs,
    AddSectionArgs,
    CreateCourseArgs,
    DeleteArgs,
    EditFieldArgs,
    Keep,
    MoveLessonArgs,
    MoveSectionArgs,
    ResolveConflictArgs,
    SetTagsArgs,
    assignment_problems,
    new_question_answer,
    question_problems,
    stored_value,
    submission_problems,
    wire_value,
)
from lmsdesk.contracts.commerce import CourseRef
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType
from lmsdesk.contracts.ids import quiz_id, tag_id
from lmsdesk.contracts.slugs import slug_of
from lmsdesk_server.authoring.repository import AuthoringRepository
from lmsdesk_server.authoring.service.states import move_course
from lmsdesk_server.db.models import (
    Category,
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
from lmsdesk_server.db.partitions import (
    CATALOG_PARTITION,
    draft_partition,
    stamp,
    write_tombstone,
)
from lmsdesk_server.db.serialize import json_value, row_dict
from lmsdesk_server.mutation import (
    MutationConflict,
    MutationContext,
    MutationMerged,
    MutationRejected,
)
from lmsdesk_server.sync.repository.devices import DeviceRepository

_MODELS: dict[str, Any] = {
    "course": Course,
    "section": CourseSection,
    "lesson": Lesson,
    "quiz": Quiz,
    "question": QuizQuestion,
    "resource": LessonResource,
}


_NOT_EDITABLE = {
    CourseStatus.PENDING: "It is waiting for review and cannot be changed until a decision.",
    CourseStatus.APPROVED: "It is published: start a revision to change it; students keep "
    "the published course until the revision is approved.",
    CourseStatus.ARCHIVED: "It is archived.",
}


# ------------------------------------------------------------------------------ guards
def _repo(ctx: MutationContext) -> AuthoringRepository:
    return AuthoringRepository(ctx.session)


def course_of(ctx: MutationContext, course_id: uuid.UUID, *, editing: bool = True) -> Course:
    """The actor's own course, locked for this transaction (edits of one course serialise)."""
    course = _repo(ctx).get_or_refuse(Course, course_id, "That course does not exist.", lock=True)
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


def written(
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


def refuse_taken(existing: Any, *, same_parent: bool, what: str) -> None:
    """A create whose id exists: a repeat of itself (merged), or a clash (rejected)."""
    if existing is not None:
        if same_parent:
            raise MutationMerged(f"The {what} exists already.", row_dict(existing))
        raise MutationRejected(f"That {what} id is taken.")


def _free_position(
    ctx: MutationContext, model: Any, parent: ColumnElement[bool], wanted: str, own: uuid.UUID
) -> str:
    """`wanted`, or a key just after it when a sibling already holds it (two devices that both
    appended offline chose the same key)."""
    keys = _repo(ctx).positions_from(model, parent, own, wanted)
    if not keys or keys[0] != wanted:
        return wanted
    following = next((k for k in keys if k > wanted), None)
    return str(generate_key_between(wanted, following))


# ------------------------------------------------------------------------------ handlers
def create_course(ctx: MutationContext, args: CreateCourseArgs) -> dict[str, object]:
    if not ctx.actor.has(Role.INSTRUCTOR):
        raise MutationRejected("Only instructors can create courses.")
    existing = _repo(ctx).find(Course, args.course_id)
    refuse_taken(
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
    course = course_of(ctx, args.course_id)
    existing = _repo(ctx).find(CourseSection, args.section_id)
    refuse_taken(
        existing,
        same_parent=existing is not None and existing.course_id == course.id,
        what="section",
    )
    same_course = CourseSection.course_id == course.id
    position = _free_position(ctx, CourseSection, same_course, args.position, args.section_id)
    section = CourseSection(
        id=args.section_id, course_id=course.id, title=args.title, position=position
    )
    return written(ctx, course, section, new=True)


def add_lesson(ctx: MutationContext, args: AddLessonArgs) -> dict[str, object]:
    section = _repo(ctx).get_or_refuse(
        CourseSection, args.section_id, "That section no longer exists."
    )
    course = course_of(ctx, section.course_id)
    existing = _repo(ctx).find(Lesson, args.lesson_id)
    refuse_taken(
        existing,
        same_parent=existing is not None and existing.course_id == course.id,
        what="lesson",
    )
    same_section = Lesson.section_id == section.id
    position = _free_position(ctx, Lesson, same_section, args.position, args.lesson_id)
    lesson = Lesson(
        id=args.lesson_id,
        course_id=course.id,
        section_id=section.id,
        title=args.title,
        lesson_type=args.lesson_type,
        position=position,
        content=args.content,
        **(NEW_ASSIGNMENT if args.lesson_type is LessonType.ASSIGNMENT else {}),
    )
    lesson_row = written(ctx, course, lesson, new=True)
    if args.lesson_type is LessonType.QUIZ:  # the lesson first: the quiz refers to it
        quiz = Quiz(
            id=quiz_id(lesson.id),
            lesson_id=lesson.id,
            **NEW_QUIZ,
        )
        written(ctx, course, quiz, new=True)
    return lesson_row


def edit_field(ctx: MutationContext, args: EditFieldArgs) -> dict[str, object]:
    """The three-way merge of one field: base (what the editing device last saw), the server's
    current value, and the device's new value."""
    repo = _repo(ctx)
    # A soft-deleted course is found here, and refused by course_of below as deleted.
    row = repo.find(_MODELS[args.entity], args.entity_id)
    if row is None:
        raise MutationRejected(f"That {args.entity} no longer exists (deleted on another device?).")
    course = course_of(ctx, repo.course_id_of(args.entity, row))
    value = wire_value(args.entity, args.field, args.value)
    unknown_category = (
        args.field == "category_id"
        and value is not None
        and repo.find(Category, uuid.UUID(value)) is None
    )
    if unknown_category:
        raise MutationRejected("That category does not exist (any more); pick another.")
    # In the wire's own shape (a time as the contract writes it), as the device's base is.
    current = stored_value(args.entity, args.field, json_value(getattr(row, args.field)))
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
    return written(ctx, course, row)


def _set(row: Any, entity: str, field: str, value: Any) -> None:
    setattr(row, field, EDITABLE[entity][field].validate_python(value))


def add_question(ctx: MutationContext, args: AddQuestionArgs) -> dict[str, object]:
    repo = _repo(ctx)
    quiz = repo.get_or_refuse(Quiz, args.quiz_id, "That quiz no longer exists.")
    course = course_of(ctx, repo.course_id_of("quiz", quiz))
    existing = repo.find(QuizQuestion, args.question_id)
    refuse_taken(
        existing, same_parent=existing is not None and existing.quiz_id == quiz.id, what="question"
    )
    last = repo.last_question_position(quiz.id)
    options, answer = new_question_answer(args.question_type)
    question = QuizQuestion(
        id=args.question_id,
        quiz_id=quiz.id,
        position=last + 1,
        question_type=args.question_type,
        prompt=args.prompt,
        options=options,
        correct_answer=answer,
        points=1,
        explanation="",
    )
    return written(ctx, course, question, new=True)


def move_section(ctx: MutationContext, args: MoveSectionArgs) -> dict[str, object]:
    section = _repo(ctx).get_or_refuse(
        CourseSection, args.section_id, "That section no longer exists."
    )
    course = course_of(ctx, section.course_id)
    same_course = CourseSection.course_id == course.id
    section.position = _free_position(ctx, CourseSection, same_course, args.position, section.id)
    return written(ctx, course, section)


def move_lesson(ctx: MutationContext, args: MoveLessonArgs) -> dict[str, object]:
    gone = "That lesson or section no longer exists."
    lesson = _repo(ctx).get_or_refuse(Lesson, args.lesson_id, gone)
    target = _repo(ctx).get_or_refuse(CourseSection, args.section_id, gone)
    course = course_of(ctx, lesson.course_id)
    if target.course_id != course.id:
        raise MutationRejected("A lesson can only move within its own course.")
    lesson.section_id = target.id
    same_section = Lesson.section_id == target.id
    lesson.position = _free_position(ctx, Lesson, same_section, args.position, lesson.id)
    return written(ctx, course, lesson)


def delete(ctx: MutationContext, args: DeleteArgs) -> None:
    if args.entity == "course":
        _delete_course(ctx, args.entity_id)
        return None
    repo = _repo(ctx)
    row: CourseSection | Lesson | QuizQuestion | LessonResource | None = repo.find(
        _MODELS[args.entity], args.entity_id
    )
    if row is None:
        raise MutationMerged(f"The {args.entity} was deleted already.")
    course = course_of(ctx, repo.course_id_of(args.entity, row))
    partition = draft_partition(course.id)
    if isinstance(row, QuizQuestion | LessonResource):
        write_tombstone(ctx.session, partition, row.__tablename__, str(row.id))
        ctx.session.delete(row)
        _touch(ctx, course)
        ctx.session.flush()
        return None
    lessons = repo.lessons_of_section(row.id) if isinstance(row, CourseSection) else [row]
    for lesson in lessons:  # children first, so a client deletes in an order its keys allow
        _tombstone_lesson(ctx, partition, lesson)
    if isinstance(row, CourseSection):
        write_tombstone(ctx.session, partition, "course_sections", str(row.id))
    ctx.session.delete(row)
    _touch(ctx, course)
    ctx.session.flush()
    return None


def _delete_course(ctx: MutationContext, course_id: uuid.UUID) -> None:
    """A draft thrown away: marked deleted, so its partition leaves every device (the sync
    feed no longer offers it) and nothing of it can be edited or submitted again."""
    existing = _repo(ctx).find(Course, course_id)
    if existing is not None and existing.deleted_at is not None:
        raise MutationMerged("The course was deleted already.")
    course = course_of(ctx, course_id)
    course.deleted_at = ctx.now
    stamp(ctx.session, course, draft_partition(course.id))
    ctx.session.flush()


def _tombstone_lesson(ctx: MutationContext, partition: str, lesson: Lesson) -> None:
    repo, session = _repo(ctx), ctx.session
    quiz = repo.quiz_of_lesson(lesson.id)
    if quiz is not None:
        for question in repo.question_ids(quiz.id):
            write_tombstone(session, partition, "quiz_questions", str(question))
        write_tombstone(session, partition, "quizzes", str(quiz.id))
    for resource in repo.resource_ids(lesson.id):
        write_tombstone(session, partition, "lesson_resources", str(resource))
    for link in repo.prerequisite_links(lesson.id):
        write_tombstone(
            session,
            partition,
            "lesson_prerequisites",
            f"{link.lesson_id}:{link.prerequisite_lesson_id}",
        )
    write_tombstone(session, partition, "lessons", str(lesson.id))


def set_tags(ctx: MutationContext, args: SetTagsArgs) -> dict[str, object]:
    course = course_of(ctx, args.course_id)
    partition = draft_partition(course.id)
    repo = _repo(ctx)
    known = repo.tag_ids_named(args.tags)
    # An existing tag keeps its id (older tags were not named by id); a new one is derived from
    # its name, as a device offline derives it.
    wanted = {known.get(name) or tag_id(name): name for name in args.tags}
    current = repo.tag_ids_of_course(course.id)
    for gone in current - wanted.keys():
        link = repo.find(CourseTagMap, (course.id, gone))
        if link is not None:
            ctx.session.delete(link)
        write_tombstone(ctx.session, partition, "course_tag_map", f"{course.id}:{gone}")
    for tag, name in wanted.items():
        if repo.find(CourseTag, tag) is None:
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


def resolve_conflict(ctx: MutationContext, args: ResolveConflictArgs) -> dict[str, object]:
    repo = _repo(ctx)
    conflict = repo.get_or_refuse(DraftConflict, args.conflict_id, "That conflict does not exist.")
    course = course_of(ctx, conflict.course_id)
    if conflict.resolved_at is not None:
        raise MutationMerged("The conflict was resolved already.", row_dict(conflict))
    if args.keep is Keep.MINE:
        row = repo.find(_MODELS[conflict.entity], conflict.entity_id)
        if row is not None:
            _set(row, conflict.entity, conflict.field, conflict.client_value)
            if row is not course:
                stamp(ctx.session, row, draft_partition(course.id))
    conflict.resolved_at = ctx.now
    return written(ctx, course, conflict)


def submit(ctx: MutationContext, args: CourseRef) -> dict[str, object]:
    """draft or rejected -> pending, when the checklist passes."""
    course = course_of(ctx, args.course_id, editing=False)
    if course.status is CourseStatus.PENDING:
        raise MutationMerged("The course is waiting for review already.", row_dict(course))
    if course.status not in EDITABLE_STATUSES:
        raise MutationRejected(
            f"'{course.title}' cannot be submitted. {_NOT_EDITABLE[course.status]}"
        )
    problems = checklist(_repo(ctx), course)
    if problems:
        raise MutationRejected(
            "Not ready for review: " + " ".join(problems), status=409, code="not_ready"
        )
    move_course(course, CourseStatus.PENDING, now=ctx.now)
    stamp(ctx.session, course, draft_partition(course.id))
    ctx.session.flush()
    return row_dict(course)


def checklist(repo: AuthoringRepository, course: Course) -> list[str]:
    return submission_problems(
        title=course.title,
        lessons_per_section=repo.lessons_per_section(course.id),
        price_cents=course.price_cents,
        videos_missing=repo.video_lessons_without_a_ready_video(course.id),
        open_conflicts=repo.open_conflicts(course.id),
        quiz_problems=_quiz_problems(repo, course),
        assignment_problems=[
            problem
            for lesson in repo.assignments(course.id)
            for problem in assignment_problems(
                lesson.title,
                list(lesson.submission_kinds or []),
                lesson.max_score,
                lesson.pass_score,
                list(lesson.rubric or []),
            )
        ],
    )


def _quiz_problems(repo: AuthoringRepository, course: Course) -> list[str]:
    problems = []
    for title, questions in repo.quizzes_with_questions(course.id):
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
    return slug_of(title, course_id, fallback="course")
