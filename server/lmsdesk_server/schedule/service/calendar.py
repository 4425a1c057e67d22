"""A cohort's calendar feed (RFC 5545): week releases, due times and live sessions.

Calendar apps subscribe to a URL and cannot send a sign-in header, so each student gets a link
of their own, signed with a key derived from the server secret and naming them. The link
never expires (a subscription is long-lived) but is checked on every fetch: once the student
leaves the cohort (a refund), their link answers 404.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import Cohort, CohortWeek, Course
from lmsdesk_server.schedule.repository import ScheduleRepository

#: How long a release or a due time shows in a calendar (a moment, but visible).
_MARK = timedelta(minutes=15)


class CalendarLinks:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def signature(self, cohort_id: uuid.UUID, user_id: uuid.UUID) -> str:
        message = f"calendar:{cohort_id}:{user_id}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode()

    def url(self, public_url: str, cohort_id: uuid.UUID, user_id: uuid.UUID) -> str:
        sig = self.signature(cohort_id, user_id)
        base = public_url.rstrip("/")
        return f"{base}/api/v1/cohorts/{cohort_id}/calendar.ics?u={user_id}&s={sig}"

    def verify(self, cohort_id: uuid.UUID, user_id: uuid.UUID, signature: str) -> bool:
        expected = self.signature(cohort_id, user_id).encode()
        return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


def calendar_key(jwt_secret: str) -> bytes:
    return hmac.new(jwt_secret.encode(), b"lmsdesk cohort calendars", hashlib.sha256).digest()


def may_follow(session: Session, cohort: Cohort, user_id: uuid.UUID) -> bool:
    """The cohort's students (active enrollment in it) and its course's instructor."""
    repo = ScheduleRepository(session)
    course = repo.course(cohort.course_id)
    if course is not None and course.instructor_id == user_id:
        return True
    joined = repo.enrolled_cohort(user_id, cohort.course_id)
    return joined is not None and joined.id == cohort.id


def _event(uid: str, summary: str, start: datetime, end: datetime, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("dtstamp", stamp)
    return event


def ics(session: Session, cohort: Cohort, course: Course) -> bytes:
    repo = ScheduleRepository(session)
    titles = {str(s.id): s.title for s in repo.sections_of(course.id)}
    calendar = Calendar()
    calendar.add("prodid", "-//LMSDesk//Cohort calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{course.title}: {cohort.title}")
    calendar.add("x-wr-timezone", cohort.timezone)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for week in repo.weeks_of(cohort.id):
        for event in _week_events(week, titles, course.title, stamp):
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def _week_events(
    week: CohortWeek, titles: dict[str, str], course_title: str, stamp: datetime
) -> list[Event]:
    named = ", ".join(titles[s] for s in week.section_ids if s in titles)
    opens = f"{course_title}: week {week.number} opens" + (f" ({named})" if named else "")
    events = [
        _event(f"{week.id}-release@lmsdesk", opens, week.release_at, week.release_at + _MARK, stamp)
    ]
    if week.due_at is not None:
        due = f"{course_title}: week {week.number} work due"
        events.append(
            _event(f"{week.id}-due@lmsdesk", due, week.due_at - _MARK, week.due_at, stamp)
        )
    if week.live_starts_at is not None and week.live_ends_at is not None:
        live = _event(
            f"{week.id}-live@lmsdesk",
            f"{course_title}: {week.live_title or 'Live session'}",
            week.live_starts_at,
            week.live_ends_at,
            stamp,
        )
        if week.live_url:
            live.add("url", week.live_url)
            live.add("location", week.live_url)
            live.add("description", f"Join: {week.live_url}")
        events.append(live)
    return events
