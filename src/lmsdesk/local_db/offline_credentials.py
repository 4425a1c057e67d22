"""Signing in on a plane: an account that signed in on this computer before keeps a verifier of
its password (argon2id, the same scheme the server stores), so its downloaded courses open
offline with the same email and password. The verifier sits in the account's folder, readable
only by the user; it is not the password and not a token, and it never reaches a log or the
SQLite store."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

FILE_NAME = "offline_sign_in.json"
_HASHER = PasswordHasher()


@dataclass(frozen=True)
class OfflineCredential:
    folder: Path  # the account's folder (its store and media)
    server_url: str
    email: str
    user_id: uuid.UUID
    verifier: str

    def matches(self, password: str) -> bool:
        try:
            return _HASHER.verify(self.verifier, password)
        except (VerificationError, InvalidHashError):
            return False


def save_offline_credential(
    folder: Path, *, server_url: str, email: str, user_id: uuid.UUID, password: str
) -> None:
    """Written after every online sign-in (a new password replaces the old verifier)."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "server_url": server_url,
        "email": email,
        "user_id": str(user_id),
        "verifier": _HASHER.hash(password),
    }
    target = folder / FILE_NAME
    partial = target.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(record, out)
    os.replace(partial, target)


def find_offline_credential(
    accounts_dir: Path, *, server_url: str, email: str
) -> OfflineCredential | None:
    """The verifier of this email on this server, if it ever signed in on this computer."""
    if not accounts_dir.is_dir():
        return None
    wanted = email.strip().lower()
    for folder in sorted(accounts_dir.iterdir()):
        try:
            record = json.loads((folder / FILE_NAME).read_text())
            credential = OfflineCredential(
                folder=folder,
                server_url=str(record["server_url"]),
                email=str(record["email"]),
                user_id=uuid.UUID(str(record["user_id"])),
                verifier=str(record["verifier"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if credential.server_url == server_url and credential.email.lower() == wanted:
            return credential
    return None
