"""Cohorts on laptops against the live server: the instructor schedules a cohort offline and it
reaches the students at their next sync; a student sees the course by week, a lesson of a week
not yet open says when it opens and its body is not on the laptop until then; moving the
laptop's clock opens nothing; the instructor opens the week and the body arrives; a loop of
prerequisites is refused before anything is queued."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from icalendar import Calendar

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.schedule import LiveSession, SaveCohortArgs
from lmsdesk.local_db import sync_state
from lmsdesk.local_db.models.client import SyncState
from lmsdesk.services.learning import LearningService
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.schedule import ScheduleProblem, ScheduleService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.demo.content import DEMO_PASSWORD
from tests.support.cohorts import WEEK_TWO_TEXT, CohortCourse
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (publishes courses: its own)


def _sync(service: SessionService) -> None:
    outcome = SyncService(service).sync()
    assert outcome.status is SyncStatus.IDLE, outcome
    assert outcome.failed == 0, SyncService(service).overview()


@pytest.fixture
def course(live_server: LiveServer) -> CohortCourse:
    return CohortCourse(live_server)


@pytest.fixture
def instructor(laptops: Callable[[str], Laptop], link: CuttableLink) -> Laptop:
    laptop = laptops("instructor")
    laptop.service.sign_in(link.url, "instructor@example.com", DEMO_PASSWORD)
    _sync(laptop.service)
    return laptop


def _student(live_server: LiveServer, laptops: Callable[[str], Laptop], name: str) -> Laptop:
    email = live_server.create_user(Role.STUDENT, name=f"{name} {uuid.uuid4().hex[:6]}")
    laptop = laptops(name)
    laptop.sign_in(email)
    return laptop


def test_a_cohort_scheduled_offline_reaches_its_students_week_by_week(
    live_server: LiveServer,
    laptops: Callable[[str], Laptop],
    instructor: Laptop,
    course: CohortCourse,
    link: CuttableLink,
    http: httpx.Client,
) -> None:
    _sync(instructor.service)  # the course just made reaches the laptop
    planner = ScheduleService(instructor.service)
    link.cut()  # the instructor plans on a train
    cohort_id = uuid.uuid4()
    started = datetime.now(UTC) - timedelta(days=1)
    planner.save_cohort(
        SaveCohortArgs(
            cohort_id=cohort_id,
            course_id=course.id,
            title="Train cohort",
            starts_at=started,
            timezone="Europe/Berlin",
            capacity=10,
        )
    )
    [drafted] = planner.course_cohorts(course.id)
    assert [w.section_ids for w in drafted.weeks] == [(s,) for s in course.sections]
    opens = datetime.now(UTC) + timedelta(days=2)
    live = LiveSession(
        title="Live Q&A",
        starts_at=opens + timedelta(days=1),
        ends_at=opens + timedelta(days=1, hours=1),
        url="https://meet.example.com/idx",
    )
    planner.set_week(cohort_id, 2, [course.sections[1]], opens, opens + timedelta(days=6), live)
    with pytest.raises(ScheduleProblem, match="due before"):
        planner.set_week(cohort_id, 2, [course.sections[1]], opens, opens, None)
    link.restore()
    _sync(instructor.service)

    # A student chooses the cohort from their laptop's catalog and joins it.
    student = _student(live_server, laptops, "Jo")
    _sync(student.service)
    schedule = ScheduleService(student.service)
    [offered] = schedule.joinable_cohorts(course.id)
    assert (offered.id, offered.seats_left, offered.state.value) == (cohort_id, 10, "late")
    PurchaseService(student.service).enroll_free(course.id, offered.id)
    _sync(student.service)

    outline = LearningService(student.service).outline(course.id)
    assert outline.cohort_title == "Train cohort"
    first, second = outline.sections
    assert (first.week, first.opens_at, second.week) == (1, None, 2)
    assert second.opens_at is not None
    assert abs((second.opens_at - opens).total_seconds()) < 1
    closed = LearningService(student.service).lesson(course.lessons[1])
    assert closed.opens_at is not None
    assert closed.content == ""  # withheld by the server until the week opens
    assert LearningService(student.service).lesson(course.lessons[0]).content.startswith("# Week")

    mine = schedule.course_schedule(course.id)
    assert mine is not None
    [(number, session)] = mine.upcoming_live
    assert (number, session.url) == (2, "https://meet.example.com/idx")
    feed = schedule.calendar_link(cohort_id)
    answer = http.get(feed.replace(live_server.url, link.url))
    events = [str(e["summary"]) for e in Calendar.from_ical(answer.content).walk("VEVENT")]
    assert any("Live Q&A" in e for e in events)

    # The instructor opens week 2 now: the body reaches the student at the next sync.
    planner.set_week(
        cohort_id, 2, [course.sections[1]], datetime.now(UTC) - timedelta(minutes=1), None, None
    )
    _sync(instructor.service)
    _sync(student.service)
    opened = LearningService(student.service).lesson(course.lessons[1])
    assert (opened.opens_at, opened.content) == (None, WEEK_TWO_TEXT)


def test_moving_the_laptops_clock_opens_nothing(
    live_server: LiveServer,
    laptops: Callable[[str], Laptop],
    course: CohortCourse,
) -> None:
    student = _student(live_server, laptops, "Kim")
    cohort_id = course.add_cohort(live_server, started=-timedelta(days=3), title="Later cohort")
    me = student.service.current
    assert me is not None
    course.place(live_server, live_server.enroll(me.profile.email, course.id), cohort_id)
    _sync(student.service)
    store = student.service.store
    assert store is not None
    # The wall clock says today; the last server time is what counts, and a reboot (another
    # boot id) cannot stretch it.
    with store.transaction() as session:
        state = session.get(SyncState, sync_state.PULL_SCOPE)
        assert state is not None
        state.server_time = datetime.now(UTC) - timedelta(days=30)
        state.boot_id = "another boot"
    with store.reading() as session:
        now = sync_state.trusted_now(session)
    assert now < datetime.now(UTC) - timedelta(days=29)
    outline = LearningService(student.service).outline(course.id)
    assert all(s.opens_at is not None for s in outline.sections)
    lesson = LearningService(student.service).lesson(course.lessons[0])
    assert lesson.opens_at is not None


def test_a_loop_of_prerequisites_is_refused_before_anything_is_queued(
    instructor: Laptop, course: CohortCourse
) -> None:
    _sync(instructor.service)
    planner = ScheduleService(instructor.service)
    first, second = course.lessons
    planner.set_prerequisites(second, [first])
    overview = SyncService(instructor.service).overview()
    assert overview is not None
    before = overview.pending
    with pytest.raises(ScheduleProblem, match="loop"):
        planner.set_prerequisites(first, [second])
    with pytest.raises(ScheduleProblem, match="its own"):
        planner.set_prerequisites(first, [first])
    after = SyncService(instructor.service).overview()
    assert after is not None
    assert after.pending == before
    assert planner.prerequisites(second) == [first]
    _sync(instructor.service)
    assert planner.prerequisites(second) == [first]
