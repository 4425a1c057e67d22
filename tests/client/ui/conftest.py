from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lmsdesk.app import Application, build, show_start_window, take_over
from lmsdesk.config import ClientSettings
from lmsdesk.player.vlc_player import create_instance
from lmsdesk.sync.token_store import KeyringTokenStore
from lmsdesk.ui.start_window import StartWindow
from tests.fakes import MemoryKeyring
from tests.support.ui import AppFactory


@pytest.fixture
def start_app(qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[AppFactory]:
    """Start the client as `lmsdesk` does; call again for the next start on the same machine."""
    started: list[Application] = []

    def start(server_url: str, start_window: StartWindow | None = None) -> Application:
        data_dir = tmp_path / "client-data"
        # As app.main: the stored catalog first (a test may have opened it to look at it).
        first = start_window or show_start_window(data_dir)
        settings = ClientSettings(data_dir=data_dir, server_url=server_url)
        app = build(
            settings,
            token_store_factory=lambda: KeyringTokenStore(memory_keyring),
            player_instance=lambda: create_instance(headless=True),
        )
        qtbot.addWidget(app.window)
        take_over(app.window, first)
        app.controller.start()
        started.append(app)
        return app

    yield start
    for app in started:
        app.window.close()
        app.shutdown()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where rendered screens go: $LMSDESK_SCREENSHOT_DIR to look at them, else a tmp folder."""
    folder = Path(os.environ.get("LMSDESK_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
