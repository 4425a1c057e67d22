"""Revisions of published courses (contracts.revisions): start one, and publish one.

`start_revision` copies a published course into a new draft (`revision_of` names the original)
with ids derived from the originals; the instructor edits it like any draft and submits it.
While it is in review the published course stays as it was for its students. `publish_revision`
(on approval) carries the revision into the published course: kept rows are updated in place,
so students' progress on them stays; new rows move over; rows the revision deleted go, with
tombstones in the catalog. The revision itself is then closed (marked deleted).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.revisions import (
    COPIED_COURSE_FIELDS,
    StartRevisionArgs,
    revision_row_id,
)
from lmsdesk_server.authoring.repository import AuthoringRepository
from lmsdesk_server.db.models import (
    Course,
    CourseSection,
    CourseTagMap,
    Lesson,
    LessonPrerequisite,
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
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected

#: Columns a copy does not take from its original: its identity and bookkeeping.
_OWN = {"id", "sync_partition", "sync_version", "search_vector", "created_at", "updated_at"}


def _columns(row: Any) -> dict[str, Any]:
    return {
        c.key: getattr(row, c.key) for c in inspect(row).mapper.column_attrs if c.key not in _OWN
    }


def open_revision(session: Session, course_id: uuid.UUID) -> Course | None:
    return AuthoringRepository(session).open_revision(course_id)


def start_revision(ctx: MutationContext, args: StartRevisionArgs) -> dict[str, object]:
    session, repo = ctx.session, AuthoringRepository(ctx.session)
    published = repo.get_or_refuse(
        Course,
        args.course_id,
        "That course does not exist.",
        lock=True,
        status=404,
        code="not_found",
    )
    if published.instructor_id != ctx.actor.id:
        raise MutationRejected("Only the course's instructor can change it.")
    existing = repo.find(Course, args.revision_id)
    if existing is not None:
        if existing.revision_of == published.id:
            raise MutationMerged("The revision exists already.", row_dict(existing))
        raise MutationRejected("That course id is taken.", status=409)
    if published.status is not CourseStatus.APPROVED:
        raise MutationRejected(
            f"“{published.title}” is not published; edit it directly instead of in a revision."
        )
    if repo.open_revision(published.id) is not None:
        raise MutationRejected(
            f"A revision of “{published.title}” is open already: finish or delete it first.",
            status=409,
        )
    revision = copy_course(session, published, args.revision_id, ctx.now)
    session.flush()
    return row_dict(revision)


def copy_course(
    session: Session, published: Course, revision_id: uuid.UUID, now: datetime
) -> Course:
    def rid(origin: uuid.UUID) -> uuid.UUID:
        return revision_row_id(revision_id, origin)

    partition = draft_partition(revision_id)
    slug = f"{published.slug[:200]}-r{revision_id.hex[:8]}"
    revision = Course(
        **{
            **_columns(published),
            "id": revision_id,
            "slug": slug,
            "status": CourseStatus.DRAFT,
            "version": 1,
            "submitted_at": None,
            "published_at": None,
            "revision_of": published.id,
            "created_at": now,
            "updated_at": now,
        }
    )
    session.add(revision)
    stamp(session, revision, partition)
    session.flush()
    repo = AuthoringRepository(session)
    rows: list[Any] = [
        CourseTagMap(course_id=revision_id, tag_id=m.tag_id) for m in repo.tag_links(published.id)
    ]
    lessons = repo.content_rows(Lesson, published.id)
    quizzes = repo.content_rows(Quiz, published.id)
    rows += [
        CourseSection(**{**_columns(s), "id": rid(s.id), "course_id": revision_id})
        for s in repo.content_rows(CourseSection, published.id)
    ]
    rows += [
        Lesson(
            **{
                **_columns(x),
                "id": rid(x.id),
                "course_id": revision_id,
                "section_id": rid(x.section_id),
            }
        )
        for x in lessons
    ]
    rows += [
        Quiz(**{**_columns(q), "id": rid(q.id), "lesson_id": rid(q.lesson_id)}) for q in quizzes
    ]
    rows += [
        QuizQuestion(**{**_columns(p), "id": rid(p.id), "quiz_id": rid(p.quiz_id)})
        for p in repo.content_rows(QuizQuestion, published.id)
    ]
    rows += [
        LessonResource(**{**_columns(r), "id": rid(r.id), "lesson_id": rid(r.lesson_id)})
        for r in repo.content_rows(LessonResource, published.id)
    ]
    rows += [
        LessonPrerequisite(
            lesson_id=rid(link.lesson_id), prerequisite_lesson_id=rid(link.prerequisite_lesson_id)
        )
        for link in repo.course_prerequisites(published.id)
    ]
    for row in rows:  # parents before children: the list is in that order
        session.add(row)
        stamp(session, row, partition)
    return revision


# ------------------------------------------------------------------------------ publishing
def publish_revision(session: Session, revision: Course, now: datetime) -> Course:
    """Carry an approved revision into its published course; returns the published course."""
    assert revision.revision_of is not None
    repo = AuthoringRepository(session)
    published = repo.find(Course, revision.revision_of, lock=True)
    assert published is not None
    for name in COPIED_COURSE_FIELDS:
        setattr(published, name, getattr(revision, name))
    published.version += 1
    published.updated_at = now

    def rid(origin: uuid.UUID) -> uuid.UUID:
        return revision_row_id(revision.id, origin)

    # Where a revision row's parent lives in the published course (kept parent: its original).
    back: dict[uuid.UUID, uuid.UUID] = {}
    gone: list[Any] = []  # published rows the revision deleted, children first at the end
    copies: list[Any] = []  # the revision's copies of kept rows, deleted once all moved
    _merge_tags(repo, revision, published)
    links = _take_prerequisites(repo, revision.id)
    tables: list[tuple[Any, Callable[[Any], dict[str, Any]]]] = [
        (CourseSection, lambda _row: {"course_id": published.id}),
        (
            Lesson,
            lambda row: {
                "course_id": published.id,
                "section_id": back.get(row.section_id, row.section_id),
            },
        ),
        (Quiz, lambda row: {"lesson_id": back.get(row.lesson_id, row.lesson_id)}),
        (QuizQuestion, lambda row: {"quiz_id": back.get(row.quiz_id, row.quiz_id)}),
        (LessonResource, lambda row: {"lesson_id": back.get(row.lesson_id, row.lesson_id)}),
    ]
    for model, parents in tables:
        _merge(repo, model, revision.id, published.id, rid, back, parents, gone, copies)
    session.flush()  # every move written before anything is deleted (deletes cascade)
    _merge_prerequisites(repo, links, published.id, back)
    # Children before parents, a flush each: the unit of work knows no order between these
    # tables (no relationships), and a parent deleted first would take its children along.
    for row in reversed(copies):
        session.delete(row)
        session.flush()
    for row in reversed(gone):
        _remove(repo, row)
        session.flush()
    revision.deleted_at = now
    session.flush()
    return published


def _merge(
    repo: AuthoringRepository,
    model: Any,
    revision_id: uuid.UUID,
    published_id: uuid.UUID,
    rid: Callable[[uuid.UUID], uuid.UUID],
    back: dict[uuid.UUID, uuid.UUID],
    parents: Callable[[Any], dict[str, Any]],
    gone: list[Any],
    copies: list[Any],
) -> None:
    """One table: update kept rows from their copies, move new rows over, note the deleted."""
    published_rows = repo.content_rows(model, published_id)
    copied = {row.id: row for row in repo.content_rows(model, revision_id)}
    for original in published_rows:
        copy = copied.pop(rid(original.id), None)
        back[rid(original.id)] = original.id
        if copy is None:
            gone.append(original)
            continue
        for name, value in {**_columns(copy), **parents(copy)}.items():
            setattr(original, name, value)
        copies.append(copy)
    for new in copied.values():  # added in the revision: the row itself moves over
        for name, value in parents(new).items():
            setattr(new, name, value)


def _take_prerequisites(
    repo: AuthoringRepository, revision_id: uuid.UUID
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """The revision's prerequisite links, removed before its lessons move (a lesson it added
    moves over with its own id, and would take its links into the published course's set)."""
    links = repo.course_prerequisites(revision_id)
    taken = [(x.lesson_id, x.prerequisite_lesson_id) for x in links]
    for link in links:
        repo.session.delete(link)
    repo.session.flush()
    return taken


