"""Hybrid logical clock, one rule for client and server.

An HLC is an integer: milliseconds since the epoch shifted left by 12 bits, plus a counter, so
it sorts like time yet always moves forward: next = max(wall clock, last seen + 1). A client
folds in every HLC the server sends, so even a device whose clock is a day slow orders its
later writes after what it has seen; the server clamps HLCs far ahead of its own clock, so a
device whose clock is a day fast cannot win forever.
"""

from __future__ import annotations

import time

SHIFT = 12
#: HLCs more than this far ahead of the server's clock are clamped to the server's clock.
MAX_AHEAD_MS = 5 * 60 * 1000


def from_millis(millis: int) -> int:
    return millis << SHIFT


def to_millis(hlc: int) -> int:
    return hlc >> SHIFT


def wall_clock_hlc(now_ms: int | None = None) -> int:
    return from_millis(int(time.time() * 1000) if now_ms is None else now_ms)


def next_hlc(last: int, now_ms: int | None = None) -> int:
    return max(wall_clock_hlc(now_ms), last + 1)


def clamp_to_server(hlc: int, server_now_ms: int) -> int:
    if to_millis(hlc) > server_now_ms + MAX_AHEAD_MS:
        return from_millis(server_now_ms)
    return hlc
