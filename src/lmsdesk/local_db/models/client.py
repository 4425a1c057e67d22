"""Tables only the client has (DESIGN.md section 4): account, replica, outbox, sync state,
downloads, quiz drafts, settings."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.local_db.models.base import LocalBase, status_enum


class Account(LocalBase):
    """Who this store belongs to: lets an offline start show the last account's data."""

    __tablename__ = "account"
    __table_args__ = (CheckConstraint("singleton = 1", name="one_row"),)

    singleton: Mapped[int] = mapped_column(primary_key=True, default=1)
    user_id: Mapped[uuid.UUID]
    email: Mapped[str] = mapped_column(String(320))
    full_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[Any]]
    server_url: Mapped[str] = mapped_column(String(2048))
    signed_in_at: Mapped[datetime]
    last_online_at: Mapped[datetime | None]


class Replica(LocalBase):
    """This installation's identity in the sync protocol (DESIGN.md section 5)."""

    __tablename__ = "replica"
    __table_args__ = (CheckConstraint("singleton = 1", name="one_row"),)

    singleton: Mapped[int] = mapped_column(primary_key=True, default=1)
    device_id: Mapped[uuid.UUID]
    # Also kept in a side file; if they disagree the store was restored or copied.
    replica_epoch: Mapped[str] = mapped_column(String(64))
    next_seq: Mapped[int] = mapped_column(BigInteger, default=1)
    last_hlc: Mapped[int] = mapped_column(BigInteger, default=0)


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    # Sent, answered with a stored result the user should see (e.g. rejected); kept until read.
    FAILED = "failed"


class OutboxItem(LocalBase):
    """A local change waiting for the server, written in the same transaction as the change."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_coalesce_key", "coalesce_key"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(80))
    args: Mapped[dict[str, Any]]
    # Unsent rows with the same key are replaced, so an hour of position saves is one row.
    coalesce_key: Mapped[str | None] = mapped_column(String(200))
    hlc: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[OutboxState] = mapped_column(
        status_enum(OutboxState, "outbox_state"), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # The user and draft partitions whose mirror rows this change touched here: asked for
    # again when the server refuses it, so the refused effect leaves the device.
    partitions: Mapped[list[Any] | None]


class SyncState(LocalBase):
    """The cursor and health of one sync scope."""

    __tablename__ = "sync_state"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Partitions to ask the server for whole on the next pull (PullRequest.resync).
    resync: Mapped[list[Any] | None]
    # The clock a student cannot fool (DESIGN.md 11.4): the server's time at the last pull,
    # the monotonic clock then, and the boot it was read in (a monotonic reading means
    # nothing after a restart of the machine).
    server_time: Mapped[datetime | None]
    server_monotonic: Mapped[float | None]
    boot_id: Mapped[str | None] = mapped_column(String(64))


class DownloadState(enum.StrEnum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    PAUSED = "paused"
    VERIFYING = "verifying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Download(LocalBase):
    """One media file of one course on this computer. A file two courses share is kept once per
    course, so removing one course's media never breaks the other."""

    __tablename__ = "downloads"

    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, index=True)
    lesson_id: Mapped[uuid.UUID | None]
    relative_path: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    bytes_done: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[DownloadState] = mapped_column(
        status_enum(DownloadState, "download_state"), default=DownloadState.QUEUED
    )
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class QuizDraft(LocalBase):
    """The attempt in progress, journaled on every answer change: a crash mid-quiz loses
    nothing. Removed when the attempt is submitted (in the same transaction as its outbox row)."""

    __tablename__ = "quiz_drafts"

    quiz_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    attempt_id: Mapped[uuid.UUID]
    started_at: Mapped[datetime]
    question_order: Mapped[list[Any]]
    answers: Mapped[dict[str, Any]]
    # Time used so far, measured on a monotonic clock while the quiz is open; the wall-clock gap
    # since `updated_at` is added only across a restart.
    elapsed_seconds: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime]


class UploadState(enum.StrEnum):
    """queued -> uploading -> done; uploading -> queued (connection lost: resumes later);
    queued | uploading -> failed (the server refused it); failed -> queued (retry)."""

    QUEUED = "queued"
    UPLOADING = "uploading"
    DONE = "done"
    FAILED = "failed"


class Upload(LocalBase):
    """A file imported into a lesson, waiting to reach the server (or already there). The
    bytes sent so far are the server's to say; `bytes_sent` is what it last said."""

    __tablename__ = "uploads"

    asset_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))  # video | subtitles
    relative_path: Mapped[str] = mapped_column(String(500))  # the copy under the media root
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    duration_seconds: Mapped[float | None]
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[UploadState] = mapped_column(
        status_enum(UploadState, "upload_state"), default=UploadState.QUEUED
    )
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class Setting(LocalBase):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[dict[str, Any]]
