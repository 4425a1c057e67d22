"""A course's community as a sync partition: one cursor entry however many courses (every
community takes its versions from one clock), added whole when a student joins, revoked on a
refund (the posts stay on the server), and sent again when a device asks after a refused post."""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk_server.db.models import Enrollment, User
from lmsdesk_server.db.partitions import stamp, user_partition
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import FREE, PAID, enroll, rows

COMMUNITY = f"community:{PAID}"


def _cursor_entries(cursor: str) -> dict[str, int]:
    payload = cursor.split(".")[0]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return data["p"]


def _set_enrollment(session: Session, crowd: Crowd, status: EnrollmentStatus) -> None:
    enrollment = (
        session.query(Enrollment).filter_by(student_id=crowd.student.id, course_id=PAID).one()
    )
    enrollment.status = status
    stamp(session, enrollment, user_partition(crowd.student.id))
    session.flush()


def test_one_cursor_entry_for_every_community(crowd: Crowd, session: Session) -> None:

    student = session.get(User, crowd.student.id)
    assert student is not None
    enroll(session, student, FREE)  # a second course: still one entry
    crowd.student.ask(PAID)
    crowd.student.ask(FREE)
    device = crowd.student.device
    pages = device.pull_all()
    entries = _cursor_entries(device.cursor or "")
    assert "community" in entries
    assert not [k for k in entries if k.startswith("community:")]
    courses = {r["course_id"] for r in rows(pages, "community_questions").values()}
    assert courses == {str(PAID), str(FREE)}


def test_a_refund_revokes_the_community_and_enrolling_again_brings_it_back(
    crowd: Crowd, session: Session
) -> None:
    question = crowd.student.ask(PAID)
    device = crowd.student.device
    assert question["id"] in rows(device.pull_all(), "community_questions")

    _set_enrollment(session, crowd, EnrollmentStatus.REFUNDED)
    crowd.classmate.answer(question["id"])  # the community goes on without them
    gone = device.pull_all()
    assert COMMUNITY in gone[0]["partitions"]["revoked"]
    assert (
        question["id"]
        in crowd.classmate.ok("GET", f"/questions/{question['id']}")["question"]["id"]
    )

    _set_enrollment(session, crowd, EnrollmentStatus.ACTIVE)
    back = device.pull_all()
    assert COMMUNITY in back[0]["partitions"]["added"]
    assert question["id"] in rows(back, "community_questions")
    assert len(rows(back, "community_answers")) >= 1


def test_a_community_asked_for_again_comes_whole(crowd: Crowd) -> None:
    question = crowd.student.ask(PAID)
    device = crowd.student.device
    device.pull_all()
    again = device.pull(resync=[COMMUNITY])
    assert COMMUNITY in again["partitions"]["reset"]
    assert question["id"] in rows([again], "community_questions")
    outsider = crowd.outsider.device
    outsider.pull_all()
    refused = outsider.pull(resync=[COMMUNITY])
    assert COMMUNITY in refused["partitions"]["revoked"]
    assert rows([refused], "community_questions") == {}
