"""The first paint's catalog (local_db/first_paint.py): read with sqlite3 alone from the store
the signed-in account left, it shows what the app's catalog shows first, and gives way (None)
whenever anything is missing or unreadable."""

from __future__ import annotations

from pathlib import Path

from lmsdesk.local_db.first_paint import account_folder, stored_catalog
from lmsdesk.services.catalog import CatalogQuery, CatalogService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService


def test_it_lists_what_the_catalog_lists_first_while_the_app_holds_the_store(
    student: SessionService, tmp_path: Path
) -> None:
    SyncService(student).sync()
    courses = CatalogService(student).search(CatalogQuery())
    shown = stored_catalog(tmp_path / "client")  # the store is open in this process too
    assert shown is not None
    assert [c.title for c in shown] == [c.title for c in courses]
    assert [c.price for c in shown] == [c.price_text for c in courses]
    # The demo's sale shows at its sale price, as in the app; a free course says so.
    assert "14.99 USD" in [c.price for c in shown]
    assert "Free" in [c.price for c in shown]
    assert all(c.instructor for c in shown)


def test_it_gives_way_on_a_first_run_or_a_damaged_store(tmp_path: Path) -> None:
    data = tmp_path / "client"
    assert stored_catalog(data) is None  # nothing here yet
    data.mkdir()
    (data / "last_account.json").write_text("{not json")
    assert stored_catalog(data) is None
    user = "6dfaea60-9c0d-48d3-9377-21f21522d600"
    (data / "last_account.json").write_text(
        f'{{"server_url": "http://127.0.0.1:1", "email": "a@example.com", "user_id": "{user}"}}'
    )
    assert stored_catalog(data) is None  # no store for that account
    store = account_folder(data, "http://127.0.0.1:1", user)
    store.mkdir(parents=True)
    (store / "lmsdesk.sqlite3").write_bytes(b"this is not a database")
    assert stored_catalog(data) is None
