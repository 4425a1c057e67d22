"""A push that carries the device's cursor answers with the rows it wrote and the cursor past
them: the device's own rows never come back in a pull, and a device that was current needs no
pull at all. Anything the shortcut cannot vouch for (someone else's write, a tombstone, a stale
cursor) leaves it to the pull, which then misses nothing."""

from __future__ import annotations

import random
import threading
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import Course, User
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp
from tests.server.sync.helpers import (
    API,
    FREE,
    FREE_QUIZ_LESSON,
    FREE_TEXT,
    FREE_VIDEO,
    PAID,
    Device,
    DeviceFactory,
    enroll,
    rows,
    statements_of,
)
from tests.support.live_server import PASSWORD, LiveServer


def _progress(page: dict[str, Any]) -> dict[str, float]:
    changed = page["changes"].get("lesson_progress", [])
    return {r["lesson_id"]: r["last_position_seconds"] for r in changed}


@pytest.mark.usefixtures("seeded")
def test_a_current_device_gets_its_rows_in_the_push_answer_and_has_nothing_to_pull(
    session: Session, student: User, device_for: DeviceFactory, test_engine: Engine
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    device.pull_all()
    answer = device.push(
        device.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=12),
        with_cursor=True,
    )
    assert answer["results"][0]["status"] == "applied"
    page = answer["pulled"]
    assert page["has_more"] is False  # nothing else moved: no pull needed
    assert _progress(page) == {str(FREE_VIDEO): 12}
    # Were it asked anyway, the pull would be the 2-statement no-op: nothing came back twice.
    after, statements = statements_of(test_engine, device.pull)
    assert after["changes"] == {}
    assert len(statements) == 2


@pytest.mark.usefixtures("seeded")
def test_a_change_by_someone_else_is_left_to_the_pull_without_the_echo(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    device = device_for(student)
    device.pull_all()
    course = session.get(Course, PAID)
    assert course is not None
    course.title = "Renamed while the student watched"
    stamp(session, course, CATALOG_PARTITION)
    session.flush()

    answer = device.push(
        device.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=30),
        with_cursor=True,
    )
    assert answer["pulled"]["has_more"] is True  # the catalog moved: pull
    assert _progress(answer["pulled"]) == {str(FREE_VIDEO): 30}
    following = device.pull()
    assert rows([following], "courses")[str(PAID)]["title"] == "Renamed while the student watched"
    assert "lesson_progress" not in following["changes"]


@pytest.mark.usefixtures("seeded")
def test_a_cursor_behind_another_device_gets_no_page_and_the_pull_brings_both(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    enroll(session, student, FREE)
    laptop, desktop = device_for(student), device_for(student)
    laptop.pull_all()
    desktop.pull_all()
    desktop.push(desktop.mutation(m.SET_POSITION, lesson_id=FREE_TEXT, position_seconds=4))

    answer = laptop.push(
        laptop.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=8),
        with_cursor=True,
    )
    assert "pulled" not in answer
    assert _progress(laptop.pull()) == {str(FREE_TEXT): 4, str(FREE_VIDEO): 8}


@pytest.mark.usefixtures("seeded")
def test_a_push_that_deletes_leaves_the_tombstone_to_the_pull(
    student: User, device_for: DeviceFactory
) -> None:
    device = device_for(student)
    device.pull_all()
    added = device.push(device.mutation(m.ADD_TO_WISHLIST, course_id=PAID), with_cursor=True)
    assert [r["course_id"] for r in added["pulled"]["changes"]["wishlist_items"]] == [str(PAID)]

    removed = device.push(device.mutation(m.REMOVE_FROM_WISHLIST, course_id=PAID), with_cursor=True)
    assert "pulled" not in removed
    tombstones = device.pull()["tombstones"]
    assert [t["table"] for t in tombstones] == ["wishlist_items"]


@pytest.mark.usefixtures("seeded")
def test_a_push_without_a_cursor_answers_as_before(
    session: Session, student: User, device_for: DeviceFactory
) -> None:
    """A client from before the shortcut: no cursor sent, no `pulled` in the answer (it
    refuses fields it does not know)."""
    enroll(session, student, FREE)
    device = device_for(student)
    device.pull_all()
    answer = device.push(device.mutation(m.SET_POSITION, lesson_id=FREE_VIDEO, position_seconds=3))
    assert set(answer) == {"acked_through", "results", "server_hlc"}


def _sync(device: Device, mirror: dict[str, float], position: float, lesson: uuid.UUID) -> bool:
    """One sync of a device as the app runs it: push with the cursor, apply the answer's page,
    pull unless it said there is nothing more. Returns whether the page sufficed."""
    answer = device.push(
        device.mutation(m.SET_POSITION, lesson_id=lesson, position_seconds=position),
        with_cursor=True,
    )
    page = answer.get("pulled")
    if page is not None:
        mirror.update(_progress(page))
        if not page["has_more"]:
            return True
    for pulled in device.pull_all():
        mirror.update(_progress(pulled))
    return False


def test_two_devices_pushing_at_once_converge_on_the_servers_rows(live_server: LiveServer) -> None:
    """Two laptops of one student push at the same moment, round after round: each answer's
    page and cursor are either whole or absent, so after one more pull each laptop holds
    exactly what the server holds (a page that skipped a row would leave it out for good)."""
    email = live_server.create_user(Role.STUDENT)
    live_server.enroll(email, FREE)
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        login = http.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
        token = login.json()["access_token"]
    lessons = [FREE_VIDEO, FREE_TEXT, FREE_QUIZ_LESSON]
    mirrors: list[dict[str, float]] = [{}, {}]
    shortcuts: list[bool] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def laptop(n: int) -> None:
        chance = random.Random(n)
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            device = Device(http, token)  # type: ignore[arg-type]
            device.pull_all()
            try:
                for _ in range(12):
                    start.wait(timeout=30)
                    position = float(chance.randint(1, 500))
                    shortcuts.append(_sync(device, mirrors[n], position, chance.choice(lessons)))
                start.wait(timeout=30)
                for pulled in device.pull_all():
                    mirrors[n].update(_progress(pulled))
            except BaseException as exc:
                failures.append(exc)
                start.abort()

    threads = [threading.Thread(target=laptop, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        fresh: dict[str, float] = {}
        for page in Device(http, token).pull_all():  # type: ignore[arg-type]
            fresh.update(_progress(page))
    assert mirrors[0] == mirrors[1] == fresh
    assert any(shortcuts)  # the page path ran (at least the first push of a round gets one)
