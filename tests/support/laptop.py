"""One installation of the client for tests: its own data dir, keyring and link to the server."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import select

from lmsdesk.local_db.models.mirror import LessonProgress
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient
from lmsdesk.sync.engine import SyncEngine
from lmsdesk.sync.token_store import KeyringTokenStore
from tests.fakes import MemoryKeyring
from tests.support.live_server import PASSWORD
from tests.support.network import CuttableLink


class Laptop:
    """One installation of the client: its own data dir, keyring and link to the server."""

    def __init__(self, root: Path, link: CuttableLink, http: httpx.Client) -> None:
        self.link = link
        keyring = MemoryKeyring()
        self.service = SessionService(
            data_dir=root,
            api_for=lambda url: ApiClient(url, http),
            token_store=lambda: KeyringTokenStore(keyring),
            device_name=root.name,
        )

    def sign_in(self, email: str) -> SyncEngine:
        self.service.sign_in(self.link.url, email, PASSWORD)
        engine = self.service.sync_engine
        assert engine is not None
        return engine

    @property
    def engine(self) -> SyncEngine:
        assert self.service.sync_engine is not None
        return self.service.sync_engine

    def read(self, query: Callable[..., object]) -> object:
        store = self.service.store
        assert store is not None
        with store.reading() as session:
            return query(session)

    def progress(self, lesson: uuid.UUID) -> LessonProgress | None:
        return self.read(  # type: ignore[return-value]
            lambda s: s.scalars(
                select(LessonProgress).where(LessonProgress.lesson_id == lesson)
            ).one_or_none()
        )
