"""A person's picture (DESIGN.md 11.1): a square PNG or JPEG, cropped by the app, at most 1 MB
and 32 to 2048 pixels a side. Stored like any media file; public like a name, so anyone can
fetch it for a review, an answer or the instructor line of a course.

Setting or removing it restamps the person's courses, so every app hears of the new picture
with the next sync of the catalog (the course rows carry the instructor's picture id)."""

from __future__ import annotations

import hashlib
import struct
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import MediaStatus
from lmsdesk.contracts.media import content_problem
from lmsdesk_server.db.models import Course, CourseRating, MediaAsset, User
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.storage import MediaStore

AVATAR_TYPES = ("image/png", "image/jpeg")
MAX_AVATAR_BYTES = 1024 * 1024
MIN_SIDE, MAX_SIDE = 32, 2048


def image_size(data: bytes, mime_type: str) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR or a JPEG's start-of-frame; None when unreadable."""
    if mime_type == "image/png":
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        at += 2 + length
    return None


class Avatars:
    def __init__(self, session: Session, store: MediaStore) -> None:
        self._session = session
        self._store = store

    def set(self, user_id: uuid.UUID, data: bytes, mime_type: str) -> None:
        mime_type = mime_type.split(";", 1)[0].strip().lower()
        if mime_type not in AVATAR_TYPES:
            raise ApiError(415, "unsupported_type", "A picture is a PNG or a JPEG image.")
        if len(data) > MAX_AVATAR_BYTES:
            raise ApiError(413, "payload_too_large", "A picture is at most 1 MB.")
        problem = content_problem(mime_type, data[:64])
        size = image_size(data, mime_type) if problem is None else None
        if size is None:
            raise ApiError(422, "not_an_image", problem or "This picture cannot be read.")
        width, height = size
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise ApiError(
                422,
                "picture_size",
                f"A picture is {MIN_SIDE} to {MAX_SIDE} pixels a side; this one is "
                f"{width}x{height}.",
            )
        if abs(width - height) > max(width, height) // 50:
            raise ApiError(422, "not_square", f"A picture is square; this one is {width}x{height}.")
        user = self._user(user_id)
        asset_id = uuid.uuid4()
        key = f"avatars/{user.id}/{asset_id}{'.png' if mime_type == 'image/png' else '.jpg'}"
        self._store.put(key, data)
        asset = MediaAsset(
            id=asset_id,
            owner_id=user.id,
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
            mime_type=mime_type,
            original_filename="avatar" + (".png" if mime_type == "image/png" else ".jpg"),
            storage_key=key,
            duration_seconds=None,
            status=MediaStatus.READY,
        )
        stamp(self._session, asset, user_partition(user.id))
        self._session.add(asset)
        self._session.flush()
        user.avatar_asset_id = asset.id
        self._restamp_courses(user.id)

    def remove(self, user_id: uuid.UUID) -> None:
        user = self._user(user_id)
        if user.avatar_asset_id is not None:
            user.avatar_asset_id = None
            self._restamp_courses(user.id)

    def file_of(self, user_id: uuid.UUID) -> MediaAsset:
        user = self._session.get(User, user_id)
        asset = (
            self._session.get(MediaAsset, user.avatar_asset_id)
            if user is not None and user.avatar_asset_id is not None and user.is_active
            else None
        )
        if asset is None:
            raise ApiError(404, "no_picture", "This person has no picture.")
        return asset

    def bytes_of(self, asset: MediaAsset) -> bytes:
        return b"".join(self._store.read(asset.storage_key))

    def _restamp_courses(self, user_id: uuid.UUID) -> None:
        restamp_public_profile(self._session, user_id)

    def _user(self, user_id: uuid.UUID) -> User:
        user = self._session.get(User, user_id, with_for_update=True)
        if user is None:
            raise ApiError(404, "not_found", "No such user.")
        return user


def restamp_public_profile(session: Session, user_id: uuid.UUID) -> None:
    """The rows that show a person's name or picture to others (the courses they teach, the
    reviews they wrote) are stamped again, so every app receives the new ones at its next sync."""
    session.flush()
    courses = select(Course).where(Course.instructor_id == user_id, Course.deleted_at.is_(None))
    ratings = select(CourseRating).where(CourseRating.student_id == user_id)
    for row in [*session.scalars(courses), *session.scalars(ratings)]:
        stamp(session, row, row.sync_partition)
    session.flush()
