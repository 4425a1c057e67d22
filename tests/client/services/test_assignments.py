"""Assignments on laptops against the live server: a student hands in work with a file on a
train (offline), the upload and the submission go when the laptop is back online, and the
instructor grades it offline from the inbox kept on their laptop (the file opened from the
downloaded copy); the grade reaches the student at their next sync."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.services.assignments import AssignmentRefused, AssignmentService
from lmsdesk.services.grading import GradingProblem, GradingService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.services.uploads import UploadService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

PAID = demo_id("course:practical-sqlite")
ASSIGNMENT = demo_id("practical-sqlite:assignment")
PDF = b"%PDF-1.4\n% my schema\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
RUBRIC = {"Tables and keys": 8.0, "Indexes": 5.0, "Merging explained": 4.0}


def _sync(service: SessionService) -> None:
    outcome = SyncService(service).sync()
    assert outcome.status is SyncStatus.IDLE, outcome
    assert outcome.failed == 0, SyncService(service).overview()


@pytest.fixture
def student_laptop(live_server: LiveServer, laptops: Callable[[str], Laptop]) -> Laptop:
    email = live_server.create_user(Role.STUDENT, name=f"Tara {uuid.uuid4().hex[:6]}")
    live_server.enroll(email, PAID)
    laptop = laptops("student")
    laptop.sign_in(email)
    _sync(laptop.service)
    return laptop


@pytest.fixture
def instructor_laptop(laptops: Callable[[str], Laptop], link: CuttableLink) -> Laptop:
    laptop = laptops("instructor")
    laptop.service.sign_in(link.url, "instructor@example.com", DEMO_PASSWORD)
    _sync(laptop.service)
    return laptop


def test_handed_in_on_a_train_then_graded_offline_by_the_instructor(
    student_laptop: Laptop, instructor_laptop: Laptop, link: CuttableLink, tmp_path: Path
) -> None:
    uploads = UploadService(student_laptop.service)
    work = AssignmentService(student_laptop.service, uploads)
    shown = work.assignment(ASSIGNMENT)
    assert (shown.max_score, shown.kinds) == (20, ("text", "file", "link"))
    assert [c.name for c in shown.rubric] == list(RUBRIC)

    link.cut()  # on a train
    work.save_draft(ASSIGNMENT, text="CREATE TABLE notes (id TEXT PRIMARY KEY);")
    schema = tmp_path / "schema.pdf"
    schema.write_bytes(PDF)
    assert work.attach_file(ASSIGNMENT, schema) == "schema.pdf"
    assert work.submit(ASSIGNMENT) is False  # waits for its file
    waiting = work.assignment(ASSIGNMENT)
    assert waiting.draft.waiting_for_file
    assert waiting.submissions == ()
    with pytest.raises(AssignmentRefused, match="handed in already"):
        work.submit(ASSIGNMENT)

    link.restore()  # home again: the file goes, then the submission with it
    assert uploads.run() == 1
    _sync(student_laptop.service)
    [sent] = work.assignment(ASSIGNMENT).submissions
    assert (sent.waiting, sent.graded, sent.file_name) == (False, False, "schema.pdf")
    assert work.assignment(ASSIGNMENT).draft.text == ""  # the next piece of work starts empty

    grading = GradingService(instructor_laptop.service)
    grading.refresh()
    entry = next(e for e in grading.entries(ungraded_only=True) if e.item.id == sent.id)
    assert entry.item.file_name == "schema.pdf"
    assert grading.prefetch_files() == 1  # fetched with the inbox, while online
    assert grading.prefetch_files() == 0  # once

    link.cut()  # the instructor grades offline, from the inbox and file on the laptop
    assert grading.download(entry.item).read_bytes() == PDF
    with pytest.raises(GradingProblem, match="at most 6"):
        grading.grade(entry.item, rubric_scores={**RUBRIC, "Indexes": 7.0})
    grading.grade(entry.item, rubric_scores=RUBRIC, feedback="Good keys; index the tags too.")
    [graded] = [e for e in grading.entries() if e.item.id == sent.id]
    assert (graded.graded, graded.waiting, graded.item.score) == (True, True, 17.0)
    assert sent.id not in {e.item.id for e in grading.entries(ungraded_only=True)}

    link.restore()
    _sync(instructor_laptop.service)
    grading.refresh()
    [settled] = [e for e in grading.entries() if e.item.id == sent.id]
    assert (settled.graded, settled.waiting) == (True, False)
    _sync(student_laptop.service)
    [result] = work.assignment(ASSIGNMENT).submissions
    assert (result.graded, result.score, result.rubric_scores["Indexes"]) == (True, 17.0, 5.0)
    assert result.feedback == "Good keys; index the tags too."
    progress = student_laptop.progress(ASSIGNMENT)
    assert progress is not None
    assert progress.status == "completed"  # 17 of 20 is above the pass mark of 12


def test_text_work_handed_in_offline_waits_then_arrives(
    student_laptop: Laptop, link: CuttableLink
) -> None:
    work = AssignmentService(student_laptop.service, UploadService(student_laptop.service))
    with pytest.raises(AssignmentRefused, match="Add your work first"):
        work.submit(ASSIGNMENT)
    work.save_draft(ASSIGNMENT, url="not a link")
    with pytest.raises(AssignmentRefused, match="http"):
        work.submit(ASSIGNMENT)
    work.save_draft(ASSIGNMENT, url="", text="My answer")
    link.cut()
    assert work.submit(ASSIGNMENT) is True
    [waiting] = work.assignment(ASSIGNMENT).submissions
    assert waiting.waiting
    link.restore()
    _sync(student_laptop.service)
    [sent] = work.assignment(ASSIGNMENT).submissions
    assert (sent.waiting, sent.number, sent.text) == (False, 1, "My answer")
