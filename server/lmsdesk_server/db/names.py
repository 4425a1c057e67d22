"""How a person's name is shown to other people: "Sam Student" becomes "Sam S." (every device
of a course receives every review and post, not every surname)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func


def shown_name(full_name: Any) -> ColumnElement[str]:
    return func.regexp_replace(full_name, r"^(\S+)\s(?:.*\s)?(\S)\S*$", r"\1 \2.")
