"""Signing in and out, silently resuming at start-up, and working offline from the last account.

Every method blocks (network, keyring, SQLite): the UI calls them through its background lanes.
"""

from __future__ import annotations

import functools
import logging
import platform
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from lmsdesk.contracts.auth import Me
from lmsdesk.contracts.common import Role
from lmsdesk.local_db import outbox
from lmsdesk.local_db.accounts import (
    LastAccount,
    StoredAccount,
    ensure_replica,
    load_account,
    read_last_account,
    save_account,
    write_last_account,
)
from lmsdesk.local_db.engine import LocalStore
from lmsdesk.local_db.first_paint import account_folder
from lmsdesk.local_db.migrate import upgrade_store
from lmsdesk.local_db.offline_credentials import find_offline_credential, save_offline_credential
from lmsdesk.services.media_library import MediaLibrary
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import AuthSession, SessionEnded
from lmsdesk.sync.engine import SyncEngine
from lmsdesk.sync.token_store import TokenStore

_log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class AccountProfile:
    user_id: uuid.UUID
    email: str
    full_name: str
    roles: frozenset[Role]
    server_url: str

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class SessionSnapshot:
    """What the window shows about the session; never holds a token."""

    profile: AccountProfile
    online: bool
    token_storage: str
    os_keyring: bool
    last_online_at: datetime | None
    #: The account as the server last said (profile, verified email, two-factor); None when
    #: this session has not reached the server yet.
    account: Me | None = None

    @property
    def needs_verification(self) -> bool:
        return self.account is not None and self.account.email_verified_at is None


@dataclass(frozen=True)
class RememberedAccount:
    server_url: str
    email: str


class NotSignedIn(Exception):
    pass


