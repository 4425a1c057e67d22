"""Cohorts and their calendar (DESIGN.md section 11.4): one set of rules for the server, which
enforces them, and the laptop, which shows them offline.

A cohort runs a course from `starts_at`, in an IANA time zone. Enrollment is open until
`enrollment_closes_hours` before the start; after that a student may still join late until
`late_join_days` after the start. Week n opens by default at the start's wall-clock time n-1
weeks later *in the cohort's zone*, so a week across a daylight-saving change still opens at
9:00 there (and an hour apart in UTC). Sections not mapped to any week open with the cohort.
All times are stored and sent in UTC.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from lmsdesk.contracts.assignments import AwareTime
from lmsdesk.contracts.common import WireModel

ENROLLMENT_CLOSES_HOURS = 48
LATE_JOIN_DAYS = 7
MAX_WEEKS = 52
MAX_PREREQUISITES = 20


@functools.cache
def time_zones() -> list[str]:
    """The IANA names a user may pick, sorted ("Europe/Berlin"), without legacy aliases."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def _zone_name(value: str) -> str:
    if value != "UTC" and value not in set(time_zones()):
        # (The value is not echoed: it may hold anything, a NUL included.)
        raise ValueError("Not a known time zone: pick an IANA name such as Europe/Berlin.")
    return value


TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_zone_name)]


def week_release(starts_at: datetime, zone: str, number: int) -> datetime:
    """When week `number` (from 1) opens by default: the start's local wall-clock time, that
    many weeks on, in the cohort's zone (a DST change moves it an hour in UTC, not locally)."""
    local = starts_at.astimezone(ZoneInfo(zone))
    day = local.date() + timedelta(weeks=number - 1)
    wall = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC)


class JoinState(StrEnum):
    """Whether a student can join a cohort now."""

    OPEN = "open"  # before enrollment closes
    LATE = "late"  # enrollment closed, late joining still allowed
    CLOSED = "closed"  # neither
    FULL = "full"  # every seat taken


def enrollment_closes_at(starts_at: datetime, hours: int) -> datetime:
    return starts_at - timedelta(hours=hours)


def late_join_until(starts_at: datetime, days: int) -> datetime:
    return starts_at + timedelta(days=days)


def join_state(
    now: datetime,
    starts_at: datetime,
    closes_hours: int,
    late_days: int,
    seats_left: int | None,
) -> JoinState:
    if seats_left is not None and seats_left <= 0:
        return JoinState.FULL
    if now < enrollment_closes_at(starts_at, closes_hours):
        return JoinState.OPEN
    if late_days > 0 and now < late_join_until(starts_at, late_days):
        return JoinState.LATE
    return JoinState.CLOSED


def moved_by(
    release_at: datetime,
    number: int,
    old: tuple[datetime, str],
    new: tuple[datetime, str],
) -> timedelta:
    """How far week `number` moves when its cohort's (start, zone) changes from `old` to
    `new`: to the new default, keeping the week's own shift from the old one."""
    shift = release_at - week_release(old[0], old[1], number)
    return week_release(new[0], new[1], number) + shift - release_at


def section_release(
    section_id: uuid.UUID, starts_at: datetime, weeks: Iterable[tuple[datetime, list[str]]]
) -> datetime:
    """When a section opens for a cohort: its week's release time, or the cohort's start."""
    wanted = str(section_id)
    for release_at, sections in weeks:
        if wanted in sections:
            return release_at
    return starts_at


def prerequisite_cycle(
    links: Mapping[uuid.UUID, Iterable[uuid.UUID]], lesson_id: uuid.UUID
) -> list[uuid.UUID] | None:
    """A path from `lesson_id` back to itself through prerequisites (lesson -> what it needs),
    or None. `links` holds the lesson's proposed prerequisites already."""
    path: list[uuid.UUID] = []
    seen: set[uuid.UUID] = set()

    def walk(node: uuid.UUID) -> bool:
        for needed in links.get(node, ()):
            if needed == lesson_id:
                path.append(needed)
                return True
            if needed in seen:
                continue
            seen.add(needed)
            path.append(needed)
            if walk(needed):
                return True
            path.pop()
        return False

    return [lesson_id, *path] if walk(lesson_id) else None


# ------------------------------------------------------------------ wire models

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class LiveSession(WireModel):
    title: Title
    starts_at: AwareTime
    ends_at: AwareTime
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""

    @model_validator(mode="after")
    def _ordered(self) -> LiveSession:
        if self.ends_at <= self.starts_at:
            raise ValueError("A live session must end after it starts.")
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValueError("The join link must start with https:// or http://.")
        return self


