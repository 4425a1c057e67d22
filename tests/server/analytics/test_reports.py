"""The reports over REST: an instructor sees their own courses only, the funnel shows where
students stop, the admin's overview sums the platform; JSON or CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk_server.analytics.service.daily import recompute_day
from lmsdesk_server.demo.seed import demo_id
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.analytics.helpers import complete, paid_order, sqlite_answers, view
from tests.server.community.helpers import Crowd, Person
from tests.server.sync.helpers import API, PAID, PAID_QUIZ, PAID_TEXT

PAID_QUIZ_LESSON = demo_id("practical-sqlite:quiz")


def _activity(session: Session, crowd: Crowd) -> None:
    for person in (crowd.student, crowd.classmate, crowd.outsider):
        person.device.push(view(person.device, PAID))
    crowd.student.device.push(complete(crowd.student.device, PAID_TEXT))
    crowd.student.device.push(complete(crowd.student.device, PAID_QUIZ_LESSON))
    crowd.classmate.device.push(complete(crowd.classmate.device, PAID_TEXT))
    for person, right in ((crowd.student, True), (crowd.classmate, False)):
        person.device.push(
            person.device.mutation(
                m.SUBMIT_ATTEMPT,
                attempt_id=uuid.uuid4(),
                quiz_id=PAID_QUIZ,
                started_at=datetime.now(UTC).isoformat(),
                submitted_at=datetime.now(UTC).isoformat(),
                answers=sqlite_answers(right=right),
            )
        )
    paid_order(session, crowd.student.id, PAID, 2500)
    recompute_day(session, datetime.now(UTC).date())


def test_an_instructor_reads_their_course_as_json_and_csv(session: Session, crowd: Crowd) -> None:
    _activity(session, crowd)
    today = datetime.now(UTC).date()
    week = f"from={today - timedelta(days=6)}&to={today}"
    report = crowd.instructor.ok("GET", f"/instructor/metrics?course_id={PAID}&{week}")
    assert report["title"] == "Practical SQLite"
    assert len(report["days"]) == 7  # every day, the empty ones too
    assert report["days"][-1]["detail_views"] == 3
    totals = report["totals"]
    assert totals["detail_views"] == 3
    assert totals["revenue_cents"] == 2500
    assert totals["active_students"] == 2
    assert report["computed_at"] is not None
    everything = crowd.instructor.ok("GET", f"/instructor/metrics?{week}")
    assert everything["course_id"] is None
    assert everything["totals"]["revenue_cents"] >= 2500
    answer = crowd.instructor.call("GET", f"/instructor/metrics?course_id={PAID}&{week}&format=csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 7
    assert rows[-1]["revenue_USD"] == "25.00"
    assert rows[-1]["detail_views"] == "3"


def test_the_funnel_shows_where_students_stop_and_the_hardest_question(
    session: Session, crowd: Crowd
) -> None:
    _activity(session, crowd)
    funnel = crowd.instructor.ok("GET", f"/instructor/courses/{PAID}/funnel")
    lessons = {row["lesson_id"]: row for row in funnel["lessons"]}
    text, quiz = lessons[str(PAID_TEXT)], lessons[str(PAID_QUIZ_LESSON)]
    assert (text["started"], text["completed"]) == (2, 2)
    assert (quiz["started"], quiz["completed"]) == (1, 1)
    # The classmate got no further than the text lesson; the student reached the quiz.
    assert text["dropped"] == 1
    assert quiz["dropped"] == 1
    hardest = funnel["questions"][0]
    assert hardest["answers"] == 2
    assert hardest["percent_correct"] == 50.0  # the classmate got the first question wrong
    assert funnel["enrolled"] >= 2


def test_nobody_reads_another_instructors_course(
    session: Session, crowd: Crowd, client: TestClient
) -> None:
    other = make_user(session, roles=(Role.INSTRUCTOR,))
    session.flush()
    token = client.post(
        f"{API}/auth/login", json={"email": other.email, "password": DEFAULT_PASSWORD}
    ).json()["access_token"]
    stranger = Person(client, token, other.id, crowd.outsider.device)
    # Another instructor's course is as if it did not exist.
    assert stranger.call("GET", f"/instructor/metrics?course_id={PAID}").status_code == 404
    assert stranger.call("GET", f"/instructor/courses/{PAID}/funnel").status_code == 404
    own = stranger.ok("GET", "/instructor/metrics")
    assert own["totals"]["revenue_cents"] == 0
    for person in (crowd.student, crowd.outsider):
        assert person.call("GET", f"/instructor/metrics?course_id={PAID}").status_code == 403
    # An admin is not this course's instructor: the overview is theirs, not this report.
    assert crowd.admin.call("GET", f"/instructor/courses/{PAID}/funnel").status_code == 403


def test_bad_ranges_are_refused_clearly(crowd: Crowd) -> None:
    backwards = crowd.instructor.call("GET", "/instructor/metrics?from=2026-02-01&to=2026-01-01")
    assert backwards.status_code == 422
    assert backwards.json()["error"]["code"] == "bad_range"
    long = crowd.admin.call("GET", "/admin/metrics?from=2020-01-01&to=2026-01-01")
    assert long.status_code == 422
    assert "at most" in long.json()["error"]["message"]


def test_the_admin_overview_sums_the_platform(session: Session, crowd: Crowd) -> None:
    _activity(session, crowd)
    report = crowd.admin.ok("GET", "/admin/metrics")
    assert len(report["days"]) == 30
    totals = report["totals"]
    assert totals["revenue_cents"] >= 2500
    assert totals["viewers"] == 3
    # The crowd's students were enrolled before they looked; the outsider never bought.
    assert totals["converted"] == 0
    assert totals["new_users"] >= 5
    assert report["top_courses"][0]["title"] == "Practical SQLite"
    assert crowd.instructor.call("GET", "/admin/metrics").status_code == 403
    answer = crowd.admin.call("GET", "/admin/metrics?format=csv")
    assert answer.text.splitlines()[0].startswith("day,revenue_USD,orders")
