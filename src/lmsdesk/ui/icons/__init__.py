"""The app's own icons, drawn as SVG (the installed fonts have no emoji; never put one in a
label). Qt's SVG image plugin renders them at any size."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtGui import QIcon

NAMES = ("certificate", "lock", "done", "in_progress", "not_started", "vote", "pin", "calendar")


@cache
def icon(name: str) -> QIcon:
    if name not in NAMES:
        raise KeyError(f"no icon named {name!r}")
    return QIcon(str(files(__package__).joinpath(f"{name}.svg")))