ClosesHours = Annotated[int, Field(ge=0, le=24 * 60)]
LateDays = Annotated[int, Field(ge=0, le=60)]
Capacity = Annotated[int, Field(ge=1, le=100_000)]


class CohortSettings(WireModel):
    """What an instructor sets of a cohort."""

    title: Title
    starts_at: AwareTime
    timezone: TimeZoneName
    enrollment_closes_hours: ClosesHours = ENROLLMENT_CLOSES_HOURS
    late_join_days: LateDays = LATE_JOIN_DAYS
    capacity: Capacity | None = None


class CohortCreate(CohortSettings):
    """POST /authoring/courses/{id}/cohorts: weeks are made one per section, in order, each
    opening a week after the last (PUT a week to change it)."""

    id: uuid.UUID | None = None  # chosen by the laptop when made offline


class CohortPatch(WireModel):
    """PATCH /authoring/cohorts/{id}: fields left out stay. A new start moves every week with
    it (a week's own shift from its default is kept)."""

    title: Title | None = None
    starts_at: AwareTime | None = None
    timezone: TimeZoneName | None = None
    enrollment_closes_hours: ClosesHours | None = None
    late_join_days: LateDays | None = None
    capacity: Capacity | None = None
    #: True drops the limit (`capacity: null` would be indistinguishable from "left out").
    unlimited: bool = False


class WeekPut(WireModel):
    """PUT /authoring/cohorts/{id}/weeks/{n}: the sections that open that week (taken out of any
    other week), when (default: the cohort's rule), the assignment due time and a live
    session."""

    section_ids: Annotated[list[uuid.UUID], Field(max_length=100, default_factory=list)]
    release_at: AwareTime | None = None
    due_at: AwareTime | None = None
    live: LiveSession | None = None

    @model_validator(mode="after")
    def _due_after_release(self) -> WeekPut:
        if self.release_at and self.due_at and self.due_at <= self.release_at:
            raise ValueError("Work cannot be due before its week opens.")
        return self


class CohortWeekView(WireModel):
    number: int
    section_ids: list[uuid.UUID]
    release_at: datetime
    due_at: datetime | None
    live: LiveSession | None


class CohortView(WireModel):
    id: uuid.UUID
    course_id: uuid.UUID
    title: str
    starts_at: datetime
    timezone: str
    enrollment_closes_at: datetime
    late_join_until: datetime
    capacity: int | None
    seats_left: int | None
    state: JoinState
    weeks: list[CohortWeekView] = Field(default_factory=list)


class CalendarLink(WireModel):
    """A student's own link to the cohort's calendar (subscribe to it in any calendar app)."""

    url: str


class PrerequisitesPut(WireModel):
    lesson_ids: Annotated[list[uuid.UUID], Field(max_length=MAX_PREREQUISITES)]


class ProgramCreate(WireModel):
    title: Title
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    course_ids: Annotated[list[uuid.UUID], Field(min_length=2, max_length=20)]


class ProgramView(WireModel):
    id: uuid.UUID
    title: str
    description: str
    course_ids: list[uuid.UUID]


class CertificateFacts(WireModel):
    """GET /certificates/{id}: what anyone may check about a certificate."""

    id: uuid.UUID
    number: str
    kind: str  # "course" or "program"
    student_name: str
    title: str
    issued_at: datetime
    revoked_at: datetime | None
    valid: bool
    verify_url: str


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


# ------------------------------------------------------------------ sync mutations


class SaveCohortArgs(CohortSettings):
    """`schedule.save_cohort@1`: creates the cohort, or replaces its settings (REST's PATCH
    fills in the fields it leaves out). Made offline, the laptop chose the id."""

    cohort_id: uuid.UUID
    course_id: uuid.UUID


class SetWeekArgs(WeekPut):
    """`schedule.set_week@1`."""

    cohort_id: uuid.UUID
    number: Annotated[int, Field(ge=1, le=MAX_WEEKS)]


class SetPrerequisitesArgs(PrerequisitesPut):
    """`authoring.set_prerequisites@1`: the lessons that must be complete before this one."""

    lesson_id: uuid.UUID


class CreateProgramArgs(ProgramCreate):
    """`admin.create_program@1`."""

    program_id: uuid.UUID


class LessonBody(WireModel):
    """GET /lessons/{id}: a lesson whole, for whoever may open it now (403 `not_released` or
    `locked` until then)."""

    id: uuid.UUID
    course_id: uuid.UUID
    section_id: uuid.UUID
    title: str
    lesson_type: str
    content: str
    video_asset_id: uuid.UUID | None
    duration_seconds: int | None
