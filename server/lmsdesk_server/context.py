"""Everything a running server shares across requests, built once by the CLI or a test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.config import ServerSettings
from lmsdesk_server.db.engine import make_engine, make_session_factory
from lmsdesk_server.mail.transport import FolderTransport, MailTransport, SmtpTransport
from lmsdesk_server.media.service.access import LinkSigner, link_key
from lmsdesk_server.payments.provider import PaymentProvider
from lmsdesk_server.payments.stripe_provider import StripeProvider
from lmsdesk_server.payments.test_provider import TestProvider
from lmsdesk_server.secrets_store import load_or_create_secret
from lmsdesk_server.security.certificate_keys import CertificateSigner, load_or_create_signer
from lmsdesk_server.security.rate_limit import LoginThrottle
from lmsdesk_server.security.return_links import ReturnLinks, return_link_key
from lmsdesk_server.security.secret_box import SecretBox
from lmsdesk_server.security.tokens import AccessTokens
from lmsdesk_server.sync.service.cursor import CursorCodec, cursor_key


@dataclass
class ServerContext:
    settings: ServerSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    access_tokens: AccessTokens
    throttle: LoginThrottle
    webhook_secret: str
    cursor_codec: CursorCodec
    payments: PaymentProvider
    media_links: LinkSigner
    certificates: CertificateSigner
    return_links: ReturnLinks
    secret_box: SecretBox
    mail: MailTransport

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
        session_factory = make_session_factory(engine)
        payments: PaymentProvider
        if settings.stripe_secret_key:
            if not settings.stripe_webhook_secret:
                # Stripe signs with the secret of the endpoint it shows in its dashboard; a
                # generated one would make every real webhook fail verification.
                raise ValueError(
                    "LMSDESK_STRIPE_SECRET_KEY is set but LMSDESK_STRIPE_WEBHOOK_SECRET is not: "
                    "copy the endpoint's signing secret (whsec_...) from the Stripe dashboard."
                )
            payments = StripeProvider(
                settings.stripe_secret_key.get_secret_value(), api_base=settings.stripe_api_base
            )
        else:
            payments = TestProvider(
                session_factory, public_url=settings.public_url, webhook_secret=webhook_secret
            )
        return cls(
            settings=settings,
            engine=engine,
            session_factory=session_factory,
            access_tokens=AccessTokens(
                jwt_secret, timedelta(minutes=settings.access_token_minutes)
            ),
            throttle=LoginThrottle(
                max_failures=settings.login_attempts_per_window,
                window_seconds=settings.login_window_seconds,
            ),
            webhook_secret=webhook_secret,
            cursor_codec=CursorCodec(cursor_key(jwt_secret)),
            payments=payments,
            media_links=LinkSigner(link_key(jwt_secret)),
            certificates=load_or_create_signer(data_dir),
            return_links=ReturnLinks(return_link_key(jwt_secret)),
            secret_box=SecretBox(
                settings.mfa_key.get_secret_value()
                if settings.mfa_key
                else load_or_create_secret(data_dir, "mfa_key")
            ),
            mail=(
                SmtpTransport.from_url(settings.smtp_url.get_secret_value())
                if settings.smtp_url
                else FolderTransport(settings.mail_outbox_dir)
            ),
        )
