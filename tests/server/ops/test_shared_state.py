"""Several server processes on one PostgreSQL behave as one (DESIGN.md section 12): the login
throttle is counted in the database, and keys nobody configured are generated once and shared.

Each "process" here is a ServerContext of its own (its own engine, pool and app), built from the
same settings an operator would give three processes.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from lmsdesk_server.config import ServerSettings
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.migrate import upgrade_to_head
from lmsdesk_server.db.models import ServerSecret
from lmsdesk_server.main import create_app
from lmsdesk_server.security.tokens import InvalidAccessToken
from tests.support.postgres import PostgresForTests

API = "/api/v1"
PASSWORD = "a long demo password"


@pytest.fixture(scope="module")
def database(postgres: PostgresForTests) -> str:
    url = postgres.fresh_database("shared_state")
    upgrade_to_head(url)
    return url


def _servers(url: str, data_dirs: list[Path], **settings: object) -> list[ServerContext]:
    """One context per data dir, none with configured secrets: each must find the shared ones."""
    return [
        ServerContext.build(
            ServerSettings(database_url=url, server_data_dir=d, **settings),  # type: ignore[arg-type]
            url,
        )
        for d in data_dirs
    ]


@pytest.fixture(scope="module")
def three(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[TestClient]]:
    contexts = _servers(database, [tmp_path_factory.mktemp(f"host{i}") for i in range(3)])
    clients = [TestClient(create_app(c), client=("203.0.113.7", 5000)) for c in contexts]
    for c in clients:
        c.__enter__()
    register = clients[0].post(
        f"{API}/auth/register",
        json={"email": "many@example.com", "password": PASSWORD, "full_name": "Many"},
    )
    assert register.status_code == 201, register.text
    yield clients
    for client, context in zip(clients, contexts, strict=True):
        client.__exit__(None, None, None)
        context.engine.dispose()


def _login(client: TestClient, password: str, email: str = "many@example.com") -> int:
    return client.post(f"{API}/auth/login", json={"email": email, "password": password}).status_code


def test_a_token_from_one_server_is_accepted_by_the_others(three: list[TestClient]) -> None:
    token = (
        three[0]
        .post(f"{API}/auth/login", json={"email": "many@example.com", "password": PASSWORD})
        .json()["access_token"]
    )
    for client in three:
        me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text


def test_every_server_publishes_the_same_certificate_key(three: list[TestClient]) -> None:
    keys = {c.get(f"{API}/certificates/public-key").json()["public_key"] for c in three}
    assert len(keys) == 1


def test_wrong_passwords_sent_at_once_to_three_servers_are_counted_together(
    three: list[TestClient],
) -> None:
    """30 guesses at the same moment, 10 to each server: the window allows 10 in all, not 10 on
    each, and the right password is refused too until the window passes."""
    outcomes: Counter[int] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(30)

    def guess(client: TestClient) -> None:
        start.wait()
        status = _login(client, "wrong guess")
        with lock:
            outcomes[status] += 1

    threads = [threading.Thread(target=guess, args=(three[i % 3],)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == Counter({401: 10, 429: 20})
    assert all(_login(client, PASSWORD) == 429 for client in three)


def test_generated_secrets_are_made_once_by_processes_starting_together(
    postgres: PostgresForTests, tmp_path: Path
) -> None:
    url = postgres.fresh_database("secrets_race")
    upgrade_to_head(url)
    built: list[ServerContext] = []
    start = threading.Barrier(4)

    def boot(i: int) -> None:
        start.wait()
        built.extend(_servers(url, [tmp_path / f"host{i}"]))

    threads = [threading.Thread(target=boot, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 4
    assert len({c.certificates.public_key.public_key for c in built}) == 1
    assert len({c.webhook_secret for c in built}) == 1
    token = built[0].access_tokens.issue(uuid.uuid4(), uuid.uuid4())  # signed by one...
    assert built[3].access_tokens.verify(token)  # ...read by another
    for context in built:
        context.engine.dispose()


def test_a_secret_kept_in_the_data_dir_by_an_older_version_is_adopted(
    postgres: PostgresForTests, tmp_path: Path
) -> None:
    """Upgrading must not sign everyone out: the file's JWT secret becomes the shared one."""
    url = postgres.fresh_database("secrets_legacy")
    upgrade_to_head(url)
    (tmp_path / "old" / "secrets").mkdir(parents=True)
    old_secret = "the-old-secret-of-this-box-kept-in-a-file-0123"
    (tmp_path / "old" / "secrets" / "jwt_secret").write_text(old_secret + "\n")
    (context,) = _servers(url, [tmp_path / "old"])
    (other,) = _servers(url, [tmp_path / "new"])
    with transaction(context.session_factory) as session:
        stored = session.scalar(select(ServerSecret.value).where(ServerSecret.name == "jwt_secret"))
    assert stored == old_secret
    token = context.access_tokens.issue(uuid.uuid4(), uuid.uuid4())
    assert other.access_tokens.verify(token)
    for c in (context, other):
        c.engine.dispose()


def test_a_configured_secret_wins_over_the_stored_one(database: str, tmp_path: Path) -> None:
    (context,) = _servers(database, [tmp_path], jwt_secret=SecretStr("x" * 40))
    (stored,) = _servers(database, [tmp_path])
    token = context.access_tokens.issue(uuid.uuid4(), uuid.uuid4())
    with pytest.raises(InvalidAccessToken):
        stored.access_tokens.verify(token)
    assert context.webhook_secret == stored.webhook_secret  # not configured: shared
    for c in (context, stored):
        c.engine.dispose()
