"""Rows as JSON-ready dicts, the shape pull and push results carry (column name -> value)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import inspect

# Server-side details no client needs (or may see).
NEVER_SENT = frozenset(
    {
        "search_vector",
        "storage_key",
        "provider_session_id",
        "provider_payment_intent_id",
        "position_device_id",
    }
)


def json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def row_dict(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        column.key: json_value(getattr(obj, column.key))
        for column in mapper.column_attrs
        if column.key not in NEVER_SENT
    }
