"""Handing in an assignment and grading it, through both doors: who may, what is checked, and
what each side sees afterwards."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import EnrollmentStatus, ProgressStatus
from lmsdesk_server.db.models import Enrollment, Lesson, LessonProgress
from tests.server.community.helpers import Crowd
from tests.server.grading.helpers import ASSIGNMENT, grade, hand_in, upload_pdf
from tests.server.sync.helpers import PAID, Device, rows

RUBRIC = {"Tables and keys": 7, "Indexes": 5, "Merging explained": 4}


def _lesson(session: Session) -> Lesson:
    lesson = session.get(Lesson, ASSIGNMENT)
    assert lesson is not None
    return lesson


def test_work_handed_in_reaches_the_instructor_and_only_its_student(crowd: Crowd) -> None:
    handed = hand_in(crowd.student, text="CREATE TABLE notes (id TEXT PRIMARY KEY);")
    assert handed.status_code == 201, handed.text
    work = handed.json()
    assert (work["status"], work["number"], work["is_late"]) == ("submitted", 1, False)
    everything = crowd.instructor.ok("GET", f"/assignments/{ASSIGNMENT}/submissions")
    assert work["id"] in {s["id"] for s in everything["items"]}
    assert {s["student_name"] for s in everything["items"]} >= {"Sam Student"}
    own = crowd.classmate.ok("GET", f"/assignments/{ASSIGNMENT}/submissions")
    assert own["items"] == []  # a classmate never sees another student's work
    assert crowd.outsider.call("GET", f"/assignments/{ASSIGNMENT}/submissions").status_code == 403
    pulled = rows(crowd.student.device.pull_all(), "assignment_submissions")
    assert pulled[work["id"]]["text"].startswith("CREATE TABLE")
    classmate_rows = rows(crowd.classmate.device.pull_all(), "assignment_submissions")
    assert work["id"] not in classmate_rows


def test_only_enrolled_students_hand_in_and_a_refund_keeps_the_work(
    crowd: Crowd, session: Session
) -> None:
    refused = hand_in(crowd.outsider)
    assert refused.status_code == 403
    assert "enrolled" in refused.json()["error"]["message"]
    assert hand_in(crowd.instructor).status_code == 403
    kept = hand_in(crowd.student).json()
    enrollment = session.query(Enrollment).filter_by(student_id=crowd.student.id, course_id=PAID)
    enrollment.one().status = EnrollmentStatus.REFUNDED
    session.flush()
    after = hand_in(crowd.student)
    assert after.status_code == 403
    assert "kept" in after.json()["error"]["message"]
    listed = crowd.instructor.ok("GET", f"/assignments/{ASSIGNMENT}/submissions")["items"]
    assert kept["id"] in {s["id"] for s in listed}


def test_kinds_lateness_and_resubmission_follow_the_instructors_choice(
    crowd: Crowd, session: Session
) -> None:
    lesson = _lesson(session)
    lesson.submission_kinds = ["file"]
    session.flush()
    wrong = hand_in(crowd.student, text="Just text")
    assert wrong.status_code == 422
    assert "takes a file, not text" in wrong.json()["error"]["message"]
    lesson.submission_kinds = ["text", "link"]
    lesson.due_at = datetime.now(UTC) - timedelta(hours=1)
    lesson.accept_late = False
    session.flush()
    late = hand_in(crowd.student)
    assert (late.status_code, late.json()["error"]["code"]) == (409, "past_due")
    lesson.accept_late = True
    lesson.allow_resubmission = False
    session.flush()
    accepted = hand_in(crowd.student, url="https://example.com/work")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["is_late"] is True
    again = hand_in(crowd.student)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_submitted")
    lesson.allow_resubmission = True
    session.flush()
    assert hand_in(crowd.student).json()["number"] == 2


def test_a_submission_sent_twice_is_one_submission(crowd: Crowd) -> None:
    submission = str(uuid.uuid4())
    first = hand_in(crowd.student, submission_id=submission, text="Once")
    second = hand_in(crowd.student, submission_id=submission, text="Once")
    assert first.status_code == 201
    assert second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    listed = crowd.student.ok("GET", f"/assignments/{ASSIGNMENT}/submissions")
    assert listed["total"] == 1
    taken = hand_in(crowd.classmate, submission_id=submission, text="Mine now")
    assert taken.status_code == 409


def test_a_file_is_handed_in_once_uploaded_and_read_only_by_its_instructor(crowd: Crowd) -> None:
    unfinished = upload_pdf(crowd.student, finish=False)
    waiting = hand_in(crowd.student, file_asset_id=unfinished)
    assert (waiting.status_code, waiting.json()["error"]["code"]) == (409, "file_not_ready")
    asset = upload_pdf(crowd.student)
    assert hand_in(crowd.classmate, file_asset_id=asset).status_code == 422  # not theirs
    work = hand_in(crowd.student, file_asset_id=asset)
    assert work.status_code == 201, work.text
    assert crowd.instructor.call("POST", f"/media/{asset}/link").status_code == 200
    assert crowd.classmate.call("POST", f"/media/{asset}/link").status_code == 403
    listed = crowd.instructor.ok("GET", "/instructor/grading?status=ungraded")["items"]
    mine = next(i for i in listed if i["id"] == work.json()["id"])
    assert mine["file_name"] == "schema.pdf"
    # A student uploads documents, never course videos.
    video = crowd.student.call(
        "POST",
        "/media",
        {"asset_id": str(uuid.uuid4()), "filename": "a.mp4", "mime_type": "video/mp4",
         "size_bytes": 10, "sha256": "0" * 64},
    )  # fmt: skip
    assert video.status_code == 403


def test_the_instructor_grades_by_rubric_and_a_pass_completes_the_lesson(
    crowd: Crowd, session: Session
) -> None:
    work = hand_in(crowd.student).json()
    assert grade(crowd.student, work["id"], score=20).status_code == 403
    assert grade(crowd.outsider, work["id"], score=20).status_code == 403
    too_many = grade(crowd.instructor, work["id"], rubric_scores={**RUBRIC, "Indexes": 7})
    assert too_many.status_code == 422
    assert "at most 6" in too_many.json()["error"]["message"]
    missing = grade(crowd.instructor, work["id"], rubric_scores={"Indexes": 5})
    assert missing.status_code == 422
    over = grade(crowd.instructor, work["id"], score=21)
    assert over.status_code == 422  # the assignment's maximum is 20
    given = grade(crowd.instructor, work["id"], rubric_scores=RUBRIC, feedback="**Good** keys.")
    assert given.status_code == 200, given.text
    assert (given.json()["status"], given.json()["score"]) == ("graded", 16)
    pulled = rows(crowd.student.device.pull_all(), "assignment_submissions")[work["id"]]
    assert (pulled["status"], pulled["feedback"]) == ("graded", "**Good** keys.")
    session.expire_all()
    done = session.query(LessonProgress).filter_by(
        student_id=crowd.student.id, lesson_id=ASSIGNMENT
    )
    assert done.one().status is ProgressStatus.COMPLETED
    # A lower grade later changes the grade, never the completion.
    lower = grade(crowd.instructor, work["id"], rubric_scores=dict.fromkeys(RUBRIC, 1))
    assert lower.json()["score"] == 3
    session.expire_all()
    assert done.one().status is ProgressStatus.COMPLETED


def test_a_grade_below_the_pass_mark_leaves_the_lesson_open(crowd: Crowd, session: Session) -> None:
    work = hand_in(crowd.student).json()
    assert grade(crowd.instructor, work["id"], score=11).status_code == 200  # pass mark 12
    session.expire_all()
    progress = session.query(LessonProgress).filter_by(
        student_id=crowd.student.id, lesson_id=ASSIGNMENT
    )
    assert progress.one_or_none() is None or progress.one().status is not ProgressStatus.COMPLETED


def test_a_student_cannot_complete_an_assignment_by_saying_so(crowd: Crowd) -> None:
    device = crowd.student.device
    result = device.push(
        device.mutation(
            m.COMPLETE_LESSON,
            lesson_id=ASSIGNMENT,
            completed_at=datetime.now(UTC).isoformat(),
            reset_generation=0,
        )
    )["results"][0]
    assert result["status"] == "rejected"
    assert "graded" in result["reason"]


def test_two_devices_grading_offline_keep_the_grade_given_last(crowd: Crowd) -> None:
    work = hand_in(crowd.student).json()
    laptop = crowd.instructor.device
    # The desktop graded a second later (its clock, as its HLC records it).
    desktop = Device(crowd.instructor.client, crowd.instructor.token, clock_offset_ms=1000)
    earlier = laptop.mutation(m.GRADE_SUBMISSION, submission_id=work["id"], score=18, feedback="")
    later = desktop.mutation(m.GRADE_SUBMISSION, submission_id=work["id"], score=9, feedback="")
    assert later["hlc"] > earlier["hlc"]
    assert desktop.push(later)["results"][0]["status"] == "applied"
    assert laptop.push(earlier)["results"][0]["status"] == "merged"  # arrived last, given first
    listed = crowd.instructor.ok("GET", f"/assignments/{ASSIGNMENT}/submissions")["items"]
    assert next(s for s in listed if s["id"] == work["id"])["score"] == 9


def test_the_gradebook_lists_students_by_graded_item_and_exports_csv(crowd: Crowd) -> None:
    work = hand_in(crowd.student).json()
    book = crowd.instructor.ok("GET", f"/instructor/courses/{PAID}/gradebook")
    kinds = {c["title"]: c["kind"] for c in book["columns"]}
    assert kinds["Assignment: design a schema"] == "assignment"
    assert "quiz" in kinds.values()
    sam = next(r for r in book["rows"] if r["student_name"] == "Sam Student")
    assert str(ASSIGNMENT) in sam["pending"]
    grade(crowd.instructor, work["id"], score=15)
    crowd.student.ok("PATCH", "/me", {"full_name": "=HYPERLINK(1)"})
    exported = crowd.instructor.call("GET", f"/instructor/courses/{PAID}/gradebook?format=csv")
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(exported.text)))
    assert table[0][:2] == ["Student", "Email"]
    column = table[0].index("Assignment: design a schema (/20)")
    sam_row = next(r for r in table if r[0] == "'=HYPERLINK(1)")  # stays text in a spreadsheet
    assert sam_row[column] == "15"
    assert crowd.student.call("GET", f"/instructor/courses/{PAID}/gradebook").status_code == 403
    assert crowd.outsider.call("GET", f"/instructor/courses/{PAID}/gradebook").status_code == 403


def test_the_grading_inbox_comes_a_page_at_a_time_waiting_work_first(crowd: Crowd) -> None:
    first = hand_in(crowd.student).json()
    second = hand_in(crowd.classmate).json()
    grade(crowd.instructor, first["id"], score=12)
    page = crowd.instructor.ok("GET", "/instructor/grading?limit=1&offset=0")
    assert page["total"] >= 3  # the two here and the demo's waiting submission (and so on)
    assert len(page["items"]) == 1
    assert page["items"][0]["status"] == "submitted"  # waiting work first, oldest first
    everything = crowd.instructor.ok("GET", "/instructor/grading?limit=200")["items"]
    statuses = [item["status"] for item in everything]
    assert statuses == sorted(statuses, key=lambda s: s != "submitted")
    assert {first["id"], second["id"]} <= {item["id"] for item in everything}
    only_waiting = crowd.instructor.ok("GET", "/instructor/grading?status=ungraded")["items"]
    assert first["id"] not in {item["id"] for item in only_waiting}
