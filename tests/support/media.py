"""Files shaped like the kinds the server accepts: what their first bytes must be (the wire
contract's content check), and anything after."""

from __future__ import annotations

#: An ISO media file's first box: 24 bytes of 'ftyp' naming the MP4 brands.
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def fake_mp4(size: int) -> bytes:
    """`size` bytes that start as an MP4 does (not playable: a player would refuse it)."""
    body = bytes(range(256)) * (size // 256 + 1)
    return (MP4_HEADER + body)[:size]
