"""The real server on 127.0.0.1 (uvicorn in a thread) for client tests that talk HTTP."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr

from lmsdesk.contracts.common import Role
from lmsdesk_server.accounts.service import AccountService
from lmsdesk_server.config import ServerSettings
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.migrate import upgrade_to_head
from lmsdesk_server.main import create_app
from tests.support.postgres import PostgresForTests

PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def dead_url() -> str:
    """An address where nothing listens: what an offline laptop sees."""
    return f"http://127.0.0.1:{free_port()}"


class LiveServer:
    def __init__(
        self, postgres: PostgresForTests, data_dir: Path, database: str = "lmsdesk_live"
    ) -> None:
        url = postgres.fresh_database(database)
        upgrade_to_head(url)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        settings = ServerSettings(
            public_url=self.url,
            database_url=url,
            server_data_dir=data_dir,
            jwt_secret=SecretStr("live-server-test-secret-0123456789abcdef"),
            # Many tests sign in with wrong passwords from the same address.
            login_attempts_per_window=10_000,
        )
        self.context = ServerContext.build(settings, url)
        config = uvicorn.Config(
            create_app(self.context), host="127.0.0.1", port=port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self.context.engine.dispose()

    def seed_demo(self) -> None:
        from lmsdesk_server.demo.seed import DemoSeeder
        from lmsdesk_server.resources import resources_dir

        with transaction(self.context.session_factory) as session:
            DemoSeeder(session, resources=resources_dir(), store=self.context.media).run()

    def enroll(self, email: str, course_id: uuid.UUID) -> uuid.UUID:
        """What a completed payment or a free enrolment does on the server."""
        from lmsdesk.contracts.enums import EnrollmentSource, EnrollmentStatus
        from lmsdesk_server.accounts.repository.users import UserRepository
        from lmsdesk_server.db.models import Enrollment
        from lmsdesk_server.db.partitions import stamp, user_partition

        with transaction(self.context.session_factory) as session:
            user = UserRepository(session).by_email(email)
            assert user is not None
            enrollment = Enrollment(
                student_id=user.id,
                course_id=course_id,
                status=EnrollmentStatus.ACTIVE,
                source=EnrollmentSource.FREE,
            )
            session.add(enrollment)
            stamp(session, enrollment, user_partition(user.id))
            session.flush()
            return enrollment.id

    def course_status(self, course_id: uuid.UUID | None) -> str | None:
        """The server's status of a course (None when it does not have it)."""
        from lmsdesk_server.db.models import Course

        with transaction(self.context.session_factory) as session:
            course = session.get(Course, course_id) if course_id is not None else None
            return course.status.value if course is not None else None

    def mailed_code(self, address: str) -> str:
        """The code in the newest mail to `address` (read from the server's mail queue)."""
        import re

        from sqlalchemy import select

        from lmsdesk_server.db.models import MailMessage

        with transaction(self.context.session_factory) as session:
            mail = session.scalars(
                select(MailMessage)
                .where(MailMessage.to_address == address)
                .order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
                .limit(1)
            ).one()
            found = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b", mail.text_body)
            assert found is not None, mail.text_body
            return found.group(1)

    def me(self, email: str) -> dict[str, object]:
        """The account as the server keeps it (for checking what the app saved)."""
        from lmsdesk_server.accounts.repository.users import UserRepository

        with transaction(self.context.session_factory) as session:
            user = UserRepository(session).by_email(email)
            assert user is not None
            return {
                "id": str(user.id),
                "avatar": user.avatar_asset_id,
                "full_name": user.full_name,
                "headline": user.headline,
                "timezone": user.timezone,
                "verified": user.email_verified_at is not None,
                "two_factor": user.totp_confirmed_at is not None,
            }

    def media_bytes(self, asset_id: uuid.UUID) -> bytes:
        """The bytes of an asset as the server stored them."""
        from lmsdesk_server.db.models import MediaAsset

        with transaction(self.context.session_factory) as session:
            asset = session.get(MediaAsset, asset_id)
            assert asset is not None
            return b"".join(self.context.media.read(asset.storage_key))

    def set_enrollment_status(self, enrollment_id: uuid.UUID, status: str) -> None:
        """A refund or a revocation, as the payment webhook would record it."""
        from lmsdesk.contracts.enums import EnrollmentStatus
        from lmsdesk_server.db.models import Enrollment
        from lmsdesk_server.db.partitions import stamp, user_partition

        with transaction(self.context.session_factory) as session:
            enrollment = session.get(Enrollment, enrollment_id)
            assert enrollment is not None
            enrollment.status = EnrollmentStatus(status)
            stamp(session, enrollment, user_partition(enrollment.student_id))

    def pay(self, checkout_url: str) -> None:
        """What the student's Pay click on the test checkout page does (no browser needed)."""
        response = httpx.post(f"{checkout_url}/pay", timeout=30)
        assert response.status_code == 303, response.text

    def refund(self, order_id: uuid.UUID) -> None:
        """Stripe telling the webhook that this order's payment was refunded in full."""
        from sqlalchemy import select

        from lmsdesk_server.db.models import TestCheckoutSession
        from lmsdesk_server.payments import stripe_events as ev

        with transaction(self.context.session_factory) as session:
            row = session.scalar(
                select(TestCheckoutSession).where(TestCheckoutSession.order_id == order_id)
            )
            assert row is not None
            assert row.payment_intent is not None
            charge = ev.charge(
                payment_intent=row.payment_intent,
                amount=row.amount_total,
                currency=row.currency,
                amount_refunded=row.amount_total,
            )
        body = ev.encode(ev.event(ev.CHARGE_REFUNDED, charge))
        response = httpx.post(
            f"{self.url}/api/v1/webhooks/stripe",
            content=body,
            timeout=30,
            headers={"Stripe-Signature": ev.signature_header(body, self.context.webhook_secret)},
        )
        assert response.status_code == 200, response.text

    def create_user(self, *roles: Role, password: str = PASSWORD, name: str = "Test User") -> str:
        email = f"{'-'.join(r.value for r in roles) or 'user'}-{uuid.uuid4().hex[:8]}@example.com"
        with transaction(self.context.session_factory) as session:
            AccountService(
                session,
                access_tokens=self.context.access_tokens,
                refresh_lifetime=self.context.refresh_lifetime,
                throttle=self.context.throttle,
            ).create_user(
                email=email, password=password, full_name=name, roles=set(roles), verified=True
            )
        return email
