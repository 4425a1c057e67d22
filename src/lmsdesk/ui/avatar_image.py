"""Pictures of people: a chosen image cropped to its centre square and scaled for upload, and
a cached one drawn round for display. Both decode with QImage, which (unlike QPixmap) may be
used off the UI thread: call them on the io lane."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath

from lmsdesk.services.errors import UserFacingError

#: What is uploaded: enough for a profile page, small enough for a review list.
UPLOAD_SIDE = 256


def square_png(path: Path) -> bytes:
    """The centre square of the image at `path`, scaled to UPLOAD_SIDE, as PNG bytes."""
    image = QImage(str(path))
    if image.isNull():
        raise UserFacingError(f"“{path.name}” is not a picture this app can read.")
    if min(image.width(), image.height()) < 32:
        raise UserFacingError("This picture is too small: choose one of at least 32 pixels.")
    side = min(image.width(), image.height())
    square = image.copy(
        QRect((image.width() - side) // 2, (image.height() - side) // 2, side, side)
    )
    scaled = square.scaled(
        UPLOAD_SIDE,
        UPLOAD_SIDE,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    scaled.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; str works
    buffer.close()
    return bytes(data.data())


def round_image(path: Path | None, side: int) -> QImage | None:
    """The picture at `path` as a circle of `side` pixels (None when there is none)."""
    if path is None:
        return None
    source = QImage(str(path))
    if source.isNull():
        return None
    scaled = source.scaled(
        side,
        side,
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    result = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    result.fill(Qt.GlobalColor.transparent)
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addEllipse(0, 0, side, side)
    painter.setClipPath(clip)
    left, top = (scaled.width() - side) // 2, (scaled.height() - side) // 2
    painter.drawImage(0, 0, scaled, left, top, side, side)
    painter.end()
    return result
