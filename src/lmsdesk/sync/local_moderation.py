"""The moderation mutation on this device: an admin's decision, queued offline.

It changes nothing in the mirror: whether the course is approved is the server's to say (the
decision may come back refused: the course changed, or another admin decided first). The queue
hides a course with a decision waiting to sync and shows it again, with the reason, if the
decision is refused. An unsent decision replaced by a newer one on the same course is dropped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import ReviewDecision
from lmsdesk.contracts.moderation import DecideArgs
from lmsdesk.local_db.models.mirror import Course
from lmsdesk.local_db.outbox import Coalesce
from lmsdesk.sync.local_mutation import LocalContext, LocalMutation, local


def _describe(session: Session, args: DecideArgs) -> str:
    course = session.get(Course, args.course_id)
    verb = "Approve" if args.decision is ReviewDecision.APPROVED else "Send back"
    return f"{verb} “{course.title if course else 'a course'}”"


def _nothing_yet(_ctx: LocalContext, _args: DecideArgs) -> None:
    """The server publishes or returns the course; the pull brings the result."""


MODERATION_MUTATIONS: list[LocalMutation[Any]] = [
    local(
        m.DECIDE,
        _nothing_yet,
        _describe,
        lambda a: f"decide:{a.course_id}",
        Coalesce.REPLACE,
    ),
]
