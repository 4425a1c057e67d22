"""Where the refresh token lives: the OS keyring, or, where none exists, a file only the user
can read. The access token is never stored; nothing here ever reaches SQLite or a log."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path
from typing import Protocol

import keyring
import keyring.backend
import keyring.errors

_log = logging.getLogger(__name__)

SERVICE = "lmsdesk"


class TokenStore(Protocol):
    #: Shown on the Account page: where the sign-in is kept.
    description: str
    #: False when the fallback file is used, so the UI can say so plainly.
    is_os_keyring: bool

    def load(self, account_key: str) -> str | None: ...
    def save(self, account_key: str, token: str) -> None: ...
    def delete(self, account_key: str) -> None: ...


class KeyringTokenStore:
    is_os_keyring = True

    def __init__(self, backend: keyring.backend.KeyringBackend) -> None:
        self._backend = backend
        self.description = f"the system keyring ({backend.name})"

    def load(self, account_key: str) -> str | None:
        return self._backend.get_password(SERVICE, account_key)

    def save(self, account_key: str, token: str) -> None:
        self._backend.set_password(SERVICE, account_key, token)

    def delete(self, account_key: str) -> None:
        # Already gone is fine: signing out twice must not fail.
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self._backend.delete_password(SERVICE, account_key)


class PrivateFileTokenStore:
    """One 0600 file per account in a 0700 folder, replaced atomically."""

    is_os_keyring = False

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self.description = f"a private file in {folder} (no system keyring was found)"

    def _path(self, account_key: str) -> Path:
        return self._folder / hashlib.sha256(account_key.encode()).hexdigest()[:32]

    def load(self, account_key: str) -> str | None:
        try:
            return self._path(account_key).read_text().strip() or None
        except FileNotFoundError:
            return None

    def save(self, account_key: str, token: str) -> None:
        self._folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self._folder, 0o700)
        target = self._path(account_key)
        temporary = target.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)

    def delete(self, account_key: str) -> None:
        self._path(account_key).unlink(missing_ok=True)


def _usable_backend() -> keyring.backend.KeyringBackend | None:
    backend = keyring.get_keyring()
    module = type(backend).__module__
    # keyring's "fail" backend means none exists; keyrings.alt's plaintext backends are not a
    # secure store and would silently become the default if installed.
    if module.startswith(("keyring.backends.fail", "keyrings.alt")):
        return None
    if module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
        return None
    return backend


def default_token_store(fallback_folder: Path) -> TokenStore:
    """Chosen once at start-up, on a worker thread (probing D-Bus can take a moment)."""
    backend = _usable_backend()
    if backend is None:
        _log.warning("no system keyring available; using a private file instead")
        return PrivateFileTokenStore(fallback_folder)
    return KeyringTokenStore(backend)
