"""Programs (DESIGN.md section 11.4): a set of courses an admin names; a student holding a
valid certificate of every one of them is issued a program certificate, signed like a course's.

Issued in the transaction that issued the last course certificate, whichever door the
completion came by; revoked when one of its course certificates is (a refund), and valid again
when that one is.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.certificates import certificate_payload
from lmsdesk.contracts.schedule import CreateProgramArgs, ProgramView
from lmsdesk_server.db.models import Program, ProgramCertificate
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, user_partition
from lmsdesk_server.db.serialize import row_dict
from lmsdesk_server.mutation import MutationContext, MutationMerged, MutationRejected
from lmsdesk_server.schedule.repository import ScheduleRepository
from lmsdesk_server.security.certificate_keys import SESSION_SIGNER, CertificateSigner


def create_program(ctx: MutationContext, args: CreateProgramArgs) -> dict[str, object]:
    if not ctx.actor.has_admin():
        raise MutationRejected("Only admins define programs.")
    repo = ScheduleRepository(ctx.session)
    existing = repo.program(args.program_id)
    if existing is not None:
        raise MutationMerged("The program exists already.", row_dict(existing))
    wanted = list(dict.fromkeys(args.course_ids))
    if len(wanted) < 2:
        raise MutationRejected("A program holds at least two courses.", status=422)
    found = {c.id for c in repo.approved_courses(wanted)}
    if len(found) != len(wanted):
        raise MutationRejected(
            "Every course of a program must be published.", status=422, code="bad_course"
        )
    program = Program(
        id=args.program_id,
        title=args.title,
        description=args.description,
        course_ids=[str(c) for c in wanted],
        created_by=ctx.actor.id,
        created_at=ctx.now,
    )
    ctx.session.add(program)
    stamp(ctx.session, program, CATALOG_PARTITION)
    ctx.session.flush()
    return row_dict(program)


def view(program: Program) -> ProgramView:
    return ProgramView(
        id=program.id,
        title=program.title,
        description=program.description,
        course_ids=[uuid.UUID(c) for c in program.course_ids],
    )


def follow_course_certificates(
    session: Session, student_id: uuid.UUID, course_id: uuid.UUID, signer: CertificateSigner | None
) -> None:
    """A course certificate of the student was issued, revoked or restored: their program
    certificates follow (issued once every course of a program is certified, also when a
    restored one completes it: the session's signer signs it then)."""
    repo = ScheduleRepository(session)
    now = datetime.now(UTC)
    signer = signer or session.info.get(SESSION_SIGNER)
    for program in repo.programs_with(course_id):
        courses = [uuid.UUID(c) for c in program.course_ids]
        complete = repo.valid_course_certificates(student_id, courses) == set(courses)
        held = repo.program_certificate_of(student_id, program.id, lock=True)
        if held is None:
            if complete and signer is not None:
                _issue(session, student_id, program, signer, now)
            continue
        revoked = None if complete else (held.revoked_at or now)
        if revoked != held.revoked_at:
            held.revoked_at = revoked
            stamp(session, held, user_partition(student_id))


def _issue(
    session: Session,
    student_id: uuid.UUID,
    program: Program,
    signer: CertificateSigner,
    now: datetime,
) -> None:
    number = f"LMS-P{now:%Y}-{secrets.token_hex(5).upper()}"
    certificate = ProgramCertificate(
        student_id=student_id,
        program_id=program.id,
        certificate_number=number,
        issued_at=now,
        signature=signer.sign(certificate_payload(number, student_id, program.id, now)),
    )
    session.add(certificate)
    stamp(session, certificate, user_partition(student_id))
    session.flush()
