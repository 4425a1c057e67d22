"""Devices and REST calls sending the last quiz attempt at the same moment, on a real
PostgreSQL: the attempt limit holds under concurrency, not only one request after another."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lmsdesk.contracts import hlc
from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import EnrollmentSource, EnrollmentStatus
from lmsdesk.contracts.sync import (
    PROTOCOL_VERSION,
    Mutation,
    PushRequest,
    SubmitQuizAttemptArgs,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Enrollment, QuizAttempt, User, UserRole
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.sync.service import door as mutation_door
from lmsdesk_server.sync.service import push as sync_push
from tests.server.sync.helpers import FREE, FREE_QUIZ

DEVICES = 4


def _enrolled_student(context: ServerContext) -> Actor:
    with transaction(context.session_factory) as db:
        user = User(
            email=f"q-{uuid.uuid4().hex[:10]}@example.com",
            password_hash="x",
            full_name="Quiz racer",
        )
        db.add(user)
        db.flush()
        db.add(UserRole(user_id=user.id, role=Role.STUDENT))
        enrollment = Enrollment(
            student_id=user.id,
            course_id=FREE,
            status=EnrollmentStatus.ACTIVE,
            source=EnrollmentSource.FREE,
        )
        db.add(enrollment)
        stamp(db, enrollment, user_partition(user.id))
        return Actor(id=user.id, email=user.email, roles=frozenset({Role.STUDENT}))


def _push_one_attempt(context: ServerContext, actor: Actor, seq: int, *, rest: bool = False) -> str:
    """One attempt through either door: a device's sync push, or the REST endpoint's handler."""
    started = datetime.now(UTC) - timedelta(minutes=3)
    args = {
        "attempt_id": str(uuid.uuid4()),
        "quiz_id": str(FREE_QUIZ),
        "started_at": started.isoformat(),
        "submitted_at": (started + timedelta(minutes=1)).isoformat(),
        "answers": {},
    }
    if rest:
        try:
            with transaction(context.session_factory) as db:
                submit = SubmitQuizAttemptArgs.model_validate(args)
                mutation_door.run(db, actor, m.SUBMIT_ATTEMPT, submit)
        except ApiError as exc:
            return "rejected" if exc.code == "attempts_exhausted" else exc.code
        return "applied"
    mutation = Mutation(
        seq=seq,
        mutation_id=uuid.uuid4(),
        name=m.SUBMIT_ATTEMPT.name,
        args=args,
        hlc=hlc.wall_clock_hlc(),
    )
    request = PushRequest(
        device_id=uuid.uuid4(), epoch=1, protocol=PROTOCOL_VERSION, mutations=[mutation]
    )
    with transaction(context.session_factory) as db:
        response = sync_push.push(db, actor, request)
    return str(response.results[0].status)


def test_the_last_attempt_pushed_from_four_devices_at_once_is_counted_once(
    racing_context: ServerContext,
) -> None:
    for round_ in range(15):
        actor = _enrolled_student(racing_context)
        assert _push_one_attempt(racing_context, actor, 1) == "applied"
        assert _push_one_attempt(racing_context, actor, 1) == "applied"  # one left of three
        start = threading.Barrier(DEVICES)
        statuses: list[str] = []

        def device(
            rest: bool,
            actor: Actor = actor,
            start: threading.Barrier = start,
            statuses: list[str] = statuses,
        ) -> None:
            start.wait()
            statuses.append(_push_one_attempt(racing_context, actor, 1, rest=rest))

        # Half sync devices, half REST calls (scripts, the web): the limit holds across doors.
        threads = [threading.Thread(target=device, args=(i % 2 == 0,)) for i in range(DEVICES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(statuses) == ["applied"] + ["rejected"] * (DEVICES - 1), (round_, statuses)
        with transaction(racing_context.session_factory) as db:
            stored = db.scalar(select(func.count()).where(QuizAttempt.student_id == actor.id))
        assert stored == 3
