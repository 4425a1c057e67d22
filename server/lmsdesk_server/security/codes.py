"""Codes mailed to a person (verify an email, reset a password) and recovery codes for
two-factor sign-in: short enough to type, random enough not to guess (60 bits, and sign-in
style throttling in front), stored as a SHA-256 only, so a copy of the database opens nothing.

Crockford's base32 alphabet (no I, L, O, U): nothing to misread; typing is forgiving about
case, spaces and dashes."""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def new_code(groups: int = 3, size: int = 4) -> str:
    """A fresh code as it is shown: "K7Q2-9XMP-4HTR"."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(size)) for _ in range(groups))


def normalise_code(typed: str) -> str:
    """What was typed, as the code it means: case, spaces and dashes do not matter, and the
    letters people mistake for digits count as those digits."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return "".join(_READ_AS.get(ch, ch) for ch in cleaned)


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
