"""Lesson progress and its conflict rules (DESIGN.md section 5).

- Resume position: last writer wins, ordered by (HLC, device id).
- Furthest position: a max register; it drives "percent watched".
- Completion: grows only, within a reset generation; "reset progress" starts the next one, and
  writes made for an older generation are merged away, so a late sync never undoes a reset.
- Time spent: added once per mutation (the push's sequence numbers make that exactly once).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import LessonType, ProgressStatus
from lmsdesk.contracts.ids import progress_id
from lmsdesk.contracts.sync import (
    AddTimeArgs,
    CompleteLessonArgs,
    ResetProgressArgs,
    SetPositionArgs,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.analytics.service import progress as enrollment_progress
from lmsdesk_server.certificates import service as certificates
from lmsdesk_server.db.models import Lesson
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.db.serialize import NEVER_SENT, json_value
from lmsdesk_server.learning.repository import progress_rows
from lmsdesk_server.learning.repository.lessons import LearningRepository
from lmsdesk_server.learning.repository.progress_rows import ProgressState
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected
from lmsdesk_server.schedule.service import gates

RowDict = dict[str, object]

_LEARNABLE = "lmsdesk.learnable"
_ROWS = "lmsdesk.progress_rows"
_DIRTY = "lmsdesk.progress_dirty"


def prefetch(session: Session, actor: Actor, lesson_ids: set[uuid.UUID]) -> None:
    """Load, in three queries, what a batch of progress mutations will ask about: the lessons,
    whether each may be learned, and the (locked) progress rows. Handlers then run without SQL."""
    if not lesson_ids:
        return
    repo = LearningRepository(session)
    ids = sorted(lesson_ids)
    lessons = {lesson.id: lesson for lesson in repo.lessons(ids)}
    courses = sorted({lesson.course_id for lesson in lessons.values()})
    enrolled = repo.active_enrollment_courses(actor.id, courses)
    owners = repo.owners(courses)
    decided: dict[uuid.UUID, Lesson | MutationRejected] = session.info.setdefault(_LEARNABLE, {})
    # Lessons a cohort has not released or prerequisites lock are decided one by one (and
    # again each time): they may open within the batch.
    gated = gates.possibly_closed(session, actor.id, ids)
    for lesson_id in ids:
        lesson = lessons.get(lesson_id)
        teaches = lesson is not None and (
            owners.get(lesson.course_id) == actor.id or actor.has_admin()
        )
        if lesson is None:
            decided[lesson_id] = _gone()
        elif lesson.is_preview or teaches:
            decided[lesson_id] = lesson
        elif lesson.course_id in enrolled:
            if lesson_id not in gated:
                decided[lesson_id] = lesson
        else:
            decided[lesson_id] = MutationRejected("You are not enrolled in this course.")
    rows: dict[uuid.UUID, ProgressState | None] = session.info.setdefault(_ROWS, {})
    rows.update(dict.fromkeys(ids))
    for row in progress_rows.load_for_update(session, actor.id, ids):
        rows[row.lesson_id] = row


def write_changed(session: Session) -> None:
    """Write the progress rows this transaction changed (one statement for all of them)."""
    dirty: dict[uuid.UUID, ProgressState] = session.info.pop(_DIRTY, {})
    progress_rows.write(session, list(dirty.values()))
    for row in dirty.values():
        if row.status is ProgressStatus.COMPLETED:
            certificates.note_completion(session, row.student_id, [row.lesson_id])
        if row.client_updated_at is not None:
            enrollment_progress.note(
                session, row.student_id, [row.lesson_id], row.client_updated_at
            )


def forget_prefetched(session: Session) -> None:
    """After a rollback: what was loaded or changed in memory no longer matches the database."""
    session.info.pop(_LEARNABLE, None)
    session.info.pop(_ROWS, None)
    session.info.pop(_DIRTY, None)


def learnable_lesson(repo: LearningRepository, actor: Actor, lesson_id: uuid.UUID) -> Lesson:
    """The lesson, if this user may learn it: preview, active enrollment, own course, admin.
    Decisions are remembered for the session (a push batch asks about the same lessons often)."""
    cache: dict[uuid.UUID, Lesson | MutationRejected] = repo.session.info.setdefault(_LEARNABLE, {})
    known = cache.get(lesson_id)
    if known is None:
        try:
            known = _decide_learnable(repo, actor, lesson_id)
        except MutationRejected as exc:
            known = exc
        # A lesson not yet released or still locked may open within this very batch (a
        # prerequisite completed a moment before): only lasting decisions are remembered.
        if not (isinstance(known, MutationRejected) and known.code in gates.CLOSED):
            cache[lesson_id] = known
    if isinstance(known, MutationRejected):
        raise MutationRejected(known.reason, status=known.status, code=known.code)
    return known


def _gone() -> MutationRejected:
    return MutationRejected("That lesson no longer exists.", status=404, code="not_found")


def _decide_learnable(repo: LearningRepository, actor: Actor, lesson_id: uuid.UUID) -> Lesson:
    lesson = repo.lesson(lesson_id)
    if lesson is None:
        raise _gone()
    if lesson.is_preview:
        return lesson
    course = repo.course(lesson.course_id)
    teaches = course is not None and (course.instructor_id == actor.id or actor.has_admin())
    if not teaches and repo.has_active_enrollment(actor.id, lesson.course_id):
        gates.refuse_if_closed(repo.session, actor.id, lesson, datetime.now(UTC))
        return lesson
    if teaches:
        return lesson
    raise MutationRejected("You are not enrolled in this course.")


def _row(ctx: MutationContext, lesson_id: uuid.UUID) -> ProgressState:
    repo = LearningRepository(ctx.session)
    learnable_lesson(repo, ctx.actor, lesson_id)
    known: dict[uuid.UUID, ProgressState | None] = ctx.session.info.setdefault(_ROWS, {})
    if lesson_id in known:
        row = known[lesson_id]
    else:
        loaded = progress_rows.load_for_update(ctx.session, ctx.actor.id, [lesson_id])
        row = loaded[0] if loaded else None
    if row is None:
        row = ProgressState(
            id=progress_id(ctx.actor.id, lesson_id), student_id=ctx.actor.id, lesson_id=lesson_id
        )
    known[lesson_id] = row
    return row


def generation_of(ctx: MutationContext, lesson_id: uuid.UUID) -> int:
    return _row(ctx, lesson_id).reset_generation


def state_dict(row: ProgressState) -> RowDict:
    return {
        name: json_value(getattr(row, name))
        for name in ProgressState.__slots__
        if name not in NEVER_SENT
    }


def _save(ctx: MutationContext, row: ProgressState) -> RowDict:
    # Not written yet: the push writes the batch's rows in one statement (write_changed).
    row.client_updated_at = ctx.now
    stamp(ctx.session, row, user_partition(ctx.actor.id))
    ctx.session.info.setdefault(_DIRTY, {})[row.id] = row
    return state_dict(row)


def _stale_generation(row: ProgressState, generation: int) -> bool:
    return generation < row.reset_generation


def _write_position(ctx: MutationContext, row: ProgressState, seconds: float) -> None:
    """The LWW register: the write with the greater (HLC, device id) holds the position."""
    incoming = (ctx.hlc, str(ctx.device_id))
    current = (row.position_hlc or 0, str(row.position_device_id or ""))
    if incoming > current:
        row.last_position_seconds = seconds
        row.position_hlc = ctx.hlc
        row.position_device_id = ctx.device_id


def set_position(ctx: MutationContext, args: SetPositionArgs) -> RowDict:
    row = _row(ctx, args.lesson_id)
    _write_position(ctx, row, args.position_seconds)
    if not _stale_generation(row, args.reset_generation):
        row.furthest_position_seconds = max(row.furthest_position_seconds or 0.0, args.furthest)
        if row.status is ProgressStatus.NOT_STARTED:
            row.status = ProgressStatus.IN_PROGRESS
    return _save(ctx, row)


def complete(ctx: MutationContext, args: CompleteLessonArgs) -> RowDict:
    lesson = learnable_lesson(LearningRepository(ctx.session), ctx.actor, args.lesson_id)
    if lesson.lesson_type is LessonType.ASSIGNMENT:
        # Graded work completes when it is graded at or above its pass mark (grading/grades.py).
        raise MutationRejected(
            "An assignment is complete when your work is graded at or above its pass mark.",
            status=409,
            code="graded_work",
        )
    row = _row(ctx, args.lesson_id)
    if _stale_generation(row, args.reset_generation):
        raise MutationMerged("Completed before the progress was reset.", state_dict(row))
    if row.status is not ProgressStatus.COMPLETED:
        row.status = ProgressStatus.COMPLETED
        row.completed_at = min(args.completed_at, ctx.now)
    return _save(ctx, row)


def add_time(ctx: MutationContext, args: AddTimeArgs) -> RowDict:
    row = _row(ctx, args.lesson_id)
    if _stale_generation(row, args.reset_generation):
        raise MutationMerged("Time spent before the progress was reset.", state_dict(row))
    row.time_spent_seconds = (row.time_spent_seconds or 0.0) + args.seconds
    if row.status is ProgressStatus.NOT_STARTED:
        row.status = ProgressStatus.IN_PROGRESS
    return _save(ctx, row)


def reset(ctx: MutationContext, args: ResetProgressArgs) -> RowDict:
    row = _row(ctx, args.lesson_id)
    if args.reset_generation != row.reset_generation:
        # Another device already reset this generation: at most one reset per generation.
        raise MutationMerged("This progress was already reset.", state_dict(row))
    row.reset_generation += 1
    row.status = ProgressStatus.NOT_STARTED
    row.completed_at = None
    row.furthest_position_seconds = 0.0
    row.time_spent_seconds = 0.0
    _write_position(ctx, row, 0.0)
    return _save(ctx, row)
