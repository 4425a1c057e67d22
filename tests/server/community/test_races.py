"""The community's rules under concurrency, on a real PostgreSQL where every transaction
commits: devices and REST calls at the same moment count a vote once, every answer once, and
two admins deciding one report at once leave one consistent decision."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from functools import partial

from sqlalchemy import func, select

from lmsdesk.contracts import hlc
from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.community import (
    AnswerArgs,
    AskArgs,
    ModerateArgs,
    ReportAction,
    ReportArgs,
    VoteArgs,
)
from lmsdesk.contracts.enums import EnrollmentSource, EnrollmentStatus
from lmsdesk.contracts.mutations import MutationType
from lmsdesk.contracts.sync import PROTOCOL_VERSION, Mutation, PushRequest
from lmsdesk_server.actor import Actor
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import (
    CommunityAnswer,
    CommunityQuestion,
    CommunityReport,
    CommunityVote,
    Enrollment,
    User,
    UserRole,
)
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.sync.service import door
from lmsdesk_server.sync.service import push as sync_push
from tests.server.sync.helpers import PAID

ROUNDS = 5


def _person(context: ServerContext, role: Role = Role.STUDENT) -> Actor:
    with transaction(context.session_factory) as db:
        user = User(
            email=f"c-{uuid.uuid4().hex[:10]}@example.com", password_hash="x", full_name="Racer"
        )
        db.add(user)
        db.flush()
        db.add(UserRole(user_id=user.id, role=role))
        if role is Role.STUDENT:
            enrollment = Enrollment(
                student_id=user.id,
                course_id=PAID,
                status=EnrollmentStatus.ACTIVE,
                source=EnrollmentSource.FREE,
            )
            db.add(enrollment)
            stamp(db, enrollment, user_partition(user.id))
        return Actor(id=user.id, email=user.email, roles=frozenset({role}))


def _send(
    context: ServerContext, actor: Actor, mutation: MutationType, args: object, rest: bool
) -> str:
    """Through either door: a REST call's handler, or one device's push."""
    if rest:
        try:
            with transaction(context.session_factory) as db:
                door.run(db, actor, mutation, args)  # type: ignore[arg-type]
        except ApiError as exc:
            return exc.code
        return "applied"
    pushed = Mutation(
        seq=1,
        mutation_id=uuid.uuid4(),
        name=mutation.name,
        args=args.model_dump(mode="json"),  # type: ignore[attr-defined]
        hlc=hlc.wall_clock_hlc(),
    )
    request = PushRequest(
        device_id=uuid.uuid4(), epoch=1, protocol=PROTOCOL_VERSION, mutations=[pushed]
    )
    with transaction(context.session_factory) as db:
        return str(sync_push.push(db, actor, request).results[0].status)


def _at_once(calls: list[Callable[[], str]]) -> list[str]:
    start = threading.Barrier(len(calls))
    results: list[str] = []

    def run(call: Callable[[], str]) -> None:
        start.wait()
        try:
            results.append(call())
        except Exception as exc:  # a failure is a result the test shows
            results.append(f"raised {exc!r}")

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _question(context: ServerContext, asker: Actor) -> uuid.UUID:
    question = uuid.uuid4()
    args = AskArgs(question_id=question, course_id=PAID, title="Racing question", body="Go")
    assert _send(context, asker, m.ASK, args, rest=True) == "applied"
    return question


def test_one_person_voting_from_every_device_at_once_counts_once(
    racing_context: ServerContext,
) -> None:
    for _ in range(ROUNDS):
        asker, voter = _person(racing_context), _person(racing_context)
        question = _question(racing_context, asker)
        vote = VoteArgs(kind="question", target_id=question, up=True)
        statuses = _at_once(
            [partial(_send, racing_context, voter, m.VOTE, vote, rest=i % 2 == 0) for i in range(6)]
        )
        # (A REST call answers the stored row either way; the database tells what counted.)
        assert set(statuses) <= {"applied", "merged"}, statuses
        assert "applied" in statuses
        with transaction(racing_context.session_factory) as db:
            row = db.get(CommunityQuestion, question)
            assert row is not None
            assert row.vote_count == 1
            assert db.scalar(select(func.count()).where(CommunityVote.target_id == question)) == 1


def test_many_people_voting_and_answering_at_once_are_all_counted(
    racing_context: ServerContext,
) -> None:
    asker = _person(racing_context)
    question = _question(racing_context, asker)
    crowd = [_person(racing_context) for _ in range(8)]
    calls: list[Callable[[], str]] = []
    for i, person in enumerate(crowd):
        vote = VoteArgs(kind="question", target_id=question, up=True)
        answer = AnswerArgs(answer_id=uuid.uuid4(), question_id=question, body=f"Answer {i}")
        calls.append(lambda p=person, v=vote, r=i % 2 == 0: _send(racing_context, p, m.VOTE, v, r))
        calls.append(
            lambda p=person, a=answer, r=i % 2 == 1: _send(racing_context, p, m.ANSWER, a, r)
        )
    assert _at_once(calls) == ["applied"] * len(calls)
    with transaction(racing_context.session_factory) as db:
        row = db.get(CommunityQuestion, question)
        assert row is not None
        assert (row.vote_count, row.answer_count) == (8, 8)
        assert db.scalar(select(func.count()).where(CommunityAnswer.question_id == question)) == 8


def test_two_admins_deciding_one_report_at_once_leave_one_decision(
    racing_context: ServerContext,
) -> None:
    for _ in range(ROUNDS):
        asker, answerer, reporter = (_person(racing_context) for _ in range(3))
        admins = [_person(racing_context, Role.ADMIN) for _ in range(2)]
        question = _question(racing_context, asker)
        answer = uuid.uuid4()
        args = AnswerArgs(answer_id=answer, question_id=question, body="Spam spam spam")
        assert _send(racing_context, answerer, m.ANSWER, args, rest=True) == "applied"
        report = ReportArgs(report_id=uuid.uuid4(), kind="answer", target_id=answer, reason="Spam")
        assert _send(racing_context, reporter, m.REPORT, report, rest=False) == "applied"
        hide = ModerateArgs(kind="answer", target_id=answer, action=ReportAction.HIDE)
        dismiss = ModerateArgs(kind="answer", target_id=answer, action=ReportAction.DISMISS)
        _at_once(
            [
                partial(_send, racing_context, admins[0], m.MODERATE_REPORT, hide, rest=True),
                partial(_send, racing_context, admins[1], m.MODERATE_REPORT, dismiss, rest=False),
            ]
        )
        with transaction(racing_context.session_factory) as db:
            filed = db.scalars(
                select(CommunityReport).where(CommunityReport.target_id == answer)
            ).one()
            hidden = db.get(CommunityAnswer, answer)
            question_row = db.get(CommunityQuestion, question)
            assert hidden is not None
            assert question_row is not None
            # Hidden whoever came first (a hide after a dismissal still hides); the report says
            # what happened to it, and the answer count agrees with what is shown.
            assert hidden.hidden_at is not None
            assert filed.status in ("hidden", "dismissed")
            assert question_row.answer_count == 0
