"""An authenticated conversation with the server: the access token in memory only, the refresh
token in the TokenStore, refreshed once when the server says the access token expired.

Refreshes are serialised: two workers refreshing with one token would look like token reuse to
the server, which then (rightly) ends the whole sign-in.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

from lmsdesk.contracts.auth import TokenPair
from lmsdesk.sync.api_client import ApiClient, ApiFailure, ApiRejected
from lmsdesk.sync.token_store import TokenStore

T = TypeVar("T")

_REFRESH_REJECTIONS = {"refresh_invalid", "refresh_reused", "refresh_revoked", "refresh_expired"}


class SessionEnded(Exception):
    """The server no longer accepts this sign-in; the user must sign in again."""


class AuthSession:
    def __init__(
        self,
        api: ApiClient,
        tokens: TokenStore,
        account_key: str,
        *,
        login_again: Callable[[], TokenPair] | None = None,
    ) -> None:
        self.api = api
        self._tokens = tokens
        self._account_key = account_key
        self._access_token: str | None = None
        self._lock = threading.Lock()
        #: Signed in offline (a verifier of the password, no token yet): how to get a token
        #: once the server answers. ServerUnreachable from it keeps the session offline.
        self._login_again = login_again

    @property
    def has_access_token(self) -> bool:
        return self._access_token is not None

    def start(self, pair: TokenPair) -> None:
        self._tokens.save(self._account_key, pair.refresh_token)
        self._access_token = pair.access_token

    def has_stored_sign_in(self) -> bool:
        return self._tokens.load(self._account_key) is not None

    def refresh(self, *, stale_access: str | None = None) -> None:
        """Trade the stored refresh token for a new pair. ServerUnreachable propagates (the
        stored token stays valid); a rejection forgets the token and raises SessionEnded."""
        with self._lock:
            if stale_access is not None and self._access_token != stale_access:
                return  # another thread refreshed while we waited
            stored = self._tokens.load(self._account_key)
            if stored is None and self._login_again is not None:
                try:
                    pair = self._login_again()
                except ApiRejected as exc:  # the password changed on the server meanwhile
                    self._login_again = None
                    raise SessionEnded(exc.message) from exc
                self._login_again = None
                self.start(pair)
                return
            if stored is None:
                raise SessionEnded("Not signed in.")
            try:
                pair = self.api.refresh(stored)
            except ApiRejected as exc:
                if exc.status_code == 401 or exc.code in _REFRESH_REJECTIONS:
                    self._tokens.delete(self._account_key)
                    self._access_token = None
                    raise SessionEnded(exc.message) from exc
                raise
            self.start(pair)

    def call(self, request: Callable[[str], T]) -> T:
        """Run `request(access_token)`, refreshing once if the access token has expired."""
        if self._access_token is None:
            self.refresh()
        token = self._access_token
        assert token is not None
        try:
            return request(token)
        except ApiRejected as exc:
            if exc.status_code != 401:
                raise
        self.refresh(stale_access=token)
        assert self._access_token is not None
        return request(self._access_token)

    def end(self) -> None:
        """Sign out: tell the server when it is reachable, forget the token either way."""
        stored = self._tokens.load(self._account_key)
        self._tokens.delete(self._account_key)
        self._access_token = None
        if stored is not None:
            # Offline or refused, sign-out still succeeds locally; the token is already forgotten.
            with contextlib.suppress(ApiFailure):
                self.api.logout(stored)
