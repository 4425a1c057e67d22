"""`seed-demo`'s schedule: the paid course's Berlin cohort that started last week (week 1
open, week 2 opening soon, a live session next week), the demo student in it, a prerequisite,
a program of the two demo courses and the demo student's certificate; twice is once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import (
    Certificate,
    Cohort,
    CohortWeek,
    Enrollment,
    Lesson,
    LessonPrerequisite,
    Program,
    User,
)
from lmsdesk_server.demo.schedule import ScheduleSeeder
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.mutation import MutationRejected
from lmsdesk_server.schedule.service import gates
from tests.server.sync.helpers import FREE, PAID

pytestmark = pytest.mark.usefixtures("seeded")


def _seed(session: Session, context: ServerContext) -> list[str]:
    notes: list[str] = []
    ScheduleSeeder(session, notes.append, demo_id, context.certificates).run()
    session.flush()
    return notes


def test_the_demo_schedule_shows_every_part_on_first_run(
    session: Session, context: ServerContext
) -> None:
    assert _seed(session, context) == [
        "cohort of practical-sqlite in Europe/Berlin",
        "cohort of practical-sqlite in America/New_York",
        "student@example.com in the Berlin cohort",
        "prerequisite: the quiz unlocks the assignment",
        "program of the two demo courses",
        "certificate of offline-first-basics for student@example.com",
    ]
    now = datetime.now(UTC)
    berlin = session.get(Cohort, demo_id("cohort:practical-sqlite:berlin"))
    assert berlin is not None
    assert berlin.course_id == PAID
    assert now - timedelta(days=7) < berlin.starts_at < now
    assert berlin.starts_at.astimezone(ZoneInfo("Europe/Berlin")).hour == 9
    one, two = session.scalars(
        select(CohortWeek).where(CohortWeek.cohort_id == berlin.id).order_by(CohortWeek.number)
    )
    assert one.release_at < now < two.release_at
    assert two.live_starts_at is not None
    assert timedelta(days=6) < two.live_starts_at - now < timedelta(days=8)
    sam = session.scalars(select(User).where(User.email == "student@example.com")).one()
    joined = session.scalars(
        select(Enrollment).where(Enrollment.student_id == sam.id, Enrollment.course_id == PAID)
    ).one()
    assert joined.cohort_id == berlin.id
    assert berlin.seats_taken == 1
    # Week 1's lesson opens for the demo student; week 2's quiz does not yet.
    lesson_one = session.get(Lesson, demo_id("practical-sqlite:text"))
    quiz = session.get(Lesson, demo_id("practical-sqlite:quiz"))
    assert lesson_one is not None
    assert quiz is not None
    gates.refuse_if_closed(session, sam.id, lesson_one, now)
    with pytest.raises(MutationRejected, match="opens on"):
        gates.refuse_if_closed(session, sam.id, quiz, now)
    link = session.get(
        LessonPrerequisite,
        (demo_id("practical-sqlite:assignment"), demo_id("practical-sqlite:quiz")),
    )
    assert link is not None
    program = session.get(Program, demo_id("program:desktop-data"))
    assert program is not None
    assert set(program.course_ids) == {str(FREE), str(PAID)}
    certificate = session.scalars(
        select(Certificate).where(Certificate.student_id == sam.id, Certificate.course_id == FREE)
    ).one()
    assert certificate.revoked_at is None


def test_seeding_twice_adds_nothing(session: Session, context: ServerContext) -> None:
    _seed(session, context)
    counts = [
        session.scalar(select(func.count()).select_from(m))
        for m in (Cohort, CohortWeek, Program, Certificate, LessonPrerequisite)
    ]
    assert _seed(session, context) == []
    again = [
        session.scalar(select(func.count()).select_from(m))
        for m in (Cohort, CohortWeek, Program, Certificate, LessonPrerequisite)
    ]
    assert again == counts
