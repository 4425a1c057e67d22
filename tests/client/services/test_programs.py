"""Programs on laptops: an admin defines one offline from the console; a student who holds the
certificates of its courses is issued the program's certificate by the server, and their
laptop shows it, verified offline against the server's key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk.contracts.ids import progress_id
from lmsdesk.services.admin_console import AdminConsole, AdminProblem
from lmsdesk.services.certificates import CertificateService
from lmsdesk.services.learning import LearningService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.certificates.service import issue_if_complete
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import LessonProgress, Program, ProgramCertificate
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.demo.content import DEMO_PASSWORD
from tests.support.cohorts import CohortCourse
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401  (publishes courses: its own)


def _sync(laptop: Laptop) -> None:
    outcome = SyncService(laptop.service).sync()
    assert outcome.status is SyncStatus.IDLE, outcome
    assert outcome.failed == 0, SyncService(laptop.service).overview()


def _finish(live_server: LiveServer, email: str, course: CohortCourse) -> None:
    """The student completes every lesson (as if synced): the certificate follows."""
    with transaction(live_server.context.session_factory) as db:
        student = UserRepository(db).by_email(email)
        assert student is not None
        for lesson in course.lessons:
            row = LessonProgress(
                id=progress_id(student.id, lesson),
                student_id=student.id,
                lesson_id=lesson,
                status=ProgressStatus.COMPLETED,
                completed_at=datetime.now(UTC),
            )
            stamp(db, row, user_partition(student.id))
            db.add(row)
        db.flush()
        issued = issue_if_complete(db, student.id, course.id, live_server.context.certificates)
        assert issued is not None


def test_a_program_defined_offline_certifies_a_student_who_completes_it(
    live_server: LiveServer, laptops: Callable[[str], Laptop], link: CuttableLink
) -> None:
    first, second = CohortCourse(live_server), CohortCourse(live_server)
    admin = laptops("admin")
    admin.service.sign_in(link.url, "admin@example.com", DEMO_PASSWORD)
    _sync(admin)
    console = AdminConsole(admin.service)
    with pytest.raises(AdminProblem, match="at least two"):
        console.create_program("Lonely", [first.id])
    link.cut()
    console.create_program("Indexes, twice", [first.id, second.id])
    assert [p.title for p in console.programs() if p.title == "Indexes, twice"] == [
        "Indexes, twice"
    ]
    link.restore()
    _sync(admin)
    with live_server.context.session_factory() as db:
        program = db.scalars(select(Program).where(Program.title == "Indexes, twice")).one()

    email = live_server.create_user(Role.STUDENT, name="Pat Program")
    for course in (first, second):
        live_server.enroll(email, course.id)
    student = laptops("student")
    student.sign_in(email)
    _finish(live_server, email, first)
    _sync(student)
    [halfway] = [p for p in LearningService(student.service).programs() if p.id == program.id]
    assert (halfway.done, halfway.total, halfway.certificate) == (1, 2, None)

    _finish(live_server, email, second)
    with live_server.context.session_factory() as db:
        assert db.scalars(
            select(ProgramCertificate).where(ProgramCertificate.program_id == program.id)
        ).one()
    _sync(student)
    assert CertificateService(student.service).remember_key()
    [done] = [p for p in LearningService(student.service).programs() if p.id == program.id]
    assert (done.done, done.total) == (2, 2)
    assert done.certificate is not None
    assert done.certificate.verified is True
    assert done.certificate.verify_url.endswith(
        "/verify/" + str(_certificate_id(live_server, program.id))
    )


def _certificate_id(live_server: LiveServer, program_id: object) -> object:
    with live_server.context.session_factory() as db:
        return db.scalars(
            select(ProgramCertificate.id).where(ProgramCertificate.program_id == program_id)
        ).one()
