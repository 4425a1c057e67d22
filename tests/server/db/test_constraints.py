"""The database itself refuses bad rows, whatever code path writes them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Enum, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentSource, EnrollmentStatus
from lmsdesk_server.db.base import Base
from lmsdesk_server.db.models import CourseRating, Enrollment
from tests.factories import make_course, make_user


def _violates(session: Session, statement: str, params: dict[str, object]) -> str:
    with pytest.raises(IntegrityError) as caught, session.begin_nested():
        session.execute(text(statement), params)
    return str(caught.value.orig)


def test_email_is_unique_case_insensitively(session: Session) -> None:
    make_user(session, email="sam@example.com")
    with pytest.raises(IntegrityError, match="uq_users_email_lower"), session.begin_nested():
        make_user(session, email="Sam@Example.COM")


def test_one_enrollment_per_student_and_course(session: Session) -> None:
    student = make_user(session)
    course = make_course(session, instructor=make_user(session))

    def enrol() -> None:
        session.add(
            Enrollment(
                student_id=student.id,
                course_id=course.id,
                status=EnrollmentStatus.ACTIVE,
                source=EnrollmentSource.FREE,
                sync_partition=f"user:{student.id}",
                sync_version=1,
            )
        )
        session.flush()

    enrol()
    with (
        pytest.raises(IntegrityError, match="uq_enrollments_student_id_course_id"),
        session.begin_nested(),
    ):
        enrol()


@pytest.mark.parametrize(("rating", "accepted"), [(0, False), (1, True), (5, True), (6, False)])
def test_rating_is_between_1_and_5(session: Session, rating: int, accepted: bool) -> None:
    course = make_course(session, instructor=make_user(session))
    row = CourseRating(
        course_id=course.id,
        student_id=make_user(session).id,
        rating=rating,
        sync_partition=f"course:{course.id}",
        sync_version=1,
    )
    session.add(row)
    if accepted:
        session.flush()
        return
    with pytest.raises(IntegrityError, match="rating_range"), session.begin_nested():
        session.flush()


def test_price_cannot_be_negative(session: Session) -> None:
    course = make_course(session, instructor=make_user(session))
    message = _violates(
        session, "UPDATE courses SET price_cents = -1 WHERE id = :id", {"id": course.id}
    )
    assert "price_non_negative" in message


def test_currency_must_be_an_iso_code(session: Session) -> None:
    course = make_course(session, instructor=make_user(session))
    message = _violates(
        session, "UPDATE courses SET currency = 'usd' WHERE id = :id", {"id": course.id}
    )
    assert "currency_iso" in message


def _status_columns() -> list[tuple[str, str, list[str]]]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                found.append((table.name, column.name, list(column.type.enums)))
    return found


STATUS_COLUMNS = _status_columns()


def test_every_status_column_is_found() -> None:
    names = {f"{t}.{c}" for t, c, _ in STATUS_COLUMNS}
    assert {
        "courses.status",
        "courses.level",
        "lessons.lesson_type",
        "enrollments.status",
        "enrollments.source",
        "orders.status",
        "orders.provider",
        "media_assets.status",
        "lesson_progress.status",
        "moderation_reviews.decision",
        "quiz_questions.question_type",
        "user_roles.role",
        "lesson_resources.kind",
        "mutation_results.status",
        "payment_events.provider",
    } <= names


@pytest.mark.parametrize(
    ("table", "column", "allowed"), STATUS_COLUMNS, ids=[f"{t}.{c}" for t, c, _ in STATUS_COLUMNS]
)
def test_every_status_column_refuses_unknown_values(
    session: Session, table: str, column: str, allowed: list[str]
) -> None:
    """A CHECK constraint on the column itself: updating any row to a bogus value fails. The
    probe runs on the catalog, which names the constraint, so no table needs a row."""
    constraint = (
        session.execute(
            text(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid "
                "WHERE t.relname = :table AND c.contype = 'c' "
                "AND pg_get_constraintdef(c.oid) LIKE :pattern"
            ),
            {"table": table, "pattern": f"%{column}%"},
        )
        .scalars()
        .all()
    )
    assert constraint, f"no CHECK constraint on {table}.{column}"
    definition = " ".join(constraint)
    for value in allowed:
        assert f"'{value}'" in definition
    assert "'bogus'" not in definition


def test_status_check_really_rejects_a_bad_value(session: Session) -> None:
    """The end-to-end proof for one status column: PostgreSQL refuses the row."""
    course = make_course(session, instructor=make_user(session))
    message = _violates(
        session, "UPDATE courses SET status = 'published' WHERE id = :id", {"id": course.id}
    )
    assert "course_status" in message


def test_prerequisite_cannot_reference_itself(session: Session) -> None:
    lesson_id = uuid.uuid4()
    message = _violates(
        session,
        "INSERT INTO lesson_prerequisites (lesson_id, prerequisite_lesson_id, sync_partition, "
        "sync_version) VALUES (:id, :id, 'x', 1)",
        {"id": lesson_id},
    )
    assert "not_self" in message


def test_rejection_needs_feedback(session: Session) -> None:
    admin = make_user(session)
    course = make_course(session, instructor=make_user(session))
    message = _violates(
        session,
        "INSERT INTO moderation_reviews (id, course_id, course_version, reviewer_id, decision, "
        "feedback, created_at, sync_partition, sync_version) "
        "VALUES (:id, :course, 1, :admin, 'rejected', '  ', :now, 'moderation', 1)",
        {"id": uuid.uuid4(), "course": course.id, "admin": admin.id, "now": datetime.now(UTC)},
    )
    assert "reject_needs_feedback" in message