class SignInFailed(Exception):
    """Sign-in did not work; `message` is written for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def looks_like_email(text: str) -> bool:
    """Someone, an @, and a domain with a dot: enough to say what was mistyped before asking the
    server (which checks the address fully)."""
    local, at, domain = text.strip().partition("@")
    return bool(local and at and "." in domain.strip(".") and " " not in text.strip())


def normalise_server_url(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise SignInFailed("Enter the server address.", field="server")
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SignInFailed(f"'{raw.strip()}' is not a server address.", field="server")
    return text.rstrip("/")


def _account_key(server_url: str, user_id: uuid.UUID) -> str:
    return f"{server_url}|{user_id}"


class SessionService:
    def __init__(
        self,
        *,
        data_dir: Path,
        api_for: Callable[[str], ApiClient],
        token_store: Callable[[], TokenStore],
        device_name: str | None = None,
    ) -> None:
        self._data_dir = data_dir
        self._api_for = api_for
        self._token_store = functools.cache(token_store)  # probed once, on a worker thread
        self._device_name = device_name or platform.node() or "LMSDesk"
        self._auth: AuthSession | None = None
        self._store: LocalStore | None = None
        self._engine: SyncEngine | None = None
        self.current: SessionSnapshot | None = None

    @property
    def _pointer(self) -> Path:
        return self._data_dir / "last_account.json"

    @property
    def store(self) -> LocalStore | None:
        return self._store

    @property
    def sync_engine(self) -> SyncEngine | None:
        """The signed-in account's sync engine (None when signed out)."""
        if self._store is None or self._auth is None or self.current is None:
            return None
        if self._engine is None:
            self._engine = SyncEngine(self._store, self._auth, self.current.profile.user_id)
        return self._engine

    @property
    def account_dir(self) -> Path | None:
        """The signed-in account's folder: its SQLite store and its downloaded media."""
        return self._store.path.parent if self._store is not None else None

    def require_store(self) -> LocalStore:
        """The signed-in account's store; NotSignedIn when there is none."""
        if self._store is None:
            raise NotSignedIn("Sign in first.")
        return self._store

    def require_engine(self) -> SyncEngine:
        """The sync engine local changes are recorded through; NotSignedIn when signed out."""
        engine = self.sync_engine
        if engine is None:
            raise NotSignedIn("Sign in first.")
        return engine

    def require_media_root(self) -> Path:
        """Where the account's downloaded media live."""
        return MediaLibrary.root_in(self.require_store().path.parent)

    def api_for(self, server_url: str) -> ApiClient:
        """A client for a server, for what needs no sign-in (public pictures)."""
        return self._api_for(server_url)

    def api_call(self, request: Callable[[ApiClient, str], T]) -> T:
        """One authenticated request for the signed-in account (refreshing the access token
        once if needed). Raises NotSignedIn, ServerUnreachable, ApiRejected or SessionEnded."""
        auth = self._auth
        if auth is None or self.current is None:
            raise NotSignedIn("Sign in first.")
        return auth.call(lambda token: request(auth.api, token))

    # ------------------------------------------------------------------ use cases
    def remembered_account(self) -> RememberedAccount | None:
        last = read_last_account(self._pointer)
        return RememberedAccount(last.server_url, last.email) if last else None

    def sign_in(
        self, server: str, email: str, password: str, otp: str | None = None
    ) -> SessionSnapshot:
        server_url = normalise_server_url(server)
        if not email.strip():
            raise SignInFailed("Enter your email address.", field="email")
        if not looks_like_email(email):
            raise SignInFailed(
                f"“{email.strip()}” is not an email address: it looks like you@example.com.",
                field="email",
            )
        if not password:
            raise SignInFailed("Enter your password.", field="password")
        api = self._api_for(server_url)
        try:
            pair = api.login(
                email.strip(), password, device_name=self._device_name, otp=otp or None
            )
            me = api.me(pair.access_token)
        except ServerUnreachable as exc:
            offline = self._sign_in_offline(api, server_url, email, password)
            if offline is not None:
                return offline
            raise SignInFailed(
                f"Cannot reach the server at {server_url}. Check the address and your "
                "connection, then try again. (An account that signed in on this computer before "
                "opens its downloaded courses without the server.)",
                field="server",
            ) from exc
        except ApiRejected as exc:
            fields = {
                "invalid_credentials": "password",
                "otp_required": "otp",
                "otp_invalid": "otp",
            }
            raise SignInFailed(exc.message, field=fields.get(exc.code)) from exc
        self._close()
        auth = AuthSession(api, self._token_store(), _account_key(server_url, me.id))
        auth.start(pair)
        snapshot = self._open(auth, server_url, me, online=True)
        assert self._store is not None
        save_offline_credential(
            self._store.path.parent,
            server_url=server_url,
            email=me.email,
            user_id=me.id,
            password=password,
        )
        return snapshot

    def _sign_in_offline(
        self, api: ApiClient, server_url: str, email: str, password: str
    ) -> SessionSnapshot | None:
        """The server is out of reach: open this account's local data if it signed in here
        before with this password. It signs in online by itself once the server answers (the
        password is kept in memory for that, never on disk)."""
        credential = find_offline_credential(
            self._data_dir / "accounts", server_url=server_url, email=email
        )
        if credential is None:
            return None
        if not credential.matches(password):
            raise SignInFailed(
                "The server cannot be reached, and this password is not the one this computer "
                "knows for the account.",
                field="password",
            )
        self._close()
        auth = AuthSession(
            api,
            self._token_store(),
            _account_key(server_url, credential.user_id),
            login_again=lambda: api.login(email.strip(), password, device_name=self._device_name),
        )
        last = LastAccount(server_url, credential.email, credential.user_id)
        opened = self._open_offline(auth, last)
        if opened is not None:
            write_last_account(self._pointer, last)
        return opened

    def resume_local(self) -> SessionSnapshot | None:
        """The last account, opened from this computer alone: its data shows at once, whatever
        the network does (a hung server, a captive portal), and `check_connection` then finishes
        the sign-in with the server or ends it. None when there is nothing here to open (then
        `resume`, which asks the server)."""
        stored = self._stored_sign_in()
        return None if stored is None else self._open_offline(stored[1], stored[0])

    def _stored_sign_in(self) -> tuple[LastAccount, AuthSession] | None:
        """The last account and its session, when this computer still holds its sign-in."""
        last = read_last_account(self._pointer)
        if last is None:
            return None
        api = self._api_for(last.server_url)
        auth = AuthSession(api, self._token_store(), _account_key(last.server_url, last.user_id))
        return (last, auth) if auth.has_stored_sign_in() else None

    def resume(self) -> SessionSnapshot | None:
        """Silent sign-in with the stored refresh token. Offline, opens the last account's local
        data. None when the user has to sign in (never signed in, signed out, session ended)."""
        stored = self._stored_sign_in()
        if stored is None:
            return None
        last, auth = stored
        api = auth.api
        try:
            auth.refresh()
            me = auth.call(api.me)
        except SessionEnded:
            return None
        except ServerUnreachable:
            return self._open_offline(auth, last)
        return self._open(auth, last.server_url, me, online=True)

    def check_connection(self) -> SessionSnapshot | None:
        """Re-test the server; after an offline start (or an offline sign-in), completes the
        sign-in."""
        if self._auth is None or self.current is None:
            return self.current
        try:
            me = self._auth.call(self._auth.api.me)
        except ServerUnreachable:
            self.current = replace(self.current, online=False)
            return self.current
        except SessionEnded:
            self.sign_out()
            return None
        return self._open(self._auth, self.current.profile.server_url, me, online=True)

    def unsynced_changes(self) -> list[str]:
        """What this account changed here that the server does not have yet, in words."""
        if self._store is None:
            return []
        with self._store.reading() as session:
            return [
                queued.description or queued.name
                for queued in outbox.pending(session, background=False)
            ]

    def sign_out(self) -> None:
        if self._auth is not None:
            self._auth.end()
        self._close()

    # ------------------------------------------------------------------ helpers
    def _store_for(self, server_url: str, user_id: uuid.UUID) -> LocalStore:
        folder = account_folder(self._data_dir, server_url, str(user_id))
        store = LocalStore(folder / "lmsdesk.sqlite3")
        upgrade_store(store.engine)
        with store.transaction() as session:
            ensure_replica(session, folder / "replica_epoch")
        return store

    def _open(self, auth: AuthSession, server_url: str, me: Me, *, online: bool) -> SessionSnapshot:
        if self._store is None:
            self._store = self._store_for(server_url, me.id)
        now = datetime.now(UTC)
        stored = StoredAccount(
            user_id=me.id,
            email=me.email,
            full_name=me.full_name,
            roles=tuple(role.value for role in me.roles),
            server_url=server_url,
            last_online_at=now,
        )
        with self._store.transaction() as session:
            save_account(session, stored)
        write_last_account(self._pointer, LastAccount(server_url, me.email, me.id))
        self._auth = auth
        return self._remember(stored, online=online, account=me)

    def _open_offline(self, auth: AuthSession, last: LastAccount) -> SessionSnapshot | None:
        store = self._store_for(last.server_url, last.user_id)
        with store.reading() as session:
            stored = load_account(session)
        if stored is None:
            store.close()
            return None
        self._store = store
        self._auth = auth
        return self._remember(stored, online=False)

    def _remember(
        self, stored: StoredAccount, *, online: bool, account: Me | None = None
    ) -> SessionSnapshot:
        tokens = self._token_store()
        self.current = SessionSnapshot(
            profile=AccountProfile(
                user_id=stored.user_id,
                email=stored.email,
                full_name=stored.full_name,
                roles=frozenset(Role(r) for r in stored.roles),
                server_url=stored.server_url,
            ),
            online=online,
            token_storage=tokens.description,
            os_keyring=tokens.is_os_keyring,
            last_online_at=stored.last_online_at,
            account=account,
        )
        return self.current

    def refresh_account(self) -> SessionSnapshot | None:
        """Ask the server who we are again (after a profile change or a verified email)."""
        return self.check_connection()

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None
        self._auth = None
        self._engine = None
        self.current = None
