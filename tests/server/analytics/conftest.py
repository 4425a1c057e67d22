from __future__ import annotations

# The people around the paid demo course (two students, an outsider, its instructor, an admin).
from tests.server.community.conftest import crowd

__all__ = ["crowd"]
