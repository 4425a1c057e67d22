"""Secrets stay secret (DESIGN.md section 7): a whole flow (sign in, buy, sync, sign out) with
every logger of client and server at debug level, and not one log line, nor the local SQLite
store, holds a password, a token or the webhook secret."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk_server.demo.seed import demo_id
from tests.fakes import MemoryKeyring
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.network import CuttableLink

PAID = demo_id("course:practical-sqlite")


def test_no_secret_reaches_a_log_line_or_the_local_store(
    caplog: pytest.LogCaptureFixture,
    live_server: LiveServer,
    link: CuttableLink,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, client and server (same process), all threads
    email = live_server.create_user(Role.STUDENT)
    with httpx.Client(timeout=10) as http:
        service = SessionService(
            data_dir=tmp_path / "client",
            api_for=lambda url: ApiClient(url, http),
            token_store=lambda: KeyringTokenStore(memory_keyring),
        )
        service.sign_in(link.url, email, PASSWORD)
        purchases, sync = PurchaseService(service), SyncService(service)
        sync.sync()
        pending = purchases.start([PAID], "Practical SQLite", "19.99 USD")
        live_server.pay(pending.url)
        assert purchases.check(pending.order_id).enrollment_active
        sync.sync()
        access = service.api_call(lambda _api, token: token)
        stored = list(memory_keyring.passwords.values())
        store = service.store
        assert store is not None
        files = [p for p in store.path.parent.iterdir() if p.name.startswith(store.path.name)]
        contents = {p.name: p.read_bytes() for p in files}  # the WAL goes at close: read now
        service.sign_out()
        contents[store.path.name + " (closed)"] = store.path.read_bytes()

    settings = live_server.context.settings
    secrets = {
        "the password": PASSWORD,
        "the access token": access,
        "the webhook secret": live_server.context.webhook_secret,
        "the JWT secret": settings.jwt_secret.get_secret_value(),
        **{f"a stored token ({n})": value for n, value in enumerate(stored)},
    }
    assert stored
    assert all(len(value) >= 16 for value in secrets.values())
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert len(caplog.records) > 20  # the flow was logged, at debug level
    for name, value in secrets.items():
        assert value not in logged, f"{name} is in the logs"
        for file, data in contents.items():
            assert value.encode() not in data, f"{name} is in {file}"