def _merge_prerequisites(
    repo: AuthoringRepository,
    links: list[tuple[uuid.UUID, uuid.UUID]],
    published_id: uuid.UUID,
    back: dict[uuid.UUID, uuid.UUID],
) -> None:
    """The revision's prerequisites become the published course's (its lessons' ids mapped
    back to the originals); links it dropped leave every device."""
    session = repo.session
    wanted = {(back.get(a, a), back.get(b, b)) for a, b in links}
    current = {
        (x.lesson_id, x.prerequisite_lesson_id): x for x in repo.course_prerequisites(published_id)
    }
    for key, link in current.items():
        if key not in wanted:
            write_tombstone(
                session, CATALOG_PARTITION, "lesson_prerequisites", f"{key[0]}:{key[1]}"
            )
            session.delete(link)
    for lesson_id, needed in wanted - set(current):
        link = LessonPrerequisite(lesson_id=lesson_id, prerequisite_lesson_id=needed)
        session.add(link)
        stamp(session, link, CATALOG_PARTITION)
    session.flush()


def _remove(repo: AuthoringRepository, row: Any) -> None:
    """A published row the revision deleted: gone from the catalog on every device."""
    session = repo.session
    if isinstance(row, Lesson):
        for link in repo.prerequisite_links(row.id):
            write_tombstone(
                session,
                CATALOG_PARTITION,
                "lesson_prerequisites",
                f"{link.lesson_id}:{link.prerequisite_lesson_id}",
            )
    write_tombstone(session, CATALOG_PARTITION, row.__tablename__, str(row.id))
    session.delete(row)


def _merge_tags(repo: AuthoringRepository, revision: Course, published: Course) -> None:
    session = repo.session
    old = {m.tag_id: m for m in repo.tag_links(published.id)}
    new = repo.tag_ids_of_course(revision.id)
    for tag, row in old.items():
        if tag not in new:
            write_tombstone(session, CATALOG_PARTITION, "course_tag_map", f"{published.id}:{tag}")
            session.delete(row)
    for tag in new - set(old):
        session.add(
            CourseTagMap(
                course_id=published.id, tag_id=tag, sync_partition=CATALOG_PARTITION, sync_version=0
            )
        )
