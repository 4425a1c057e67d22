"""Client tests: a signed-in student's services against the live server, through a cuttable link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.token_store import KeyringTokenStore
from tests.fakes import MemoryKeyring
from tests.support.laptop import Laptop
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.network import CuttableLink


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def laptops(tmp_path: Path, link: CuttableLink, http: httpx.Client) -> Callable[[str], Laptop]:
    """Installations of the client by name ("laptop", "desktop"), each with its own data."""
    return lambda name: Laptop(tmp_path / name, link, http)


@pytest.fixture
def student(
    live_server: LiveServer,
    link: CuttableLink,
    tmp_path: Path,
    http: httpx.Client,
    memory_keyring: MemoryKeyring,
) -> Iterator[SessionService]:
    tokens = KeyringTokenStore(memory_keyring)
    service = SessionService(
        data_dir=tmp_path / "client",
        api_for=lambda url: ApiClient(url, http),
        token_store=lambda: tokens,
    )
    service.sign_in(link.url, live_server.create_user(Role.STUDENT), PASSWORD)
    yield service
    if service.store is not None:
        service.store.close()
