"""Scheduling cohorts: the instructor's own published course only, one week per section by
default, weeks that keep local time across a daylight-saving change, moved weeks, and clear
refusals of bad schedules that change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.schedule import JoinState, join_state, week_release
from lmsdesk_server.db.models import Cohort
from tests.server.community.helpers import Crowd
from tests.server.schedule.helpers import INTRO, PRACTICE, cohort, iso, week
from tests.server.sync.helpers import FREE, PAID, PENDING, rows

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_new_cohort_gets_a_week_per_section_opening_weekly_at_the_start_time(
    crowd: Crowd,
) -> None:
    made = cohort(crowd.instructor, capacity=20)
    assert [w["number"] for w in made["weeks"]] == [1, 2]
    assert [w["section_ids"] for w in made["weeks"]] == [[str(INTRO)], [str(PRACTICE)]]
    starts = datetime.fromisoformat(made["starts_at"])
    opens = [datetime.fromisoformat(w["release_at"]) for w in made["weeks"]]
    assert opens[0] == starts
    assert opens[1].astimezone(BERLIN).time() == starts.astimezone(BERLIN).time()
    assert (opens[1].astimezone(BERLIN).date() - starts.astimezone(BERLIN).date()).days == 7
    assert made["seats_left"] == 20
    assert made["state"] == "open"
    closes = datetime.fromisoformat(made["enrollment_closes_at"])
    assert starts - closes == timedelta(hours=48)


def test_weeks_across_a_daylight_saving_change_open_at_the_same_local_time() -> None:
    # Berlin moves from CET (UTC+1) to CEST (UTC+2) on 29 March 2026.
    starts = datetime(2026, 3, 16, 9, 0, tzinfo=BERLIN)
    opens = [week_release(starts.astimezone(UTC), "Europe/Berlin", n) for n in (1, 2, 3)]
    assert [o.astimezone(BERLIN).strftime("%d %H:%M") for o in opens] == [
        "16 09:00",
        "23 09:00",
        "30 09:00",
    ]
    assert [o.hour for o in opens] == [8, 8, 7]  # in UTC the third is an hour earlier


def test_a_cohort_across_the_change_is_scheduled_in_local_time_by_the_server(
    crowd: Crowd,
) -> None:
    # Autumn: CEST ends on 25 October 2026; a cohort starting the Monday before.
    starts = datetime(2026, 10, 19, 9, 0, tzinfo=BERLIN)
    made = crowd.instructor.ok(
        "POST",
        f"/authoring/courses/{PAID}/cohorts",
        {"title": "Autumn", "starts_at": iso(starts), "timezone": "Europe/Berlin"},
        status=201,
    )
    second = datetime.fromisoformat(made["weeks"][1]["release_at"])
    assert second.astimezone(BERLIN) == datetime(2026, 10, 26, 9, 0, tzinfo=BERLIN)
    assert second.astimezone(UTC).hour == 8  # 07:00 UTC the week before


def test_only_the_course_instructor_schedules_and_only_a_published_course(
    crowd: Crowd, session: Session
) -> None:
    body = {"title": "X", "starts_at": iso(datetime.now(UTC)), "timezone": "UTC"}
    for person in (crowd.student, crowd.outsider):
        answer = person.call("POST", f"/authoring/courses/{PAID}/cohorts", body)
        assert answer.status_code == 403, answer.text
    pending = crowd.instructor.call("POST", f"/authoring/courses/{PENDING}/cohorts", body)
    assert pending.status_code == 409
    assert "published" in pending.json()["error"]["message"]
    assert session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_bad_schedules_are_refused_with_a_reason_and_change_nothing(crowd: Crowd) -> None:
    made = cohort(crowd.instructor)
    bad_zone = crowd.instructor.call(
        "POST",
        f"/authoring/courses/{PAID}/cohorts",
        {"title": "X", "starts_at": iso(datetime.now(UTC)), "timezone": "Mars/Olympus"},
    )
    assert bad_zone.status_code == 422
    assert "time zone" in bad_zone.text
    opens = datetime.fromisoformat(made["weeks"][0]["release_at"])
    early = week(crowd.instructor, made["id"], 1, release_at=iso(opens), due_at=iso(opens))
    assert early.status_code == 422
    assert "due before" in early.text
    foreign = week(crowd.instructor, made["id"], 1, section_ids=[str(FREE)])
    assert foreign.status_code == 422
    live = {"title": "Q&A", "starts_at": iso(opens), "ends_at": iso(opens - timedelta(hours=1))}
    backwards = week(crowd.instructor, made["id"], 2, live=live)
    assert backwards.status_code == 422
    after = crowd.instructor.ok("GET", f"/authoring/cohorts/{made['id']}")
    assert after["weeks"] == made["weeks"]


def test_putting_a_section_in_a_week_takes_it_out_of_the_other(crowd: Crowd) -> None:
    made = cohort(crowd.instructor)
    opens = datetime.fromisoformat(made["weeks"][0]["release_at"])
    live = {
        "title": "Live Q&A",
        "starts_at": iso(opens + timedelta(days=2)),
        "ends_at": iso(opens + timedelta(days=2, hours=1)),
        "url": "https://meet.example.com/q",
    }
    answer = week(
        crowd.instructor,
        made["id"],
        1,
        section_ids=[str(INTRO), str(PRACTICE)],
        due_at=iso(opens + timedelta(days=6)),
        live=live,
    )
    assert answer.status_code == 200, answer.text
    weeks = answer.json()["weeks"]
    assert weeks[0]["section_ids"] == [str(INTRO), str(PRACTICE)]
    assert weeks[1]["section_ids"] == []
    assert weeks[0]["live"]["url"] == "https://meet.example.com/q"


def test_a_new_start_moves_every_week_and_keeps_a_weeks_own_shift(crowd: Crowd) -> None:
    made = cohort(crowd.instructor)
    first = datetime.fromisoformat(made["weeks"][1]["release_at"])
    shifted = first + timedelta(hours=3)
    week(crowd.instructor, made["id"], 2, section_ids=[str(PRACTICE)], release_at=iso(shifted))
    new_start = datetime.fromisoformat(made["starts_at"]) + timedelta(days=7)
    moved = crowd.instructor.ok(
        "PATCH", f"/authoring/cohorts/{made['id']}", {"starts_at": iso(new_start)}
    )
    assert datetime.fromisoformat(moved["weeks"][0]["release_at"]) == new_start
    assert datetime.fromisoformat(moved["weeks"][1]["release_at"]) == shifted + timedelta(days=7)


def test_the_public_list_shows_joinable_cohorts_without_join_links(crowd: Crowd) -> None:
    made = cohort(crowd.instructor, capacity=5)
    opens = datetime.fromisoformat(made["weeks"][0]["release_at"])
    live = {"title": "Q&A", "starts_at": iso(opens), "ends_at": iso(opens + timedelta(hours=1))}
    week(
        crowd.instructor,
        made["id"],
        1,
        section_ids=[str(INTRO)],
        live={**live, "url": "https://x.example/j"},
    )
    cohort(crowd.instructor, starts_in=timedelta(days=-30), title="Long gone")
    listed = crowd.outsider.client.get(f"/api/v1/catalog/courses/{PAID}/cohorts").json()
    assert [c["title"] for c in listed] == ["Spring cohort"]
    assert listed[0]["weeks"][0]["live"]["url"] == ""
    assert listed[0]["seats_left"] == 5


def test_join_state_follows_the_window() -> None:
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    assert join_state(start - timedelta(hours=49), start, 48, 7, None) is JoinState.OPEN
    assert join_state(start - timedelta(hours=47), start, 48, 7, None) is JoinState.LATE
    assert join_state(start + timedelta(days=6), start, 48, 7, 3) is JoinState.LATE
    assert join_state(start + timedelta(days=7), start, 48, 7, 3) is JoinState.CLOSED
    assert join_state(start - timedelta(hours=47), start, 48, 0, None) is JoinState.CLOSED
    assert join_state(start - timedelta(days=9), start, 48, 7, 0) is JoinState.FULL


def test_every_laptop_gets_the_schedule_and_only_students_the_join_link(crowd: Crowd) -> None:
    made = cohort(crowd.instructor)
    opens = datetime.fromisoformat(made["weeks"][0]["release_at"])
    live = {
        "title": "Q&A",
        "starts_at": iso(opens),
        "ends_at": iso(opens + timedelta(hours=1)),
        "url": "https://meet.example.com/j",
    }
    week(crowd.instructor, made["id"], 1, section_ids=[str(INTRO)], live=live)
    for person, link in ((crowd.student, "https://meet.example.com/j"), (crowd.outsider, "")):
        pages = person.device.pull_all()
        assert rows(pages, "cohorts")[made["id"]]["title"] == "Spring cohort"
        weeks = {w["number"]: w for w in rows(pages, "cohort_weeks").values()}
        assert weeks[1]["live_url"] == link
        assert weeks[1]["section_ids"] == [str(INTRO)]
