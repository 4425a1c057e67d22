"""`lmsdesk-server migrate | create-user | seed-demo` against a database URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentSource
from lmsdesk.contracts.subscriptions import SubscriptionStatus
from lmsdesk_server.cli import main
from lmsdesk_server.db.models import (
    Coupon,
    Course,
    Enrollment,
    Lesson,
    QuizQuestion,
    Subscription,
    User,
    UserRole,
)
from lmsdesk_server.demo.activity import LEARNERS
from lmsdesk_server.security.passwords import verify_password
from tests.support.postgres import PostgresForTests
from tests.support.schema import DESIGN_TABLES


@pytest.fixture
def cli_database(
    postgres: PostgresForTests, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> str:
    url = postgres.fresh_database("lmsdesk_cli")
    monkeypatch.setenv("LMSDESK_DATABASE_URL", url)
    monkeypatch.setenv("LMSDESK_SERVER_DATA_DIR", str(tmp_path / "server-data"))
    return url


def _count(url: str, model: type) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_migrate_against_a_url_creates_every_table(cli_database: str) -> None:
    assert main(["migrate"]) == 0
    engine = create_engine(cli_database)
    try:
        assert set(inspect(engine).get_table_names()) >= DESIGN_TABLES
    finally:
        engine.dispose()


def test_create_user_with_roles(
    cli_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LMSDESK_NEW_USER_PASSWORD", "a good long password")
    assert (
        main(
            [
                "create-user",
                "--email",
                "Teach@Example.com",
                "--role",
                "instructor",
                "--role",
                "admin",
                "--name",
                "Teacher",
            ]
        )
        == 0
    )
    assert "teach@example.com" in capsys.readouterr().out
    engine = create_engine(cli_database)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User)).one()
            assert verify_password(user.password_hash, "a good long password")
            roles = session.scalars(select(UserRole.role).where(UserRole.user_id == user.id))
            assert sorted(r.value for r in roles) == ["admin", "instructor"]
    finally:
        engine.dispose()

    # The same email again, in another case, is refused and adds nothing.
    assert main(["create-user", "--email", "TEACH@example.com", "--role", "student"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert _count(cli_database, User) == 1


@pytest.mark.usefixtures("cli_database")
def test_create_user_refuses_a_short_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LMSDESK_NEW_USER_PASSWORD", "short")
    assert main(["create-user", "--email", "x@example.com", "--role", "student"]) == 2
    assert "password" in capsys.readouterr().err


def test_seed_demo_is_idempotent(cli_database: str, tmp_path: Path) -> None:
    assert main(["seed-demo"]) == 0
    counts = {m: _count(cli_database, m) for m in (User, Course, Lesson, QuizQuestion)}
    # The three to sign in as, a suspended and an unconfirmed one, and the learners whose
    # ninety days of activity fill Insights (demo/activity.py).
    assert counts[User] == 5 + LEARNERS
    assert counts[Course] == 6
    assert main(["seed-demo"]) == 0
    assert {m: _count(cli_database, m) for m in counts} == counts

    engine = create_engine(cli_database)
    try:
        with Session(engine) as session:
            statuses = sorted(c.status.value for c in session.scalars(select(Course)))
            assert statuses == ["approved", "approved", "approved", "archived", "draft", "pending"]
            prices = {c.slug: c.price_cents for c in session.scalars(select(Course))}
            assert prices["offline-first-basics"] == 0
            assert prices["practical-sqlite"] > 0
            kinds = {lesson.lesson_type.value for lesson in session.scalars(select(Lesson))}
            assert kinds == {"video", "text", "quiz", "assignment"}
            # The storefront: a sale, two coupons, and a learner on the all-access plan.
            sale = session.scalars(select(Course).where(Course.slug == "sync-engines")).one()
            assert sale.sale_price_cents == 1499
            codes = sorted(c.code for c in session.scalars(select(Coupon)))
            assert codes == ["SQLITE5", "WELCOME20"]
            [plan] = session.scalars(select(Subscription)).all()
            assert plan.status is SubscriptionStatus.ACTIVE
            from_plan = session.scalars(
                select(Enrollment.course_id).where(
                    Enrollment.student_id == plan.student_id,
                    Enrollment.source == EnrollmentSource.SUBSCRIPTION,
                )
            ).all()
            assert sale.id in from_plan
    finally:
        engine.dispose()
    media = sorted(p.name for p in (tmp_path / "server-data" / "media").iterdir())
    # The video and its subtitles, stored by sha256, and the instructor's picture (once).
    assert len(media) == 3
    assert "avatars" in media
