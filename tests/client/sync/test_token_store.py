"""The refresh token goes to the OS keyring; without one, to a file only the user can read."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from lmsdesk.sync.token_store import (
    KeyringTokenStore,
    PrivateFileTokenStore,
    default_token_store,
)
from tests.fakes import MemoryKeyring


def test_keyring_store_saves_loads_and_forgets(memory_keyring: MemoryKeyring) -> None:
    store = default_token_store(Path("/nonexistent"))
    assert isinstance(store, KeyringTokenStore)
    assert store.is_os_keyring
    store.save("http://s|u1", "refresh-1")
    assert memory_keyring.passwords == {("lmsdesk", "http://s|u1"): "refresh-1"}
    assert store.load("http://s|u1") == "refresh-1"
    store.delete("http://s|u1")
    store.delete("http://s|u1")  # twice is fine
    assert store.load("http://s|u1") is None


def test_without_a_keyring_a_private_file_is_used_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.backends.fail.Keyring())
    folder = tmp_path / "credentials"
    store = default_token_store(folder)
    assert isinstance(store, PrivateFileTokenStore)
    assert not store.is_os_keyring
    assert "no system keyring" in store.description

    store.save("http://s|u1", "refresh-secret")
    files = list(folder.iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "u1" not in files[0].name  # the file name does not reveal the account
    assert store.load("http://s|u1") == "refresh-secret"
    store.delete("http://s|u1")
    assert store.load("http://s|u1") is None


def test_a_plaintext_keyrings_alt_backend_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    monkeypatch.setattr(keyring, "get_keyring", lambda: plaintext())
    assert isinstance(default_token_store(tmp_path), PrivateFileTokenStore)
