"""Users, their roles and profiles, refresh tokens, mailed codes and recovery codes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.common import AccountCodePurpose, Role
from lmsdesk_server.db.base import Base, now_default, status_enum, uuid_pk


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # Case-insensitive uniqueness: Student@Example.com and student@example.com are one account.
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        CheckConstraint("length(email) BETWEEN 3 AND 320", name="email_length"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(String(320))
    #: The address's look-alike key (security.emails): one account per address a person would
    #: read as the same. Not unique in the schema (accounts made before it may share one);
    #: registration checks it under a lock.
    email_skeleton: Mapped[str | None] = mapped_column(String(320), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(server_default="true")
    email_verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = now_default()
    # The profile others see (on reviews, Q&A, a course's instructor line) and its time zone.
    headline: Mapped[str] = mapped_column(String(200), server_default="")
    bio: Mapped[str] = mapped_column(Text, server_default="")
    timezone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    avatar_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        # use_alter: media_assets refers to users too; the key is added after both tables.
        ForeignKey("media_assets.id", ondelete="SET NULL", use_alter=True)
    )
    #: The TOTP secret, encrypted with the server's key (security.secret_box); sign-in asks
    #: for a code only once it is confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[datetime | None]
    #: The 30-second step of the last code accepted: a code works once (RFC 6238 section 5.2).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(status_enum(Role, "role"), primary_key=True)


class RefreshToken(Base):
    """An opaque refresh token, stored as its SHA-256 only. Rotation links each token to the one
    that replaced it; all tokens of one sign-in share a family, revoked whole on reuse."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = uuid_pk()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    device_name: Mapped[str] = mapped_column(String(200), server_default="")
    created_at: Mapped[datetime] = now_default()
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    replaced_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("refresh_tokens.id", ondelete="SET NULL"), index=True
    )


class AccountCode(Base):
    """A code mailed to the owner of an address: to verify it, or to reset the password.
    Stored as its SHA-256; single use; valid until `expires_at`."""

    __tablename__ = "account_codes"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[AccountCodePurpose] = mapped_column(
        status_enum(AccountCodePurpose, "account_code_purpose")
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = now_default()
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class RecoveryCode(Base):
    """One of the ten codes that sign in once instead of a TOTP code (a lost phone)."""

    __tablename__ = "mfa_recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
