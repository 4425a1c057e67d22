"""Programs: admins define them; a student holding valid certificates of every course of one is
issued a program certificate at the moment the last one is earned; a refund of one course
revokes it, and anyone can check it (JSON and the public page)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus, ProgressStatus
from lmsdesk.contracts.ids import progress_id
from lmsdesk_server.certificates.service import issue_if_complete, verification
from lmsdesk_server.commerce.service.states import move_enrollment
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import (
    Enrollment,
    Lesson,
    LessonProgress,
    Program,
    ProgramCertificate,
    User,
)
from lmsdesk_server.db.partitions import stamp, user_partition
from tests.factories import make_user
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import DRAFT, FREE, PAID, enroll


def _program(crowd: Crowd, *courses: uuid.UUID) -> object:
    body = {"title": "Desktop data", "course_ids": [str(c) for c in courses]}
    return crowd.admin.call("POST", "/admin/programs", body)


def _finish(
    session: Session, context: ServerContext, student: uuid.UUID, course: uuid.UUID
) -> None:
    """Every lesson complete (as if synced), and the certificate check a completion runs."""
    for lesson in session.scalars(select(Lesson.id).where(Lesson.course_id == course)):
        row = LessonProgress(
            id=progress_id(student, lesson),
            student_id=student,
            lesson_id=lesson,
            status=ProgressStatus.COMPLETED,
            completed_at=datetime.now(UTC),
        )
        stamp(session, row, user_partition(student))
        session.add(row)
    session.flush()
    assert issue_if_complete(session, student, course, context.certificates) is not None


def test_only_admins_define_programs_of_published_courses(crowd: Crowd) -> None:
    body = {"title": "X", "course_ids": [str(FREE), str(PAID)]}
    for person in (crowd.student, crowd.instructor):
        assert person.call("POST", "/admin/programs", body).status_code == 403
    assert _program(crowd, FREE, PAID).status_code == 201  # type: ignore[attr-defined]
    assert _program(crowd, FREE, DRAFT).status_code == 422  # type: ignore[attr-defined]
    assert _program(crowd, FREE).status_code == 422  # type: ignore[attr-defined]
    listed = crowd.outsider.client.get("/api/v1/programs").json()
    assert [p["title"] for p in listed] == ["Desktop data"]


def test_the_last_course_certificate_brings_the_program_certificate(
    crowd: Crowd, session: Session, context: ServerContext
) -> None:
    assert _program(crowd, FREE, PAID).status_code == 201  # type: ignore[attr-defined]
    student = crowd.student.id
    user = session.get(User, student)
    assert user is not None
    enroll(session, user, FREE)
    _finish(session, context, student, FREE)
    assert session.scalars(select(ProgramCertificate)).all() == []
    _finish(session, context, student, PAID)
    held = session.scalars(select(ProgramCertificate)).one()
    facts = crowd.outsider.client.get(f"/api/v1/certificates/{held.id}").json()
    assert facts["kind"] == "program"
    assert facts["valid"] is True
    assert facts["title"] == "Desktop data"
    assert facts["verify_url"].endswith(f"/verify/{held.id}")
    page = crowd.outsider.client.get(f"/verify/{held.id}")
    assert "completed the program" in page.text
    assert "Valid" in page.text
    # A refund of one of its courses revokes it; restored access makes it valid again.
    enrollment = session.scalars(
        select(Enrollment).where(Enrollment.student_id == student, Enrollment.course_id == PAID)
    ).one()
    move_enrollment(enrollment, EnrollmentStatus.REFUNDED)
    session.flush()
    assert crowd.outsider.client.get(f"/api/v1/certificates/{held.id}").json()["valid"] is False
    assert "Revoked" in crowd.outsider.client.get(f"/verify/{held.id}").text
    move_enrollment(enrollment, EnrollmentStatus.ACTIVE)
    session.flush()
    assert crowd.outsider.client.get(f"/api/v1/certificates/{held.id}").json()["valid"] is True


def test_an_unknown_certificate_is_404(crowd: Crowd) -> None:
    answer = crowd.outsider.client.get(f"/api/v1/certificates/{uuid.uuid4()}")
    assert answer.status_code == 404


def test_a_restored_course_that_completes_a_program_brings_its_certificate(
    racing_context: ServerContext,
) -> None:
    """The last course certificate came while another course of the program was refunded (no
    program certificate then); restoring that enrollment later, by a path that signs nothing
    itself (a won dispute, an admin), issues the program's certificate in the same commit."""
    context = racing_context
    with transaction(context.session_factory) as db:
        admin = db.scalars(select(User).where(User.email == "admin@example.com")).one()
        program = Program(
            title="Both demo courses",
            course_ids=[str(FREE), str(PAID)],
            created_by=admin.id,
            sync_partition="catalog",
            sync_version=0,
        )
        student = make_user(db, full_name="Rhea Restored")
        db.add(program)
        enroll(db, student, FREE)
        paid = enroll(db, student, PAID).id
        db.flush()
        program_id, student_id = program.id, student.id
    with transaction(context.session_factory) as db:
        _finish(db, context, student_id, PAID)
    with transaction(context.session_factory) as db:
        enrollment = db.get(Enrollment, paid)
        assert enrollment is not None
        move_enrollment(enrollment, EnrollmentStatus.REFUNDED)
    with transaction(context.session_factory) as db:
        _finish(db, context, student_id, FREE)
    with transaction(context.session_factory) as db:
        assert db.scalars(select(ProgramCertificate)).all() == []
        enrollment = db.get(Enrollment, paid)
        assert enrollment is not None
        move_enrollment(enrollment, EnrollmentStatus.ACTIVE)
    with transaction(context.session_factory) as db:
        held = db.scalars(
            select(ProgramCertificate).where(ProgramCertificate.program_id == program_id)
        ).one()
        facts = verification(db, context.certificates, held.id)
        assert facts is not None
        assert (facts.kind, facts.valid) == ("program", True)
