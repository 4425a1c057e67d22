"""The demo instructor's picture: a head-and-shoulders silhouette drawn pixel by pixel into a
PNG (the standard library's zlib is all a PNG needs; no imaging library on the server)."""

from __future__ import annotations

import struct
import zlib

_BACKGROUND = (70, 120, 190)
_FIGURE = (225, 232, 242)


def silhouette_png(
    side: int = 128,
    background: tuple[int, int, int] = _BACKGROUND,
    figure: tuple[int, int, int] = _FIGURE,
) -> bytes:
    rows = bytearray()
    head_y, head_r = side * 0.40, side * 0.19
    body_y, body_rx, body_ry = side * 0.98, side * 0.36, side * 0.30
    centre = side / 2
    for y in range(side):
        rows.append(0)  # no filter
        for x in range(side):
            in_head = (x - centre) ** 2 + (y - head_y) ** 2 <= head_r**2
            in_body = ((x - centre) / body_rx) ** 2 + ((y - body_y) / body_ry) ** 2 <= 1
            rows.extend(figure if in_head or in_body else background)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )
