"""Everything a running server shares across requests, built once by the CLI or a test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.config import ServerSettings
from lmsdesk_server.db.engine import make_engine, make_session_factory
from lmsdesk_server.secrets_store import load_or_create_secret
from lmsdesk_server.security.rate_limit import LoginThrottle
from lmsdesk_server.security.tokens import AccessTokens
from lmsdesk_server.services.sync_cursor import CursorCodec, cursor_key


@dataclass
class ServerContext:
    settings: ServerSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    access_tokens: AccessTokens
    throttle: LoginThrottle
    webhook_secret: str
    cursor_codec: CursorCodec

    @property
    def refresh_lifetime(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_days)

    @classmethod
    def build(cls, settings: ServerSettings, database_url: str) -> ServerContext:
        data_dir = settings.server_data_dir
        jwt_secret = (
            settings.jwt_secret.get_secret_value()
            if settings.jwt_secret
            else load_or_create_secret(data_dir, "jwt_secret")
        )
        webhook_secret = (
            settings.stripe_webhook_secret.get_secret_value()
            if settings.stripe_webhook_secret
            else "whsec_" + load_or_create_secret(data_dir, "stripe_webhook_secret")
        )
        engine = make_engine(database_url)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            access_tokens=AccessTokens(
                jwt_secret, timedelta(minutes=settings.access_token_minutes)
            ),
            throttle=LoginThrottle(
                max_failures=settings.login_attempts_per_window,
                window_seconds=settings.login_window_seconds,
            ),
            webhook_secret=webhook_secret,
            cursor_codec=CursorCodec(cursor_key(jwt_secret)),
        )
