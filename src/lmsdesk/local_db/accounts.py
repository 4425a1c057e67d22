"""The account row and the replica identity of one store, plus the pointer to the last account
(a small JSON file beside the per-account folders)."""

from __future__ import annotations

import json
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.local_db.models.client import Account, Replica


@dataclass(frozen=True)
class StoredAccount:
    user_id: uuid.UUID
    email: str
    full_name: str
    roles: tuple[str, ...]
    server_url: str
    last_online_at: datetime | None


def load_account(session: Session) -> StoredAccount | None:
    row = session.get(Account, 1)
    if row is None:
        return None
    return StoredAccount(
        user_id=row.user_id,
        email=row.email,
        full_name=row.full_name,
        roles=tuple(row.roles),
        server_url=row.server_url,
        last_online_at=row.last_online_at,
    )


def save_account(session: Session, account: StoredAccount) -> None:
    row = session.get(Account, 1)
    if row is None:
        row = Account(singleton=1, signed_in_at=datetime.now(UTC))
        session.add(row)
    row.user_id = account.user_id
    row.email = account.email
    row.full_name = account.full_name
    row.roles = list(account.roles)
    row.server_url = account.server_url
    row.last_online_at = account.last_online_at


def ensure_replica(session: Session, epoch_file: Path) -> uuid.UUID:
    """This installation's device id. If the store's epoch and the side file disagree, the store
    was restored from a backup or copied: take a new device id so old sequence numbers are never
    reused (DESIGN.md section 5)."""
    side = epoch_file.read_text().strip() if epoch_file.exists() else None
    row = session.scalars(select(Replica)).one_or_none()
    if row is not None and side == row.replica_epoch:
        return row.device_id
    epoch = str(secrets.randbits(31) or 1)
    if row is None:
        row = Replica(singleton=1, device_id=uuid.uuid4(), replica_epoch=epoch, next_seq=1)
        session.add(row)
    else:
        row.device_id = uuid.uuid4()
        row.replica_epoch = epoch
        row.next_seq = 1
    session.flush()
    _write_atomically(epoch_file, epoch)
    return row.device_id


@dataclass(frozen=True)
class LastAccount:
    server_url: str
    email: str
    user_id: uuid.UUID


def read_last_account(path: Path) -> LastAccount | None:
    try:
        data = json.loads(path.read_text())
        return LastAccount(data["server_url"], data["email"], uuid.UUID(data["user_id"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_last_account(path: Path, account: LastAccount) -> None:
    body = {
        "server_url": account.server_url,
        "email": account.email,
        "user_id": str(account.user_id),
    }
    _write_atomically(path, json.dumps(body, indent=2))


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
