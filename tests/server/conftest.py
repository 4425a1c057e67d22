"""Real PostgreSQL for server tests: one embedded server per test session, migrated once; every
test runs inside a transaction that is rolled back (Polar's tests/fixtures/database.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts.common import Role
from lmsdesk_server.commerce.service.webhooks import PaymentWebhooks
from lmsdesk_server.config import ServerSettings
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.migrate import upgrade_to_head
from lmsdesk_server.db.models import User
from lmsdesk_server.mail.transport import FolderTransport
from lmsdesk_server.main import create_app
from lmsdesk_server.media.service.access import LinkSigner, link_key
from lmsdesk_server.payments.provider import ProviderUnavailable
from lmsdesk_server.payments.test_provider import TestProvider
from lmsdesk_server.schedule.service.calendar import CalendarLinks, calendar_key
from lmsdesk_server.security.certificate_keys import CertificateSigner, new_certificate_key_pem
from lmsdesk_server.security.rate_limit import LoginThrottle
from lmsdesk_server.security.return_links import ReturnLinks, return_link_key
from lmsdesk_server.security.secret_box import SecretBox
from lmsdesk_server.security.tokens import AccessTokens
from lmsdesk_server.storage import MediaStore
from lmsdesk_server.storage.filesystem import FileStore
from lmsdesk_server.sync.service.cursor import CursorCodec, cursor_key
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.sync.helpers import API, Device, DeviceFactory, seed_into
from tests.support.postgres import PostgresForTests
from tests.support.server_keys import TEST_JWT_SECRET, TEST_WEBHOOK_SECRET


@pytest.fixture(scope="session")
def migrated_engine(postgres: PostgresForTests) -> Iterator[Engine]:
    url = postgres.fresh_database("lmsdesk_test")
    upgrade_to_head(url)
    engine = create_engine(url)
    yield engine
    engine.dispose()


@dataclass(frozen=True)
class SeededDatabase:
    engine: Engine
    media: Path  # the demo's media files, as the seeder stored them


@pytest.fixture(scope="session")
def seeded_database(
    postgres: PostgresForTests, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededDatabase]:
    """A second database with the demo data, seeded once per test process: seeding took 2.5 s,
    and a third of the server tests want it (before, each seeded inside its own transaction)."""
    url = postgres.fresh_database("lmsdesk_test_seeded")
    upgrade_to_head(url)
    engine = create_engine(url)
    media = tmp_path_factory.mktemp("seeded-media")
    with Session(engine) as session, session.begin():
        seed_into(session, FileStore(media))
    yield SeededDatabase(engine, media)
    engine.dispose()


@pytest.fixture
def test_engine(request: pytest.FixtureRequest, migrated_engine: Engine) -> Engine:
    """The database a test's transaction runs in: the seeded one when it asks for `seeded`
    (itself or through a fixture), else the empty one."""
    if "seeded" in request.fixturenames:
        database: SeededDatabase = request.getfixturevalue("seeded_database")
        return database.engine
    return migrated_engine


@pytest.fixture
def connection(test_engine: Engine) -> Iterator[Connection]:
    with test_engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # Each request's commit releases a savepoint; the outer transaction is rolled back at the end.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as s:
        yield s


@pytest.fixture
def media_store(tmp_path: Path) -> MediaStore:
    """Where the `context` server keeps media; modules that test both stores override it."""
    return FileStore(tmp_path / "server-data" / "media")


@pytest.fixture
def context(
    test_engine: Engine,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    media_store: MediaStore,
) -> ServerContext:
    settings = ServerSettings(
        database_url=test_engine.url.render_as_string(hide_password=False),
        server_data_dir=tmp_path / "server-data",
        jwt_secret=SecretStr(TEST_JWT_SECRET),
    )
    provider = TestProvider(
        session_factory,
        public_url="http://testserver",
        webhook_secret=TEST_WEBHOOK_SECRET,
        deliver=lambda body, signature: _deliver_inline(provider, body, signature),
        send_later=lambda send: send(),
    )
    return ServerContext(
        settings=settings,
        engine=test_engine,
        session_factory=session_factory,
        access_tokens=AccessTokens(TEST_JWT_SECRET, timedelta(minutes=15)),
        throttle=LoginThrottle(session_factory, max_failures=5, window_seconds=300),
        webhook_secret=TEST_WEBHOOK_SECRET,
        cursor_codec=CursorCodec(cursor_key(TEST_JWT_SECRET)),
        payments=provider,
        media_links=LinkSigner(link_key(TEST_JWT_SECRET)),
        calendar_links=CalendarLinks(calendar_key(TEST_JWT_SECRET)),
        certificates=CertificateSigner.from_pem(new_certificate_key_pem()),
        return_links=ReturnLinks(return_link_key(TEST_JWT_SECRET)),
        secret_box=SecretBox("test mfa key"),
        mail=FolderTransport(tmp_path / "server-data" / "outbox"),
        media=media_store,
    )


def _deliver_inline(provider: TestProvider, body: bytes, signature: str) -> None:
    """The test provider's webhook delivery, without HTTP: the same service the endpoint runs."""
    answer = PaymentWebhooks(provider.session_factory, provider, TEST_WEBHOOK_SECRET).receive(
        body, signature
    )
    if answer.status_code != 200:
        raise ProviderUnavailable(f"webhook answered {answer.status_code}: {answer.detail}")


@pytest.fixture
def client(context: ServerContext) -> Iterator[TestClient]:
    with TestClient(create_app(context)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def racing_context(
    postgres: PostgresForTests,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[ServerContext]:
    """A server on a database of the module's own where every transaction really commits, with
    the demo data: for races between concurrent requests, which the rolled-back fixtures above
    (one connection, one outer transaction) cannot have."""
    name = "race_" + request.module.__name__.rsplit(".", 1)[-1]
    url = postgres.fresh_database(name[:60])
    upgrade_to_head(url)
    data_dir = tmp_path_factory.mktemp(name)
    settings = ServerSettings(
        database_url=url,
        server_data_dir=data_dir,
        jwt_secret=SecretStr(TEST_JWT_SECRET),
        stripe_webhook_secret=SecretStr(TEST_WEBHOOK_SECRET),
    )
    context = ServerContext.build(settings, url)
    from lmsdesk_server.db.engine import transaction
    from lmsdesk_server.demo.seed import DemoSeeder
    from lmsdesk_server.resources import resources_dir

    with transaction(context.session_factory) as session:
        DemoSeeder(session, resources=resources_dir(), store=context.media).run()
    yield context
    context.engine.dispose()


@pytest.fixture
def seeded(seeded_database: SeededDatabase, tmp_path: Path) -> None:
    """The demo data (the test's transaction runs in `seeded_database`, see `test_engine`), its
    media where the `context` server keeps media (linked, not copied)."""
    shutil.copytree(
        seeded_database.media,
        tmp_path / "server-data" / "media",
        copy_function=os.link,
        dirs_exist_ok=True,
    )


@pytest.fixture
def device_for(client: TestClient) -> DeviceFactory:
    def make(user: User, **fields: object) -> Device:
        response = client.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200, response.text
        return Device(client, response.json()["access_token"], **fields)  # type: ignore[arg-type]

    return make


@pytest.fixture
def student(session: Session) -> User:
    return make_user(session, roles=(Role.STUDENT,))


@pytest.fixture
def instructor(session: Session) -> User:
    return make_user(session, roles=(Role.INSTRUCTOR,), full_name="Ada Instructor")


@pytest.fixture
def other_instructor(session: Session) -> User:
    return make_user(session, roles=(Role.INSTRUCTOR,), full_name="Other Instructor")
