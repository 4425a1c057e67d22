"""The shape of a local mutation: what it does to the mirror, how the sync panel names it, and
how unsent copies of it coalesce."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from lmsdesk.local_db.outbox import Coalesce


@dataclass(frozen=True)
class LocalContext:
    session: Session
    user_id: uuid.UUID
    hlc: int
    now: datetime


@dataclass(frozen=True)
class LocalMutation:
    name: str
    args: type[BaseModel]
    apply: Callable[[LocalContext, Any], None]
    describe: Callable[[Session, Any], str]
    coalesce_key: Callable[[Any], str | None] = lambda _args: None
    coalesce: Coalesce = Coalesce.NONE
