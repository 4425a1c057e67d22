"""Everything a running server shares across requests, built once by the CLI or a test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.config import ServerSettings
from lmsdesk_server.db.engine import make_engine, make_session_factory
from lmsdesk_server.mail.transport import FolderTransport, MailTransport, SmtpTransport
from lmsdesk_server.media.service.access import LinkSigner, link_key
from lmsdesk_server.payments.paystack_provider import PaystackProvider
from lmsdesk_server.payments.provider import PaymentProvider
from lmsdesk_server.payments.stripe_provider import StripeProvider
from lmsdesk_server.payments.test_provider import TestProvider
from lmsdesk_server.schedule.service.calendar import CalendarLinks, calendar_key
from lmsdesk_server.secrets_store import SecretStore
from lmsdesk_server.security.certificate_keys import (
    CERTIFICATE_KEY_NAME,
    SESSION_SIGNER,
    CertificateSigner,
    new_certificate_key_pem,
)
from lmsdesk_server.security.rate_limit import LoginThrottle
from lmsdesk_server.security.return_links import ReturnLinks, return_link_key
from lmsdesk_server.security.secret_box import SecretBox
from lmsdesk_server.security.tokens import AccessTokens
from lmsdesk_server.storage import MediaStore, open_store
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
    calendar_links: CalendarLinks
    certificates: CertificateSigner
    return_links: ReturnLinks
    secret_box: SecretBox
    mail: MailTransport
    media: MediaStore

    @property
    def refresh_lifetime(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_days)

    @classmethod
    def build(cls, settings: ServerSettings, database_url: str) -> ServerContext:
        """Keys the operator set come from the environment; the others from PostgreSQL, made
        once by the first process, so any number of processes share them (DESIGN.md 12)."""
        if settings.stripe_secret_key and not settings.stripe_webhook_secret:
            # Stripe signs with the secret of the endpoint it shows in its dashboard; a
            # generated one would make every real webhook fail verification.
            raise ValueError(
                "LMSDESK_STRIPE_SECRET_KEY is set but LMSDESK_STRIPE_WEBHOOK_SECRET is not: "
                "copy the endpoint's signing secret (whsec_...) from the Stripe dashboard."
            )
        engine = make_engine(database_url)
        session_factory = make_session_factory(engine)
        stored = SecretStore(session_factory, legacy_dir=settings.server_data_dir)

        def secret(configured: SecretStr | None, name: str) -> str:
            return configured.get_secret_value() if configured else stored.get(name)

        jwt_secret = secret(settings.jwt_secret, "jwt_secret")
        webhook_secret = (
            settings.stripe_webhook_secret.get_secret_value()
            if settings.stripe_webhook_secret
            else "whsec_" + stored.get("stripe_webhook_secret")
        )
        certificate_pem = (
            settings.certificate_key.get_secret_value()
            if settings.certificate_key
            else stored.get(CERTIFICATE_KEY_NAME, new_certificate_key_pem)
        )
        signer = CertificateSigner.from_pem(certificate_pem)
        session_factory.configure(info={SESSION_SIGNER: signer})
        payments: PaymentProvider
        if settings.stripe_secret_key:
            payments = StripeProvider(
                settings.stripe_secret_key.get_secret_value(), api_base=settings.stripe_api_base
            )
        elif settings.paystack_secret_key:
            payments = PaystackProvider(
                settings.paystack_secret_key.get_secret_value(), api_base=settings.paystack_api_base
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
                session_factory,
                max_failures=settings.login_attempts_per_window,
                window_seconds=settings.login_window_seconds,
            ),
            webhook_secret=webhook_secret,
            cursor_codec=CursorCodec(cursor_key(jwt_secret)),
            payments=payments,
            media_links=LinkSigner(link_key(jwt_secret)),
            calendar_links=CalendarLinks(calendar_key(jwt_secret)),
            certificates=signer,
            return_links=ReturnLinks(return_link_key(jwt_secret)),
            secret_box=SecretBox(secret(settings.mfa_key, "mfa_key")),
            mail=(
                SmtpTransport.from_url(settings.smtp_url.get_secret_value())
                if settings.smtp_url
                else FolderTransport(settings.mail_outbox_dir)
            ),
            media=open_store(settings.media_store, settings.media_dir),
        )
