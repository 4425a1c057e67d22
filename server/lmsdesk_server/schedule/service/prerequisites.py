"""`authoring.set_prerequisites@1` (and `PUT /authoring/lessons/{id}/prerequisites`): the
lessons that must be complete before a lesson opens.

A draft's (or a revision's) links are draft rows, carried to the published course with the
revision; a published course's links may also be set directly (they order the course, they do
not change its content, so they need no review) and apply to its students at once. Links stay
within one course and never form a cycle: the refusal names the loop.
"""

from __future__ import annotations

from lmsdesk.contracts.authoring import EDITABLE_STATUSES
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.schedule import SetPrerequisitesArgs, prerequisite_cycle
from lmsdesk_server.db.models import Course, LessonPrerequisite
from lmsdesk_server.db.partitions import (
    CATALOG_PARTITION,
    draft_partition,
    stamp,
    write_tombstone,
)
from lmsdesk_server.mutation import MutationContext, MutationRejected
from lmsdesk_server.schedule.repository import ScheduleRepository


def set_prerequisites(ctx: MutationContext, args: SetPrerequisitesArgs) -> dict[str, object]:
    repo = ScheduleRepository(ctx.session)
    lesson = repo.lesson(args.lesson_id)
    if lesson is None:
        raise MutationRejected("That lesson does not exist.", status=404, code="not_found")
    course = repo.find(Course, lesson.course_id, lock=True)  # one writer per course's graph
    assert course is not None
    if course.instructor_id != ctx.actor.id:
        raise MutationRejected("Only the course's instructor sets its prerequisites.")
    if course.status is CourseStatus.APPROVED:
        partition = CATALOG_PARTITION
    elif course.status in EDITABLE_STATUSES:
        partition = draft_partition(course.id)
    else:
        raise MutationRejected(
            f"“{course.title}” cannot be changed now ({course.status.value}).", status=409
        )
    wanted = list(dict.fromkeys(args.lesson_ids))
    if lesson.id in wanted:
        raise MutationRejected(
            "A lesson cannot be its own prerequisite.", status=422, code="prerequisite_cycle"
        )
    found = {x.id for x in repo.lessons_in(course.id, wanted)}
    if len(found) != len(wanted):
        raise MutationRejected(
            "Prerequisites must be lessons of the same course.",
            status=422,
            code="bad_prerequisite",
        )
    graph = repo.prerequisite_graph(course.id)
    graph[lesson.id] = wanted
    cycle = prerequisite_cycle(graph, lesson.id)
    if cycle is not None:
        titles = repo.titles(cycle)
        loop = " → ".join(f"“{titles.get(x, '?')}”" for x in cycle)
        raise MutationRejected(
            f"That would make a loop no student could enter: {loop}.",
            status=422,
            code="prerequisite_cycle",
        )
    current = {link.prerequisite_lesson_id: link for link in repo.prerequisites_of(lesson.id)}
    for needed, link in current.items():
        if needed not in wanted:
            write_tombstone(ctx.session, partition, "lesson_prerequisites", f"{lesson.id}:{needed}")
            ctx.session.delete(link)
    for needed in wanted:
        if needed not in current:
            link = LessonPrerequisite(lesson_id=lesson.id, prerequisite_lesson_id=needed)
            ctx.session.add(link)
            stamp(ctx.session, link, partition)
    if partition != CATALOG_PARTITION:
        course.version += 1
        course.updated_at = ctx.now
        stamp(ctx.session, course, partition)
    ctx.session.flush()
    return {"lesson_id": str(lesson.id), "lesson_ids": [str(x) for x in wanted]}
