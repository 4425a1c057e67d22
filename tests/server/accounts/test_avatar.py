"""A person's picture (DESIGN.md 11.1): square PNG or JPEG up to 1 MB, public like a name, and
carried on the instructor's course rows so every app shows it after its next sync."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import User
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.security.passwords import hash_password
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.accounts.test_endpoints import API, bearer, error_code, login
from tests.server.sync.helpers import FREE, DeviceFactory, rows
from tests.support.images import png


def _put(client: TestClient, token: str, data: bytes, mime: str = "image/png") -> object:
    return client.put(
        f"{API}/me/avatar", content=data, headers={**bearer(token), "Content-Type": mime}
    )


def test_a_square_picture_is_kept_and_anyone_can_fetch_it(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    picture = png(128, 128)
    answer = _put(client, token, picture)
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    assert answer.json()["avatar_asset_id"] is not None  # type: ignore[attr-defined]
    fetched = client.get(f"{API}/users/{user.id}/avatar")  # no sign-in needed
    assert fetched.status_code == 200
    assert fetched.content == picture
    assert fetched.headers["content-type"] == "image/png"

    gone = client.delete(f"{API}/me/avatar", headers=bearer(token))
    assert gone.status_code == 200
    assert gone.json()["avatar_asset_id"] is None
    missing = client.get(f"{API}/users/{user.id}/avatar")
    assert (missing.status_code, error_code(missing)) == (404, "no_picture")


@pytest.mark.parametrize(
    ("data", "mime", "status", "code"),
    [
        (png(200, 100), "image/png", 422, "not_square"),
        (png(16, 16), "image/png", 422, "picture_size"),
        (b"GIF89a" + b"\x00" * 100, "image/gif", 415, "unsupported_type"),
        (b"<html>not a picture</html>", "image/png", 422, "not_an_image"),
        (b"\xff\xd8\xff" + b"\x00" * 50, "image/jpeg", 422, "not_an_image"),
    ],
)
def test_what_is_not_a_square_picture_is_refused_and_changes_nothing(
    client: TestClient, session: Session, data: bytes, mime: str, status: int, code: str
) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    answer = _put(client, token, data, mime)
    assert (answer.status_code, error_code(answer)) == (status, code)  # type: ignore[attr-defined]
    assert client.get(f"{API}/me", headers=bearer(token)).json()["avatar_asset_id"] is None


def test_a_picture_over_a_megabyte_is_refused_before_it_is_read(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    answer = _put(client, token, b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1))
    assert answer.status_code == 413  # type: ignore[attr-defined]


@pytest.mark.usefixtures("seeded")
def test_the_instructor_s_picture_reaches_the_catalog_at_the_next_sync(
    client: TestClient, session: Session, device_for: DeviceFactory
) -> None:
    student = make_user(session, roles=(Role.STUDENT,))
    device = device_for(student)
    before = rows(device.pull_all(), "courses")[str(FREE)]["instructor_avatar_id"]
    assert before is not None, "the demo instructor has a picture"
    instructor = session.get(User, demo_id("instructor@example.com"))
    assert instructor is not None
    instructor.password_hash = hash_password(DEFAULT_PASSWORD)
    session.flush()
    token = login(client, instructor.email)["access_token"]
    picture = _put(client, token, png(64, 64))
    assert picture.status_code == 200  # type: ignore[attr-defined]
    synced = rows(device.pull_all(), "courses")[str(FREE)]
    assert synced["instructor_avatar_id"] == picture.json()["avatar_asset_id"]  # type: ignore[attr-defined]
    assert synced["instructor_avatar_id"] != before


@pytest.mark.usefixtures("seeded")
def test_a_review_shows_its_writer_shortened_with_their_picture_and_follows_a_rename(
    client: TestClient, session: Session, device_for: DeviceFactory
) -> None:
    from tests.server.sync.helpers import enroll

    writer = make_user(session, roles=(Role.STUDENT,), full_name="Mary Ann Lee")
    enroll(session, writer, FREE)
    token = login(client, writer.email)["access_token"]
    rated = client.put(
        f"{API}/courses/{FREE}/rating",
        json={"rating": 4, "title": "Clear", "body": "Good pace."},
        headers=bearer(token),
    )
    assert rated.status_code in (200, 204), rated.text
    picture = _put(client, token, png(48, 48)).json()  # type: ignore[attr-defined]

    reader = device_for(make_user(session, roles=(Role.STUDENT,)))
    [review] = [
        r for r in rows(reader.pull_all(), "course_ratings").values() if r["title"] == "Clear"
    ]
    assert review["reviewer_name"] == "Mary L.", "every device gets every review, not surnames"
    assert review["reviewer_avatar_id"] == picture["avatar_asset_id"]

    renamed = client.patch(f"{API}/me", json={"full_name": "Mia Lee"}, headers=bearer(token))
    assert renamed.status_code == 200
    [again] = rows(reader.pull_all(), "course_ratings").values()  # only what changed
    assert again["reviewer_name"] == "Mia L."
