"""Signing in, silent resume, offline start and sign-out, against the real server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.services.session import SessionService, SignInFailed, normalise_server_url
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.auth_session import AuthSession
from lmsdesk.sync.token_store import KeyringTokenStore, TokenStore
from tests.fakes import MemoryKeyring
from tests.support.live_server import PASSWORD, LiveServer, dead_url

ServiceFactory = Callable[..., SessionService]


@pytest.fixture
def http() -> httpx.Client:
    client = httpx.Client(timeout=5)
    yield client  # type: ignore[misc]
    client.close()


@pytest.fixture
def make_service(
    tmp_path: Path, http: httpx.Client, memory_keyring: MemoryKeyring
) -> ServiceFactory:
    """A new SessionService on the same data dir and keyring: one app start each."""

    def build(*, reachable: bool = True) -> SessionService:
        def api_for(url: str) -> ApiClient:
            return ApiClient(url if reachable else dead_url(), http)

        tokens: TokenStore = KeyringTokenStore(memory_keyring)
        return SessionService(
            data_dir=tmp_path / "client",
            api_for=api_for,
            token_store=lambda: tokens,
            device_name="test laptop",
        )

    return build


def test_sign_in_opens_a_store_and_keeps_the_token_out_of_it(
    live_server: LiveServer, make_service: ServiceFactory, memory_keyring: MemoryKeyring
) -> None:
    email = live_server.create_user(Role.STUDENT, Role.INSTRUCTOR, name="Sam")
    service = make_service()
    snapshot = service.sign_in(live_server.url, email.upper(), PASSWORD)

    assert snapshot.online
    assert snapshot.profile.email == email
    assert snapshot.profile.full_name == "Sam"
    assert snapshot.profile.roles == {Role.STUDENT, Role.INSTRUCTOR}
    assert service.store is not None
    assert service.store.path.exists()

    (refresh_token,) = memory_keyring.passwords.values()
    database_bytes = b"".join(
        path.read_bytes() for path in service.store.path.parent.glob("lmsdesk.sqlite3*")
    )
    assert refresh_token.encode() not in database_bytes
    assert PASSWORD.encode() not in database_bytes


def test_wrong_password_is_explained_and_stores_nothing(
    live_server: LiveServer, make_service: ServiceFactory, memory_keyring: MemoryKeyring
) -> None:
    email = live_server.create_user(Role.STUDENT)
    service = make_service()
    with pytest.raises(SignInFailed) as failure:
        service.sign_in(live_server.url, email, "not the password")
    assert failure.value.field == "password"
    assert "email or password is not correct" in failure.value.message
    assert memory_keyring.passwords == {}
    assert service.current is None


def test_unreachable_server_is_explained(make_service: ServiceFactory) -> None:
    url = dead_url()
    with pytest.raises(SignInFailed, match="Cannot reach the server") as failure:
        make_service().sign_in(url, "a@example.com", "whatever")
    assert failure.value.field == "server"
    assert url in failure.value.message


@pytest.mark.parametrize("raw", ["", "   ", "ftp://x", "http://"])
def test_bad_server_addresses_are_refused(raw: str) -> None:
    with pytest.raises(SignInFailed):
        normalise_server_url(raw)


def test_server_address_without_scheme_gets_http() -> None:
    assert normalise_server_url(" 127.0.0.1:8765/ ") == "http://127.0.0.1:8765"


def test_next_start_signs_in_silently(
    live_server: LiveServer, make_service: ServiceFactory
) -> None:
    email = live_server.create_user(Role.ADMIN)
    make_service().sign_in(live_server.url, email, PASSWORD)

    snapshot = make_service().resume()
    assert snapshot is not None
    assert snapshot.online
    assert snapshot.profile.email == email
    assert snapshot.profile.has(Role.ADMIN)


def test_offline_start_opens_the_last_account_from_sqlite(
    live_server: LiveServer, make_service: ServiceFactory, memory_keyring: MemoryKeyring
) -> None:
    email = live_server.create_user(Role.STUDENT, name="Offline Olive")
    make_service().sign_in(live_server.url, email, PASSWORD)
    token_before = dict(memory_keyring.passwords)

    offline = make_service(reachable=False).resume()
    assert offline is not None
    assert not offline.online
    assert offline.profile.full_name == "Offline Olive"
    assert offline.last_online_at is not None
    # Being offline must not cost the user their sign-in.
    assert memory_keyring.passwords == token_before


def test_reconnecting_after_an_offline_start_completes_the_sign_in(
    live_server: LiveServer, make_service: ServiceFactory, http: httpx.Client
) -> None:
    email = live_server.create_user(Role.STUDENT)
    make_service().sign_in(live_server.url, email, PASSWORD)
    service = make_service(reachable=False)
    assert service.resume() is not None
    # The network comes back: the service's own ApiClient points at the live server again.
    service._auth.api = ApiClient(live_server.url, http)  # type: ignore[union-attr]
    snapshot = service.check_connection()
    assert snapshot is not None
    assert snapshot.online


def test_sign_out_forgets_the_token_but_remembers_the_email(
    live_server: LiveServer,
    make_service: ServiceFactory,
    memory_keyring: MemoryKeyring,
    http: httpx.Client,
) -> None:
    email = live_server.create_user(Role.STUDENT)
    service = make_service()
    service.sign_in(live_server.url, email, PASSWORD)
    (refresh_token,) = memory_keyring.passwords.values()

    service.sign_out()
    assert memory_keyring.passwords == {}
    assert service.current is None
    restarted = make_service()
    assert restarted.resume() is None
    remembered = restarted.remembered_account()
    assert remembered is not None
    assert remembered.email == email
    # The server ended the session too: the old token is worthless.
    with pytest.raises(Exception, match="Sign in again"):
        ApiClient(live_server.url, http).refresh(refresh_token)


def test_a_session_ended_by_the_server_asks_for_sign_in(
    live_server: LiveServer, make_service: ServiceFactory, memory_keyring: MemoryKeyring
) -> None:
    email = live_server.create_user(Role.STUDENT)
    make_service().sign_in(live_server.url, email, PASSWORD)
    (key,) = memory_keyring.passwords
    memory_keyring.passwords[key] = "revoked-or-stolen-token-xxxxxxxxxxxx"
    assert make_service().resume() is None
    assert memory_keyring.passwords == {}


def test_concurrent_expiry_refreshes_once(
    live_server: LiveServer, http: httpx.Client, memory_keyring: MemoryKeyring
) -> None:
    """Two workers whose access token expired at once must not both rotate the refresh token:
    the server would take the second rotation for a stolen token and end the sign-in."""
    email = live_server.create_user(Role.STUDENT)
    api = ApiClient(live_server.url, http)
    auth = AuthSession(api, KeyringTokenStore(memory_keyring), "key")
    auth.start(api.login(email, PASSWORD, device_name="t"))
    auth._access_token = "expired.or.garbage"  # what an expired token looks like to the server
    results: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(auth.call(api.me).email)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [email] * 4
    assert api.me(auth._access_token or "").email == email  # the family is still alive


def test_a_refresh_whose_answer_was_lost_does_not_sign_the_user_out(
    live_server: LiveServer,
    make_service: ServiceFactory,
    memory_keyring: MemoryKeyring,
    http: httpx.Client,
) -> None:
    """The server rotated the token, the laptop never heard (the connection dropped, the app was
    killed): at the next start it presents the old token again and carries on signed in."""
    email = live_server.create_user(Role.STUDENT)
    make_service().sign_in(live_server.url, email, PASSWORD)
    (key,) = memory_keyring.passwords
    held = memory_keyring.passwords[key]
    ApiClient(live_server.url, http).refresh(held)  # the answer that never arrived

    snapshot = make_service().resume()
    assert snapshot is not None
    assert snapshot.online
    assert memory_keyring.passwords[key] != held, "the successor replaced the old token"
