"""Where the shipped resources (demo course media) live."""

from __future__ import annotations

import os
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("LMSDESK_RESOURCES_DIR")
    if override:
        return Path(override)
    # server/lmsdesk_server/resources.py -> <repo>/resources
    return Path(__file__).resolve().parents[2] / "resources"
