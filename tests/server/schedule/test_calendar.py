"""A cohort's calendar: a signed link of the student's own that any calendar app can subscribe
to (RFC 5545: releases, due times, live sessions with their join link), refused to anyone
else and once the student has left the cohort."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk_server.commerce.service.states import move_enrollment
from lmsdesk_server.db.models import Enrollment
from tests.server.community.helpers import Crowd
from tests.server.schedule.helpers import PRACTICE, cohort, iso, place, week
from tests.server.sync.helpers import PAID


def _scheduled(crowd: Crowd, session: Session) -> dict[str, object]:
    made = cohort(crowd.instructor)
    opens = datetime.fromisoformat(str(made["starts_at"])) + timedelta(days=7)
    live = {
        "title": "Live Q&A",
        "starts_at": iso(opens + timedelta(days=1)),
        "ends_at": iso(opens + timedelta(days=1, hours=1)),
        "url": "https://meet.example.com/q",
    }
    answer = week(
        crowd.instructor,
        str(made["id"]),
        2,
        section_ids=[str(PRACTICE)],
        due_at=iso(opens + timedelta(days=6)),
        live=live,
    )
    assert answer.status_code == 200, answer.text
    place(session, crowd.student.id, str(made["id"]))
    return made


def _fetch(crowd: Crowd, url: str) -> object:
    parts = urlsplit(url)
    return crowd.outsider.client.get(f"{parts.path}?{parts.query}")


def test_the_students_link_gives_every_release_due_time_and_live_session(
    crowd: Crowd, session: Session
) -> None:
    made = _scheduled(crowd, session)
    link = crowd.student.ok("GET", f"/cohorts/{made['id']}/calendar-link")["url"]
    answer = _fetch(crowd, link)
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert answer.headers["content-type"].startswith("text/calendar")  # type: ignore[attr-defined]
    calendar = Calendar.from_ical(answer.content)  # type: ignore[attr-defined]
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert "Practical SQLite: week 1 opens (Getting started)" in events
    assert "Practical SQLite: week 2 work due" in events
    live = events["Practical SQLite: Live Q&A"]
    assert str(live["url"]) == "https://meet.example.com/q"
    assert live.decoded("dtstart").astimezone(UTC) > datetime.now(UTC)


def test_no_link_for_others_a_forged_one_fails_and_leaving_ends_it(
    crowd: Crowd, session: Session
) -> None:
    made = _scheduled(crowd, session)
    assert crowd.outsider.call("GET", f"/cohorts/{made['id']}/calendar-link").status_code == 404
    assert crowd.classmate.call("GET", f"/cohorts/{made['id']}/calendar-link").status_code == 404
    link = crowd.student.ok("GET", f"/cohorts/{made['id']}/calendar-link")["url"]
    forged = link.replace(str(crowd.student.id), str(crowd.classmate.id))
    assert _fetch(crowd, forged).status_code == 404  # type: ignore[attr-defined]
    enrollment = session.scalars(
        select(Enrollment).where(
            Enrollment.student_id == crowd.student.id, Enrollment.course_id == PAID
        )
    ).one()
    move_enrollment(enrollment, EnrollmentStatus.REFUNDED)
    session.flush()
    assert _fetch(crowd, link).status_code == 404  # type: ignore[attr-defined]
